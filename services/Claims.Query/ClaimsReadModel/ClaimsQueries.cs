using Claims.Consensus;
using Claims.Contracts;
using Npgsql;
using static Claims.Query.ClaimsReadModel.ClaimRows;

namespace Claims.Query.ClaimsReadModel;

/// <summary>A validated filter over claims.</summary>
public sealed record ClaimFilter(string? Metric, string? Subject, string? Period, string? Status, string? Text, ClaimSort Sort, int Page, int PageSize);

/// <summary>The orders claims can be listed in; each has its natural direction.</summary>
public enum ClaimSort
{
    /// <summary>Most recently changed first.</summary>
    Updated,
    /// <summary>By claim id, A to Z.</summary>
    ClaimId,
    /// <summary>Most mentioned first.</summary>
    Mentions,
    /// <summary>Most sources first.</summary>
    Sources,
    /// <summary>Latest period first.</summary>
    Period,
}

/// <summary>What a claim looked like at a past time, by when it was recorded or by when its articles were published.</summary>
public enum TimeTravelBasis
{
    Recorded,
    Published,
}

/// <summary>The outcome of reading a claim as of a time.</summary>
public abstract record TimeTravelResult
{
    private TimeTravelResult()
    {
    }

    public sealed record Found(ClaimDetail Claim) : TimeTravelResult;

    /// <summary>The claim exists, but nothing of it was recorded (or published) by then.</summary>
    public sealed record NotYet(DateTimeOffset? First) : TimeTravelResult;

    public sealed record Unknown : TimeTravelResult;
}

/// <summary>Reads the claim read models.</summary>
public sealed class ClaimsQueries(NpgsqlDataSource dataSource, EventStore.EventStore store, ClaimJudgement judgement)
{
    private static readonly Dictionary<ClaimSort, string> s_orders = new()
    {
        [ClaimSort.Updated] = "c.updated_at DESC, c.claim_id",
        [ClaimSort.ClaimId] = "c.claim_id",
        [ClaimSort.Mentions] = "c.mention_count DESC, c.updated_at DESC, c.claim_id",
        [ClaimSort.Sources] = "c.source_count DESC, c.mention_count DESC, c.claim_id",
        [ClaimSort.Period] = "c.period DESC NULLS LAST, c.claim_id",
    };

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
            ORDER BY {s_orders[filter.Sort]}
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
            items.Add(ReadSummary(reader, store.SerializerOptions));
            total = reader.GetInt64(SummaryColumnCount);
        }
        if (items.Count == 0 && filter.Page > 1)
        {
            total = await CountAsync(filter, ct);
        }
        return new ClaimPage(items, total, filter.Page, filter.PageSize, SortName(filter.Sort));
    }

    public async Task<ClaimDetail?> GetAsync(string claimId, CancellationToken ct)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT {SummaryColumns} FROM query.claims c WHERE c.claim_id = $1") { Parameters = { Text(claimId) } });
        batch.BatchCommands.Add(MentionsCommand(claimId));
        batch.BatchCommands.Add(ReliabilitiesCommand("m.claim_id = $1", Text(claimId)));
        await using var reader = await batch.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }
        var summary = ReadSummary(reader, store.SerializerOptions);
        await reader.NextResultAsync(ct);
        var mentions = new List<MentionView>();
        while (await reader.ReadAsync(ct))
        {
            mentions.Add(judgement.Judged(ReadMention(reader, store.SerializerOptions).Mention, summary.Consensus));
        }
        await reader.NextResultAsync(ct);
        var weighted = judgement.WithReliabilities(await ReadReliabilitiesAsync(reader, ct));
        return summary.WithMentions(mentions) with { Positions = ClaimJudgement.Positions(mentions, weighted) };
    }

    /// <summary>
    /// The claim as of <paramref name="asOf"/>. <see cref="TimeTravelBasis.Recorded"/>: the latest version recorded by
    /// then and the mentions recorded by then. <see cref="TimeTravelBasis.Published"/>: the public record of then,
    /// however late its articles were ingested: every mention whose article was published by then, which of them
    /// still stood then, and the consensus the rule decides from those (<see cref="PublicRecord"/>).
    /// </summary>
    public async Task<TimeTravelResult> GetAsOfAsync(string claimId, DateTimeOffset asOf, TimeTravelBasis by, CancellationToken ct)
    {
        // The column is one of two constants, never input.
        var time = by == TimeTravelBasis.Recorded ? "h.recorded_at" : "h.published_at";
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT {SummaryColumns} FROM query.claims c WHERE c.claim_id = $1") { Parameters = { Text(claimId) } });
        // The latest version by then, with the consensus of the last change at or before it.
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"""
            SELECT h.version, h.recorded_at, s.consensus, s.status FROM query.claim_history h
            LEFT JOIN LATERAL (SELECT c.consensus, c.status FROM query.claim_history c
                               WHERE c.claim_id = h.claim_id AND c.version <= h.version AND c.kind = '{ClaimsProjection.ConsensusChangedKind}'
                               ORDER BY c.version DESC LIMIT 1) s ON true
            WHERE h.claim_id = $1 AND {time} <= $2 ORDER BY h.version DESC LIMIT 1
            """) { Parameters = { Text(claimId), new NpgsqlParameter<DateTimeOffset> { TypedValue = asOf } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT min({time}) FROM query.claim_history h WHERE h.claim_id = $1") { Parameters = { Text(claimId) } });
        batch.BatchCommands.Add(MentionsCommand(claimId));
        if (by == TimeTravelBasis.Published)
        {
            // What the rule needs to decide the record of then: how reliable each source is, and every text of the
            // mentioned articles (a correction published by then retracts what the older text said).
            batch.BatchCommands.Add(ReliabilitiesCommand("m.claim_id = $1", Text(claimId)));
            batch.BatchCommands.Add(new NpgsqlBatchCommand("""
                SELECT r.article_id, r.revision, r.published_at FROM query.article_revisions r
                WHERE r.article_id IN (SELECT m.article_id FROM query.claim_mentions m WHERE m.claim_id = $1)
                """) { Parameters = { Text(claimId) } });
        }
        await using var reader = await batch.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return new TimeTravelResult.Unknown();
        }
        var current = ReadSummary(reader, store.SerializerOptions);
        await reader.NextResultAsync(ct);
        (long Version, DateTimeOffset RecordedAt, ConsensusValue? Consensus, string? Status)? then = await reader.ReadAsync(ct)
            ? (reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), ReadConsensus(reader, 2, store.SerializerOptions), NullableString(reader, 3))
            : null;
        await reader.NextResultAsync(ct);
        var first = await reader.ReadAsync(ct) && !reader.IsDBNull(0) ? reader.GetFieldValue<DateTimeOffset>(0) : (DateTimeOffset?)null;
        await reader.NextResultAsync(ct);
        var all = new List<MentionView>();
        while (await reader.ReadAsync(ct))
        {
            all.Add(ReadMention(reader, store.SerializerOptions).Mention);
        }
        if (then is not { } state)
        {
            return new TimeTravelResult.NotYet(first);
        }
        if (by == TimeTravelBasis.Recorded)
        {
            return new TimeTravelResult.Found(AsRecorded(current, all, state, asOf));
        }
        await reader.NextResultAsync(ct);
        var weighted = judgement.WithReliabilities(await ReadReliabilitiesAsync(reader, ct));
        await reader.NextResultAsync(ct);
        var revisions = new List<PublishedRevision>();
        while (await reader.ReadAsync(ct))
        {
            revisions.Add(new PublishedRevision(reader.GetString(0), reader.GetInt32(1), reader.GetFieldValue<DateTimeOffset>(2)));
        }
        return new TimeTravelResult.Found(AsPublished(current, PublicRecord.At(all, revisions, asOf, weighted), state.Version, state.RecordedAt));
    }

    private ClaimDetail AsRecorded(
        ClaimSummary current, IEnumerable<MentionView> all, (long Version, DateTimeOffset RecordedAt, ConsensusValue? Consensus, string? Status) state, DateTimeOffset asOf)
    {
        var mentions = all.Where(m => m.RecordedAt <= asOf).Select(m => judgement.Judged(m, state.Consensus)).ToList();
        return WithCounts(current.WithMentions(mentions), mentions) with
        {
            Consensus = state.Consensus,
            Status = state.Status,
            Version = state.Version,
            UpdatedAt = state.RecordedAt,
            AsOf = new TimeTravelView(asOf, TimeTravelName(TimeTravelBasis.Recorded), state.Version, false),
        };
    }

    private ClaimDetail AsPublished(ClaimSummary current, PublicRecordAt<MentionView> record, long version, DateTimeOffset recordedAt)
    {
        var consensus = record.Decision?.Consensus;
        var mentions = record.Published
            .Select(m => judgement.Judged(m, consensus) with { Superseded = !record.Votes(m), Retracted = record.Retracted.Contains(m.MentionId) })
            .ToList();
        var voters = mentions.Where(m => !m.Superseded).ToList();
        return WithCounts(current.WithMentions(mentions), mentions) with
        {
            Consensus = consensus,
            Status = record.Decision?.Status,
            Positions = record.Decision is { } decision ? ClaimJudgement.Positions(voters, decision) : [],
            Version = version,
            UpdatedAt = recordedAt,
            AsOf = new TimeTravelView(record.At, TimeTravelName(TimeTravelBasis.Published), version, false),
        };
    }

    /// <summary>The counts of the mentions that vote, as the summary counts them.</summary>
    private static ClaimDetail WithCounts(ClaimDetail detail, IReadOnlyList<MentionView> mentions)
    {
        var counted = mentions.Where(m => !m.Superseded).ToList();
        return detail with
        {
            MentionCount = counted.Count,
            OriginCount = counted.Select(m => m.Origin).Distinct().Count(),
            SourceCount = counted.Select(m => m.Source).Distinct().Count(),
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
        // Only consensus changes store a consensus (see ClaimsProjection.InsertHistory): every other version shows the one standing.
        (ConsensusValue? Consensus, string? Status) standing = (null, null);
        while (await reader.ReadAsync(ct))
        {
            var kind = reader.GetString(3);
            if (kind == ClaimsProjection.ConsensusChangedKind)
            {
                standing = (ReadConsensus(reader, 4, store.SerializerOptions), NullableString(reader, 5));
            }

            versions.Add(new ClaimVersion
            {
                Version = reader.GetInt64(0),
                RecordedAt = reader.GetFieldValue<DateTimeOffset>(1),
                PublishedAt = reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
                Kind = kind,
                Consensus = standing.Consensus,
                Status = standing.Status,
                MentionId = reader.IsDBNull(6) ? null : reader.GetGuid(6),
            });
        }
        return versions.Count == 0 ? null : new ClaimHistory(claimId, versions);
    }

    public async Task<ClaimFacets> GetFacetsAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT 'metric', metric, count(*)::int FROM query.claims GROUP BY metric
            UNION ALL SELECT 'subject', subject, count(*)::int FROM query.claims, unnest(subjects) AS subject GROUP BY subject
            UNION ALL SELECT 'status', status, count(*)::int FROM query.claims WHERE status IS NOT NULL GROUP BY status
            ORDER BY 1, 3 DESC, 2
            """);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var facets = new Dictionary<string, List<FacetCount>> { ["metric"] = [], ["subject"] = [], ["status"] = [] };
        while (await reader.ReadAsync(ct))
        {
            facets[reader.GetString(0)].Add(new FacetCount(reader.GetString(1), reader.GetInt32(2)));
        }
        return new ClaimFacets(facets["metric"], facets["subject"], facets["status"]);
    }

    public static string SortName(ClaimSort sort) => sort switch
    {
        ClaimSort.ClaimId => "claimId",
        _ => sort.ToString().ToLowerInvariant(),
    };

    public static string TimeTravelName(TimeTravelBasis by) => by.ToString().ToLowerInvariant();

    private static NpgsqlBatchCommand MentionsCommand(string claimId) => new($"""
        SELECT {MentionColumns} FROM query.claim_mentions m WHERE m.claim_id = $1 ORDER BY m.published_at, m.recorded_at, m.mention_id
        """) { Parameters = { Text(claimId) } };

    private async Task<long> CountAsync(ClaimFilter filter, CancellationToken ct)
    {
        var first = await ListAsync(filter with { Page = 1, PageSize = 1 }, ct);
        return first.Total;
    }

    private static string EscapeLike(string text) => text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
