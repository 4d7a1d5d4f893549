using Claims.Consensus;
using Claims.Contracts;
using Claims.Query.ClaimsReadModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using static Claims.Query.ClaimsReadModel.ClaimRows;

namespace Claims.Query.Conflicts;

/// <summary>A conflicted claim and the groups of origins that disagree on it.</summary>
public sealed record ConflictView : ClaimSummary
{
    /// <summary>The groups of agreeing origins the consensus rule finds, the winner (the consensus's side) first.</summary>
    public required IReadOnlyList<PositionView> Positions { get; init; }
}

public sealed record ConflictPage(IReadOnlyList<ConflictView> Items, long Total, int Page, int PageSize);

/// <summary>A validated filter over conflicts.</summary>
public sealed record ConflictFilter(string? Metric, string? Subject, int Page, int PageSize);

/// <summary>Reads conflicted claims from the claim read models.</summary>
public sealed class ConflictsQueries(NpgsqlDataSource dataSource, EventStore.EventStore store, ClaimJudgement judgement)
{
    public async Task<ConflictPage> ListAsync(ConflictFilter filter, CancellationToken ct)
    {
        var json = store.SerializerOptions;
        var claims = new List<ClaimSummary>();
        long total = 0;
        await using (var command = dataSource.CreateCommand($"""
            SELECT {SummaryColumns}, count(*) OVER () FROM query.claims c
            WHERE c.status = '{ClaimStatuses.Conflicted}'
              AND ($1::text IS NULL OR c.metric = $1) AND ($2::text IS NULL OR $2 = ANY (c.subjects))
            ORDER BY c.updated_at DESC, c.claim_id LIMIT $3 OFFSET $4
            """))
        {
            command.Parameters.Add(Text(filter.Metric));
            command.Parameters.Add(Text(filter.Subject));
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = filter.PageSize });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = (filter.Page - 1) * filter.PageSize });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                claims.Add(ReadSummary(reader, json));
                total = reader.GetInt64(SummaryColumnCount);
            }
        }
        if (claims.Count == 0)
        {
            return new ConflictPage([], filter.Page > 1 ? await CountAsync(filter, ct) : 0, filter.Page, filter.PageSize);
        }

        var ids = claims.Select(c => c.ClaimId).ToArray();
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"""
            SELECT {MentionColumns} FROM query.claim_mentions m
            WHERE m.claim_id = ANY ($1) AND NOT m.superseded ORDER BY m.published_at, m.mention_id
            """) { Parameters = { new NpgsqlParameter<string[]> { TypedValue = ids } } });
        batch.BatchCommands.Add(ReliabilitiesCommand("m.claim_id = ANY ($1)", new NpgsqlParameter<string[]> { TypedValue = ids }));
        await using var mentionReader = await batch.ExecuteReaderAsync(ct);
        var mentions = new List<(MentionView Mention, string ClaimId)>();
        while (await mentionReader.ReadAsync(ct))
        {
            var (mention, _, claimId) = ReadMention(mentionReader, json);
            mentions.Add((mention, claimId));
        }
        await mentionReader.NextResultAsync(ct);
        var weighted = judgement.WithReliabilities(await ReadReliabilitiesAsync(mentionReader, ct));
        var byClaim = mentions.ToLookup(m => m.ClaimId, m => m.Mention);
        return new ConflictPage([.. claims.Select(c => ToConflict(c, [.. byClaim[c.ClaimId]], weighted))], total, filter.Page, filter.PageSize);
    }

    private ConflictView ToConflict(ClaimSummary claim, IReadOnlyList<MentionView> voters, ConsensusOptions weighted) => new()
    {
        ClaimId = claim.ClaimId,
        Metric = claim.Metric,
        Subjects = claim.Subjects,
        Direction = claim.Direction,
        Period = claim.Period,
        Unit = claim.Unit,
        Consensus = claim.Consensus,
        Status = claim.Status,
        MentionCount = claim.MentionCount,
        OriginCount = claim.OriginCount,
        SourceCount = claim.SourceCount,
        Version = claim.Version,
        UpdatedAt = claim.UpdatedAt,
        Positions = ClaimJudgement.Positions([.. voters.Select(m => judgement.Judged(m, claim.Consensus))], weighted),
    };

    private async Task<long> CountAsync(ConflictFilter filter, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT count(*) FROM query.claims c
            WHERE c.status = '{ClaimStatuses.Conflicted}' AND ($1::text IS NULL OR c.metric = $1) AND ($2::text IS NULL OR $2 = ANY (c.subjects))
            """);
        command.Parameters.Add(Text(filter.Metric));
        command.Parameters.Add(Text(filter.Subject));
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}

/// <summary><c>GET /conflicts</c>.</summary>
public static class ConflictsApi
{
    public sealed record ConflictsQuery(
        [FromQuery(Name = "metric")] string? Metric,
        [FromQuery(Name = "subject")] string? Subject,
        [FromQuery(Name = "page")] int? Page,
        [FromQuery(Name = "pageSize")] int? PageSize);

    public static IEndpointRouteBuilder MapConflictsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/conflicts", ListConflicts).WithName("ListConflicts").WithTags("Conflicts")
            .WithSummary("Conflicted claims, most recently changed first, each with the values its sources state and who states them");
        return app;
    }

    public static async Task<Results<Ok<ConflictPage>, ValidationProblem>> ListConflicts(
        [AsParameters] ConflictsQuery query, ConflictsQueries queries, CancellationToken ct)
    {
        var page = query.Page ?? 1;
        var pageSize = query.PageSize ?? 50;
        var errors = new Dictionary<string, string[]>();
        if (page < 1)
        {
            errors["page"] = ["page starts at 1."];
        }
        if (pageSize is < 1 or > ClaimsApi.MaxPageSize)
        {
            errors["pageSize"] = [$"pageSize must be between 1 and {ClaimsApi.MaxPageSize}."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The conflict filter is not valid");
        }
        var result = await queries.ListAsync(new ConflictFilter(Blank(query.Metric), Blank(query.Subject), page, pageSize), ct);
        if (result.Items.Count == 0 && page > 1)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]>
                {
                    ["page"] = [$"page {page} is out of range: {result.Total} conflicts make {Math.Max(1, (result.Total + pageSize - 1) / pageSize)} page(s) of {pageSize}."],
                },
                title: "The page is out of range");
        }
        return TypedResults.Ok(result);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
