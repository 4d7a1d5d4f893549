using System.Data.Common;
using System.Text.Json;
using Claims.Contracts;
using Npgsql;
using NpgsqlTypes;

namespace Claims.Query.ClaimsReadModel;

/// <summary>A validated filter over claims.</summary>
public sealed record ClaimFilter(string? Metric, string? Subject, string? Period, string? Status, string? Text, int Page, int PageSize);

/// <summary>Reads the claim read models.</summary>
public sealed class ClaimsQueries(NpgsqlDataSource dataSource, EventStore.EventStore store)
{
    private const string SummaryColumns =
        "c.claim_id, c.metric, c.subjects, c.direction, c.period, c.unit, c.consensus, c.status, c.mention_count, c.origin_count, c.source_count, c.version, c.updated_at";

    public async Task<ClaimPage> ListAsync(ClaimFilter filter, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {SummaryColumns}, count(*) OVER () AS total
            FROM query.claims c
            WHERE ($1::text IS NULL OR c.metric = $1)
              AND ($2::text IS NULL OR $2 = ANY (c.subjects))
              AND ($3::text IS NULL OR c.period = $3)
              AND ($4::text IS NULL OR c.status = $4)
              AND ($5::text IS NULL OR c.claim_id ILIKE $5 OR EXISTS (
                    SELECT 1 FROM query.claim_mentions m WHERE m.claim_id = c.claim_id AND m.evidence->>'text' ILIKE $5))
            ORDER BY c.updated_at DESC, c.claim_id
            LIMIT $6 OFFSET $7
            """);
        command.Parameters.Add(Text(filter.Metric));
        command.Parameters.Add(Text(filter.Subject));
        command.Parameters.Add(Text(filter.Period));
        command.Parameters.Add(Text(filter.Status));
        command.Parameters.Add(Text(filter.Text is null ? null : "%" + EscapeLike(filter.Text) + "%"));
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = filter.PageSize });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = (filter.Page - 1) * filter.PageSize });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var items = new List<ClaimSummary>();
        long total = 0;
        while (await reader.ReadAsync(ct))
        {
            items.Add(ReadSummary(reader));
            total = reader.GetInt64(13);
        }
        if (items.Count == 0 && filter.Page > 1)
        {
            total = await CountAsync(filter, ct);
        }
        return new ClaimPage(items, total, filter.Page, filter.PageSize);
    }

    public async Task<ClaimDetail?> GetAsync(string claimId, CancellationToken ct)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT {SummaryColumns} FROM query.claims c WHERE c.claim_id = $1") { Parameters = { Text(claimId) } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT mention_id, article_id, article_revision, source, url, published_at, language, value, unit, qualifier, lower, upper,
                   evidence, origin, superseded, recorded_at
            FROM query.claim_mentions WHERE claim_id = $1 ORDER BY published_at, recorded_at, mention_id
            """) { Parameters = { Text(claimId) } });
        await using var reader = await batch.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }
        var summary = ReadSummary(reader);
        await reader.NextResultAsync(ct);
        var mentions = new List<MentionView>();
        while (await reader.ReadAsync(ct))
        {
            mentions.Add(new MentionView
            {
                MentionId = reader.GetGuid(0),
                ArticleId = reader.GetString(1),
                ArticleRevision = reader.GetInt32(2),
                Source = reader.GetString(3),
                Url = NullableString(reader, 4),
                PublishedAt = reader.GetFieldValue<DateTimeOffset>(5),
                Language = reader.GetString(6),
                Value = reader.GetDecimal(7),
                Unit = reader.GetString(8),
                Qualifier = reader.GetString(9),
                Lower = reader.IsDBNull(10) ? null : reader.GetDecimal(10),
                Upper = reader.IsDBNull(11) ? null : reader.GetDecimal(11),
                Evidence = JsonSerializer.Deserialize<Evidence>(reader.GetString(12), store.SerializerOptions)!,
                Origin = reader.GetString(13),
                Superseded = reader.GetBoolean(14),
                RecordedAt = reader.GetFieldValue<DateTimeOffset>(15),
            });
        }
        return new ClaimDetail
        {
            ClaimId = summary.ClaimId,
            Metric = summary.Metric,
            Subjects = summary.Subjects,
            Direction = summary.Direction,
            Period = summary.Period,
            Unit = summary.Unit,
            Consensus = summary.Consensus,
            Status = summary.Status,
            MentionCount = summary.MentionCount,
            OriginCount = summary.OriginCount,
            SourceCount = summary.SourceCount,
            Version = summary.Version,
            UpdatedAt = summary.UpdatedAt,
            Mentions = mentions,
        };
    }

    public async Task<ClaimHistory?> GetHistoryAsync(string claimId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT h.version, h.recorded_at, h.published_at, h.kind, h.consensus, h.status, h.mention_id
            FROM query.claim_history h WHERE h.claim_id = $1 ORDER BY h.version
            """);
        command.Parameters.Add(Text(claimId));
        await using var reader = await command.ExecuteReaderAsync(ct);
        var versions = new List<ClaimVersion>();
        while (await reader.ReadAsync(ct))
        {
            versions.Add(new ClaimVersion
            {
                Version = reader.GetInt64(0),
                RecordedAt = reader.GetFieldValue<DateTimeOffset>(1),
                PublishedAt = reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
                Kind = reader.GetString(3),
                Consensus = ReadConsensus(reader, 4),
                Status = NullableString(reader, 5),
                MentionId = reader.IsDBNull(6) ? null : reader.GetGuid(6),
            });
        }
        return versions.Count == 0 ? null : new ClaimHistory(claimId, versions);
    }

    private async Task<long> CountAsync(ClaimFilter filter, CancellationToken ct)
    {
        var first = await ListAsync(filter with { Page = 1, PageSize = 1 }, ct);
        return first.Total;
    }

    private ClaimSummary ReadSummary(DbDataReader reader) => new()
    {
        ClaimId = reader.GetString(0),
        Metric = reader.GetString(1),
        Subjects = reader.GetFieldValue<string[]>(2),
        Direction = NullableString(reader, 3),
        Period = NullableString(reader, 4),
        Unit = reader.GetString(5),
        Consensus = ReadConsensus(reader, 6),
        Status = NullableString(reader, 7),
        MentionCount = reader.GetInt32(8),
        OriginCount = reader.GetInt32(9),
        SourceCount = reader.GetInt32(10),
        Version = reader.GetInt64(11),
        UpdatedAt = reader.GetFieldValue<DateTimeOffset>(12),
    };

    private ConsensusValue? ReadConsensus(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : JsonSerializer.Deserialize<ConsensusValue>(reader.GetString(ordinal), store.SerializerOptions);

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    private static string EscapeLike(string text) => text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
