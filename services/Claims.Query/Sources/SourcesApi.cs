using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Claims.Query.Sources;

/// <summary>An outlet and what it has said, over the current revision of each of its articles.</summary>
public sealed record SourceView
{
    public required string Source { get; init; }
    public required int ArticleCount { get; init; }
    public required int MentionCount { get; init; }
    public required int ClaimCount { get; init; }
    public required IReadOnlyList<string> Languages { get; init; }
    public required DateTimeOffset FirstPublishedAt { get; init; }
    public required DateTimeOffset LastPublishedAt { get; init; }
    /// <summary>When its latest article was received.</summary>
    public required DateTimeOffset LastSeenAt { get; init; }
    /// <summary>
    /// Reconciliation's estimate, in (0, 1), of how likely the source is to agree with the consensus; null until
    /// reconciliation has judged the source on a claim with at least two origins.
    /// </summary>
    public double? Reliability { get; init; }
    /// <summary>Claims where it agreed with the consensus, by reconciliation's count; null with <see cref="Reliability"/>.</summary>
    public int? Agreements { get; init; }
    /// <summary>Claims where it disagreed; null with <see cref="Reliability"/>.</summary>
    public int? Disagreements { get; init; }
}

public sealed record SourceList(IReadOnlyList<SourceView> Items, int Total);

/// <summary>Reads <c>query.sources</c>.</summary>
public sealed class SourcesQueries(NpgsqlDataSource dataSource)
{
    public async Task<SourceList> ListAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT s.source, s.article_count, s.mention_count, s.claim_count, s.languages, s.first_published_at, s.last_published_at, s.last_seen_at,
                   r.reliability, r.agreements, r.disagreements
            FROM query.sources s LEFT JOIN query.source_reliability r ON r.source = s.source
            ORDER BY s.mention_count DESC, s.article_count DESC, s.source
            """);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var items = new List<SourceView>();
        while (await reader.ReadAsync(ct))
        {
            items.Add(new SourceView
            {
                Source = reader.GetString(0),
                ArticleCount = reader.GetInt32(1),
                MentionCount = reader.GetInt32(2),
                ClaimCount = reader.GetInt32(3),
                Languages = reader.GetFieldValue<string[]>(4),
                FirstPublishedAt = reader.GetFieldValue<DateTimeOffset>(5),
                LastPublishedAt = reader.GetFieldValue<DateTimeOffset>(6),
                LastSeenAt = reader.GetFieldValue<DateTimeOffset>(7),
                Reliability = reader.IsDBNull(8) ? null : reader.GetDouble(8),
                Agreements = reader.IsDBNull(9) ? null : reader.GetInt32(9),
                Disagreements = reader.IsDBNull(10) ? null : reader.GetInt32(10),
            });
        }
        return new SourceList(items, items.Count);
    }
}

/// <summary><c>GET /sources</c>.</summary>
public static class SourcesApi
{
    public static IEndpointRouteBuilder MapSourcesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/sources", ListSources).WithName("ListSources").WithTags("Sources")
            .WithSummary("Every outlet with its article, mention and claim counts, languages and last appearance, most mentions first")
            .WithDescription("reliability, agreements and disagreements come from reconciliation; null until it has judged the source.");
        return app;
    }

    public static async Task<Ok<SourceList>> ListSources(SourcesQueries queries, CancellationToken ct) => TypedResults.Ok(await queries.ListAsync(ct));
}
