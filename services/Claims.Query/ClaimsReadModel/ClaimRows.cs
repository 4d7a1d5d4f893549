using System.Data.Common;
using System.Text.Json;
using Claims.Contracts;
using Npgsql;
using NpgsqlTypes;

namespace Claims.Query.ClaimsReadModel;

/// <summary>How rows of <c>query.claims</c> and <c>query.claim_mentions</c> are selected and read, for every reader of them.</summary>
public static class ClaimRows
{
    /// <summary>Columns of <c>query.claims c</c> that <see cref="ReadSummary"/> reads, in its order.</summary>
    public const string SummaryColumns =
        "c.claim_id, c.metric, c.subjects, c.direction, c.period, c.unit, c.consensus, c.status, c.mention_count, c.origin_count, c.source_count, c.version, c.updated_at";

    /// <summary>How many columns <see cref="SummaryColumns"/> has.</summary>
    public const int SummaryColumnCount = 13;

    /// <summary>Columns of <c>query.claim_mentions m</c> that <see cref="ReadMention"/> reads, in its order.</summary>
    public const string MentionColumns = """
        m.mention_id, m.article_id, m.article_revision, m.source, m.url, m.published_at, m.language, m.value, m.unit, m.qualifier, m.lower, m.upper,
        m.evidence, m.origin, m.superseded, m.recorded_at, m.version, m.claim_id, m.retracted
        """;

    /// <summary>How many columns <see cref="MentionColumns"/> has.</summary>
    public const int MentionColumnCount = 19;

    public static ClaimSummary ReadSummary(DbDataReader reader, JsonSerializerOptions json) => new()
    {
        ClaimId = reader.GetString(0),
        Metric = reader.GetString(1),
        Subjects = reader.GetFieldValue<string[]>(2),
        Direction = NullableString(reader, 3),
        Period = NullableString(reader, 4),
        Unit = reader.GetString(5),
        Consensus = ReadConsensus(reader, 6, json),
        Status = NullableString(reader, 7),
        MentionCount = reader.GetInt32(8),
        OriginCount = reader.GetInt32(9),
        SourceCount = reader.GetInt32(10),
        Version = reader.GetInt64(11),
        UpdatedAt = reader.GetFieldValue<DateTimeOffset>(12),
    };

    /// <summary>A mention row, with the claim version that recorded it and the claim it belongs to.</summary>
    public static (MentionView Mention, long Version, string ClaimId) ReadMention(DbDataReader reader, JsonSerializerOptions json)
    {
        var mention = new MentionView
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
            Evidence = JsonSerializer.Deserialize<Evidence>(reader.GetString(12), json)!,
            Origin = reader.GetString(13),
            Superseded = reader.GetBoolean(14),
            RecordedAt = reader.GetFieldValue<DateTimeOffset>(15),
            Retracted = reader.GetBoolean(18),
        };
        return (mention, reader.GetInt64(16), reader.GetString(17));
    }

    /// <summary>
    /// The published reliabilities of the sources that speak to the claims <paramref name="mentionCondition"/> (a
    /// condition on <c>query.claim_mentions m</c>, a constant of the caller's) selects.
    /// </summary>
    public static NpgsqlBatchCommand ReliabilitiesCommand(string mentionCondition, NpgsqlParameter parameter) => new($"""
        SELECT r.source, r.reliability FROM query.source_reliability r
        WHERE r.source IN (SELECT m.source FROM query.claim_mentions m WHERE {mentionCondition})
        """) { Parameters = { parameter } };

    public static async Task<Dictionary<string, double>> ReadReliabilitiesAsync(DbDataReader reader, CancellationToken ct)
    {
        var reliabilities = new Dictionary<string, double>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            reliabilities[reader.GetString(0)] = reader.GetDouble(1);
        }
        return reliabilities;
    }

    public static ConsensusValue? ReadConsensus(DbDataReader reader, int ordinal, JsonSerializerOptions json) =>
        reader.IsDBNull(ordinal) ? null : JsonSerializer.Deserialize<ConsensusValue>(reader.GetString(ordinal), json);

    public static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    /// <summary>A detail copy of a summary.</summary>
    public static ClaimDetail WithMentions(this ClaimSummary summary, IReadOnlyList<MentionView> mentions) => new()
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
