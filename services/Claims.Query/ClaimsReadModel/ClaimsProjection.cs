using System.Diagnostics;
using System.Text.Json;
using Claims.Contracts.Events;
using Claims.EventStore;
using Npgsql;
using NpgsqlTypes;

namespace Claims.Query.ClaimsReadModel;

/// <summary>
/// Projects claim streams into <c>query.claims</c> (summary), <c>query.claim_mentions</c> and
/// <c>query.claim_history</c>. Every write of a batch goes out in one round trip, in the transaction that also
/// moves the checkpoint, so a batch is applied once or not at all.
/// </summary>
public sealed class ClaimsProjection(EventStore.EventStore store) : IProjection
{
    private const string UpsertClaim = """
        INSERT INTO query.claims (claim_id, metric, subjects, direction, period, unit, version, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        ON CONFLICT (claim_id) DO UPDATE SET version = GREATEST(query.claims.version, EXCLUDED.version), updated_at = EXCLUDED.updated_at
        """;

    private const string InsertMention = """
        INSERT INTO query.claim_mentions (mention_id, claim_id, article_id, article_revision, source, url, published_at, language,
            value, unit, qualifier, lower, upper, evidence, origin, version, recorded_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
        ON CONFLICT (mention_id) DO NOTHING
        """;

    private const string UpdateConsensus = """
        UPDATE query.claims SET consensus = $2, status = $3, version = GREATEST(version, $4), updated_at = $5 WHERE claim_id = $1
        """;

    // A mention's history row carries the consensus that stood when it arrived.
    private const string InsertHistory = """
        INSERT INTO query.claim_history (claim_id, version, recorded_at, published_at, kind, consensus, status, mention_id)
        SELECT $1, $2, $3, $4, $5, COALESCE($6, c.consensus), COALESCE($7, c.status), $8 FROM query.claims c WHERE c.claim_id = $1
        ON CONFLICT (claim_id, version) DO NOTHING
        """;

    private const string RefreshCounts = """
        UPDATE query.claims c SET mention_count = m.mentions, origin_count = m.origins, source_count = m.sources
        FROM (SELECT claim_id, count(*) AS mentions, count(DISTINCT origin) AS origins, count(DISTINCT source) AS sources
              FROM query.claim_mentions WHERE claim_id = ANY($1) AND NOT superseded GROUP BY claim_id) m
        WHERE c.claim_id = m.claim_id
        """;

    public string Name => "query-claims";

    public IReadOnlySet<string>? EventTypes { get; } = new HashSet<string> { EventAliases.MentionRecorded, EventAliases.ConsensusChanged };

    public async Task ApplyAsync(ProjectionBatch batch, CancellationToken ct)
    {
        var activities = new List<Activity>();
        try
        {
            await using var commands = new NpgsqlBatch(batch.Connection, batch.Transaction);
            var touched = new HashSet<string>();
            foreach (var stored in batch.Events)
            {
                if (stored.StartEventActivity("project " + Name) is { } activity)
                {
                    activities.Add(activity);
                }
                switch (stored.Data)
                {
                    case MentionRecorded mention:
                        AddMention(commands, stored, mention);
                        touched.Add(mention.ClaimId);
                        break;
                    case ConsensusChanged change:
                        AddConsensus(commands, stored, change);
                        break;
                }
            }
            if (touched.Count > 0)
            {
                commands.BatchCommands.Add(Command(RefreshCounts, Value(touched.ToArray())));
            }
            if (commands.BatchCommands.Count > 0)
            {
                await commands.ExecuteNonQueryAsync(ct);
            }
        }
        finally
        {
            foreach (var activity in activities)
            {
                activity.Dispose();
            }
        }
    }

    public async Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("TRUNCATE query.claims, query.claim_mentions, query.claim_history", connection, transaction);
        await command.ExecuteNonQueryAsync(ct);
    }

    private void AddMention(NpgsqlBatch commands, StoredEvent stored, MentionRecorded recorded)
    {
        var (m, a) = (recorded.Mention, recorded.Article);
        commands.BatchCommands.Add(Command(UpsertClaim,
            Value(m.ClaimId), Value(m.Metric), Value(m.Subjects.ToArray()), Text(m.Direction), Text(m.Period), Value(m.Unit),
            Value(stored.Version), Value(stored.RecordedAt)));
        commands.BatchCommands.Add(Command(InsertMention,
            Value(recorded.MentionId), Value(m.ClaimId), Value(a.ArticleId), Value(a.Revision), Value(a.Source), Text(a.Url),
            Value(a.PublishedAt), Value(a.Language), Value(m.Value), Value(m.Unit), Value(m.Qualifier), Numeric(m.Lower), Numeric(m.Upper),
            Json(m.Evidence), Value(recorded.Origin), Value(stored.Version), Value(stored.RecordedAt)));
        commands.BatchCommands.Add(Command(InsertHistory,
            Value(m.ClaimId), Value(stored.Version), Value(stored.RecordedAt), Value(a.PublishedAt), Value("mention-recorded"),
            new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb }, Text(null), Value(recorded.MentionId)));
    }

    private void AddConsensus(NpgsqlBatch commands, StoredEvent stored, ConsensusChanged c)
    {
        commands.BatchCommands.Add(Command(UpdateConsensus,
            Value(c.ClaimId), Json(c.Current), Value(c.Status), Value(stored.Version), Value(stored.RecordedAt)));
        commands.BatchCommands.Add(Command(InsertHistory,
            Value(c.ClaimId), Value(stored.Version), Value(stored.RecordedAt),
            c.CausePublishedAt is { } published ? Value(published) : new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz },
            Value("consensus-changed"), Json(c.Current), Value(c.Status),
            c.CausedByMentionId is { } mentionId ? Value(mentionId) : new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid }));
    }

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static NpgsqlParameter<T> Value<T>(T value) => new() { TypedValue = value };

    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    private static NpgsqlParameter Numeric(decimal? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Numeric };

    private NpgsqlParameter Json<T>(T value) => new() { Value = JsonSerializer.Serialize(value, store.SerializerOptions), NpgsqlDbType = NpgsqlDbType.Jsonb };
}
