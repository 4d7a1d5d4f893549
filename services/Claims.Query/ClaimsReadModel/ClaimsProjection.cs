using System.Text.Json;
using Claims.Contracts.Events;
using Claims.EventStore;
using Claims.Query.Changes;
using Npgsql;

using static Claims.Query.Sql;

namespace Claims.Query.ClaimsReadModel;

/// <summary>
/// Projects claim streams into <c>query.claims</c> (summary), <c>query.claim_mentions</c>,
/// <c>query.claim_history</c> and the change feed <c>query.changes</c>. Every write of a batch goes out in one round
/// trip, in the transaction that also moves the checkpoint, so a batch is applied once or not at all.
/// </summary>
public sealed class ClaimsProjection(EventStore.EventStore store) : SqlBatchProjection
{
    public const string Schema = """
        CREATE TABLE IF NOT EXISTS query.claims (
            claim_id text PRIMARY KEY,
            metric text NOT NULL,
            subjects text[] NOT NULL,
            direction text,
            period text,
            unit text NOT NULL,
            consensus jsonb,
            status text,
            mention_count int NOT NULL DEFAULT 0,
            origin_count int NOT NULL DEFAULT 0,
            source_count int NOT NULL DEFAULT 0,
            version bigint NOT NULL,
            updated_at timestamptz NOT NULL);
        CREATE INDEX IF NOT EXISTS claims_metric ON query.claims (metric);
        CREATE INDEX IF NOT EXISTS claims_subjects ON query.claims USING gin (subjects);
        CREATE INDEX IF NOT EXISTS claims_updated ON query.claims (updated_at DESC, claim_id);
        CREATE INDEX IF NOT EXISTS claims_status ON query.claims (status, updated_at DESC);
        CREATE TABLE IF NOT EXISTS query.claim_mentions (
            mention_id uuid PRIMARY KEY,
            claim_id text NOT NULL,
            article_id text NOT NULL,
            article_revision int NOT NULL,
            source text NOT NULL,
            url text,
            published_at timestamptz NOT NULL,
            language text NOT NULL,
            value numeric NOT NULL,
            unit text NOT NULL,
            qualifier text NOT NULL,
            lower numeric,
            upper numeric,
            evidence jsonb NOT NULL,
            origin text NOT NULL,
            superseded boolean NOT NULL DEFAULT false,
            version bigint NOT NULL,
            recorded_at timestamptz NOT NULL);
        ALTER TABLE query.claim_mentions ADD COLUMN IF NOT EXISTS retracted boolean NOT NULL DEFAULT false;
        ALTER TABLE query.claim_mentions ADD COLUMN IF NOT EXISTS superseded_by uuid;
        CREATE INDEX IF NOT EXISTS claim_mentions_claim ON query.claim_mentions (claim_id, published_at);
        CREATE TABLE IF NOT EXISTS query.claim_history (
            claim_id text NOT NULL,
            version bigint NOT NULL,
            recorded_at timestamptz NOT NULL,
            published_at timestamptz,
            kind text NOT NULL,
            consensus jsonb,
            status text,
            mention_id uuid,
            PRIMARY KEY (claim_id, version));
        CREATE TABLE IF NOT EXISTS query.changes (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            claim_id text NOT NULL,
            version bigint NOT NULL,
            kind text NOT NULL,
            metric text NOT NULL,
            subjects text[] NOT NULL,
            direction text,
            period text,
            previous jsonb,
            consensus jsonb,
            previous_status text,
            status text,
            cause text,
            mention_id uuid,
            changed_at timestamptz,
            recorded_at timestamptz NOT NULL,
            UNIQUE (claim_id, version));
        """;

    /// <summary>The <c>kind</c> of a history or change row written for <see cref="MentionRecorded"/>.</summary>
    public const string MentionRecordedKind = "mention-recorded";

    /// <summary>The <c>kind</c> of a history or change row written for <see cref="ConsensusChanged"/>.</summary>
    public const string ConsensusChangedKind = "consensus-changed";

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

    // Counts what still votes; a claim whose every mention was superseded or retracted counts zero.
    private const string RefreshCounts = """
        UPDATE query.claims c SET
            mention_count = (SELECT count(*) FROM query.claim_mentions m WHERE m.claim_id = c.claim_id AND NOT m.superseded),
            origin_count = (SELECT count(DISTINCT m.origin) FROM query.claim_mentions m WHERE m.claim_id = c.claim_id AND NOT m.superseded),
            source_count = (SELECT count(DISTINCT m.source) FROM query.claim_mentions m WHERE m.claim_id = c.claim_id AND NOT m.superseded)
        WHERE c.claim_id = ANY ($1)
        """;

    private const string TouchClaim = """
        UPDATE query.claims SET version = GREATEST(version, $2), updated_at = $3 WHERE claim_id = $1
        """;

    private const string Regroup = "UPDATE query.claim_mentions SET origin = $2 WHERE mention_id = $1";

    private const string Retract = "UPDATE query.claim_mentions SET superseded = true, retracted = true WHERE mention_id = $1";

    private const string Supersede = "UPDATE query.claim_mentions SET superseded = true, superseded_by = $2 WHERE mention_id = $1";

    private const string Reinstate = "UPDATE query.claim_mentions SET superseded = false, superseded_by = NULL WHERE mention_id = $1 AND NOT retracted";

    // Change ids come from an identity column: one runner writes at a time and each batch commits before the next
    // starts, so ids grow in commit order and a reader that remembers the last id it saw misses nothing.
    private const string InsertConsensusChange = """
        INSERT INTO query.changes (claim_id, version, kind, metric, subjects, direction, period, previous, consensus, previous_status, status,
            cause, mention_id, changed_at, recorded_at)
        SELECT $1, $2, 'consensus-changed', c.metric, c.subjects, c.direction, c.period, $3, $4, $5, $6, $7, $8, $9, $10
        FROM query.claims c WHERE c.claim_id = $1
        ON CONFLICT (claim_id, version) DO NOTHING
        """;

    private const string InsertMentionChange = """
        INSERT INTO query.changes (claim_id, version, kind, metric, subjects, direction, period, mention_id, recorded_at)
        SELECT $1, $2, 'mention-recorded', c.metric, c.subjects, c.direction, c.period, $3, $4
        FROM query.claims c WHERE c.claim_id = $1
        ON CONFLICT (claim_id, version) DO NOTHING
        """;

    public override string Name => "query-claims";

    /// <summary>
    /// Every claim event type reconciliation writes, so the history has every version. A claim event type added later
    /// passes by until it is listed here (and its version is missing from the history until then).
    /// </summary>
    public override IReadOnlySet<string>? EventTypes { get; } = new HashSet<string>
    {
        EventAliases.MentionRecorded,
        EventAliases.ConsensusChanged,
        EventAliases.MentionRegrouped,
        EventAliases.MentionRetracted,
        EventAliases.MentionSuperseded,
        EventAliases.MentionReinstated,
        EventAliases.ConflictDetected,
        EventAliases.ConflictResolved,
    };

    protected override void Add(NpgsqlBatch commands, StoredEvent stored, ISet<string> touched)
    {
        switch (stored.Data)
        {
            case MentionRecorded mention:
                AddMention(commands, stored, mention);
                touched.Add(mention.ClaimId);
                break;
            case ConsensusChanged change:
                AddConsensus(commands, stored, change);
                break;
            case MentionRegrouped regrouped:
                AddMentionChange(commands, stored, regrouped.ClaimId, regrouped.MentionId, Command(Regroup, Value(regrouped.MentionId), Value(regrouped.Origin)));
                touched.Add(regrouped.ClaimId);
                break;
            case MentionRetracted retracted:
                AddMentionChange(commands, stored, retracted.ClaimId, retracted.MentionId, Command(Retract, Value(retracted.MentionId)));
                touched.Add(retracted.ClaimId);
                break;
            case MentionSuperseded superseded:
                AddMentionChange(commands, stored, superseded.ClaimId, superseded.MentionId,
                    Command(Supersede, Value(superseded.MentionId), Value(superseded.SupersededBy)));
                touched.Add(superseded.ClaimId);
                break;
            case MentionReinstated reinstated:
                AddMentionChange(commands, stored, reinstated.ClaimId, reinstated.MentionId, Command(Reinstate, Value(reinstated.MentionId)));
                touched.Add(reinstated.ClaimId);
                break;
            case ConflictDetected detected:
                AddVersion(commands, stored, detected.ClaimId, null);
                break;
            case ConflictResolved resolved:
                AddVersion(commands, stored, resolved.ClaimId, null);
                break;
        }
    }

    protected override void Complete(NpgsqlBatch commands, IReadOnlySet<string> touched)
    {
        if (touched.Count > 0)
        {
            commands.BatchCommands.Add(Command(RefreshCounts, Value(touched.ToArray())));
        }
        if (commands.BatchCommands.Count > 0)
        {
            // Delivered at commit, to every query instance: their /changes streams wake at once instead of at their next poll.
            commands.BatchCommands.Add(Command($"SELECT pg_notify('{ChangeSignal.Channel}', '')"));
        }
    }

    /// <summary>
    /// Clears the read models for a rebuild, but not <c>query.changes</c>: the feed is what subscribers already saw,
    /// under ids they resume from. The replay finds its rows there (one per claim version) and adds none twice.
    /// </summary>
    public override async Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
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
            Value(m.ClaimId), Value(stored.Version), Value(stored.RecordedAt), Value(a.PublishedAt), Value(MentionRecordedKind),
            Jsonb(null), Text(null), Value(recorded.MentionId)));
        commands.BatchCommands.Add(Command(InsertMentionChange,
            Value(m.ClaimId), Value(stored.Version), Value(recorded.MentionId), Value(stored.RecordedAt)));
    }

    private void AddConsensus(NpgsqlBatch commands, StoredEvent stored, ConsensusChanged c)
    {
        commands.BatchCommands.Add(Command(UpdateConsensus,
            Value(c.ClaimId), Json(c.Current), Value(c.Status), Value(stored.Version), Value(stored.RecordedAt)));
        commands.BatchCommands.Add(Command(InsertHistory,
            Value(c.ClaimId), Value(stored.Version), Value(stored.RecordedAt),
            c.CausePublishedAt is { } published ? Value(published) : Time(null),
            Value(ConsensusChangedKind), Json(c.Current), Value(c.Status), Uuid(c.CausedByMentionId)));
        commands.BatchCommands.Add(Command(InsertConsensusChange,
            Value(c.ClaimId), Value(stored.Version), c.Previous is null ? Jsonb(null) : Json(c.Previous), Json(c.Current), Text(c.PreviousStatus),
            Value(c.Status), Value(c.Reason), Uuid(c.CausedByMentionId), Value(c.ChangedAt), Value(stored.RecordedAt)));
    }

    private static void AddMentionChange(NpgsqlBatch commands, StoredEvent stored, string claimId, Guid mentionId, NpgsqlBatchCommand change)
    {
        commands.BatchCommands.Add(change);
        AddVersion(commands, stored, claimId, mentionId);
    }

    /// <summary>A history row for a version that changes neither the consensus nor the status: it carries the standing ones.</summary>
    private static void AddVersion(NpgsqlBatch commands, StoredEvent stored, string claimId, Guid? mentionId)
    {
        commands.BatchCommands.Add(Command(TouchClaim, Value(claimId), Value(stored.Version), Value(stored.RecordedAt)));
        commands.BatchCommands.Add(Command(InsertHistory,
            Value(claimId), Value(stored.Version), Value(stored.RecordedAt), Time(null), Value(Kind(stored.Type)), Jsonb(null), Text(null), Uuid(mentionId)));
    }

    /// <summary><c>claim.mention-superseded.v1</c> is kind <c>mention-superseded</c>.</summary>
    public static string Kind(string alias)
    {
        var kind = alias.StartsWith("claim.", StringComparison.Ordinal) ? alias["claim.".Length..] : alias;
        var version = kind.LastIndexOf(".v", StringComparison.Ordinal);
        return version > 0 ? kind[..version] : kind;
    }

    private NpgsqlParameter Json<T>(T value) => Jsonb(JsonSerializer.Serialize(value, store.SerializerOptions));
}
