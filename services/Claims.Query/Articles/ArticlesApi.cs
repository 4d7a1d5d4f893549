using System.Text.Json;
using Claims.Contracts;
using Claims.Query.ClaimsReadModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using static Claims.Query.ClaimsReadModel.ClaimRows;

namespace Claims.Query.Articles;

/// <summary>An article at one revision: its text (which evidence offsets refer to), its revisions and the claims read from it.</summary>
public sealed record ArticleView
{
    public required string ArticleId { get; init; }
    public required int Revision { get; init; }
    public required int LatestRevision { get; init; }
    public required string Source { get; init; }
    public string? Url { get; init; }
    public string? Title { get; init; }
    public required DateTimeOffset PublishedAt { get; init; }
    public required string Language { get; init; }
    public required string Text { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }
    public required DateTimeOffset FirstReceivedAt { get; init; }
    public required IReadOnlyList<ArticleRevisionView> Revisions { get; init; }
    public required IReadOnlyList<ArticleClaimView> Claims { get; init; }
}

/// <summary>One text received for an article; a correction is a new revision whose claims replace the old ones.</summary>
public sealed record ArticleRevisionView(int Revision, string ContentHash, string? Title, DateTimeOffset PublishedAt, DateTimeOffset ReceivedAt, int ClaimCount);

/// <summary>A claim as extracted from the article, with where that claim stands now.</summary>
public sealed record ArticleClaimView
{
    public required Guid MentionId { get; init; }
    public required string ClaimId { get; init; }
    public required string Metric { get; init; }
    public required IReadOnlyList<string> Subjects { get; init; }
    public string? Direction { get; init; }
    public string? Period { get; init; }
    public required decimal Value { get; init; }
    public required string Unit { get; init; }
    public string? Noun { get; init; }
    public required string Qualifier { get; init; }
    public decimal? Lower { get; init; }
    public decimal? Upper { get; init; }
    public required Evidence Evidence { get; init; }
    public required double Confidence { get; init; }
    /// <summary>The claim's status now; null until reconciliation has recorded the claim.</summary>
    public string? ClaimStatus { get; init; }
    public ConsensusValue? Consensus { get; init; }
    public bool? AgreesWithConsensus { get; init; }
}

/// <summary>Reads the article read models.</summary>
public sealed class ArticlesQueries(NpgsqlDataSource dataSource, EventStore.EventStore store, ClaimJudgement judgement)
{
    /// <summary>The article at <paramref name="revision"/> (null: the latest); null when the article or that revision is unknown.</summary>
    public async Task<ArticleView?> GetAsync(string articleId, int? revision, CancellationToken ct)
    {
        await using var batch = dataSource.CreateBatch();
        var id = Text(articleId);
        var wanted = new NpgsqlParameter { Value = (object?)revision ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer };
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT r.revision, a.revision, r.source, r.url, r.title, r.published_at, r.language, r.text, r.received_at, a.first_received_at
            FROM query.articles a JOIN query.article_revisions r ON r.article_id = a.article_id AND r.revision = coalesce($2, a.revision)
            WHERE a.article_id = $1
            """) { Parameters = { id, wanted } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT r.revision, r.content_hash, r.title, r.published_at, r.received_at,
                   (SELECT count(*)::int FROM query.article_claims c WHERE c.article_id = r.article_id AND c.revision = r.revision)
            FROM query.article_revisions r WHERE r.article_id = $1 ORDER BY r.revision
            """) { Parameters = { Text(articleId) } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT c.mention_id, c.claim_id, c.metric, c.subjects, c.direction, c.period, c.value, c.unit, c.noun, c.qualifier, c.lower, c.upper,
                   c.evidence, c.confidence, q.status, q.consensus
            FROM query.article_claims c
            JOIN query.articles a ON a.article_id = c.article_id AND c.revision = coalesce($2, a.revision)
            LEFT JOIN query.claims q ON q.claim_id = c.claim_id
            WHERE c.article_id = $1
            ORDER BY (c.evidence->>'start')::int, c.claim_id
            """) { Parameters = { Text(articleId), new NpgsqlParameter { Value = (object?)revision ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer } } });
        await using var reader = await batch.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }
        var json = store.SerializerOptions;
        var article = new ArticleView
        {
            ArticleId = articleId,
            Revision = reader.GetInt32(0),
            LatestRevision = reader.GetInt32(1),
            Source = reader.GetString(2),
            Url = NullableString(reader, 3),
            Title = NullableString(reader, 4),
            PublishedAt = reader.GetFieldValue<DateTimeOffset>(5),
            Language = reader.GetString(6),
            Text = reader.GetString(7),
            ReceivedAt = reader.GetFieldValue<DateTimeOffset>(8),
            FirstReceivedAt = reader.GetFieldValue<DateTimeOffset>(9),
            Revisions = [],
            Claims = [],
        };
        await reader.NextResultAsync(ct);
        var revisions = new List<ArticleRevisionView>();
        while (await reader.ReadAsync(ct))
        {
            revisions.Add(new ArticleRevisionView(
                reader.GetInt32(0), reader.GetString(1), NullableString(reader, 2), reader.GetFieldValue<DateTimeOffset>(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.GetInt32(5)));
        }
        await reader.NextResultAsync(ct);
        var claims = new List<ArticleClaimView>();
        while (await reader.ReadAsync(ct))
        {
            var consensus = ReadConsensus(reader, 15, json);
            var qualifier = reader.GetString(9);
            var value = reader.GetDecimal(6);
            decimal? lower = reader.IsDBNull(10) ? null : reader.GetDecimal(10);
            decimal? upper = reader.IsDBNull(11) ? null : reader.GetDecimal(11);
            claims.Add(new ArticleClaimView
            {
                MentionId = reader.GetGuid(0),
                ClaimId = reader.GetString(1),
                Metric = reader.GetString(2),
                Subjects = reader.GetFieldValue<string[]>(3),
                Direction = NullableString(reader, 4),
                Period = NullableString(reader, 5),
                Value = value,
                Unit = reader.GetString(7),
                Noun = NullableString(reader, 8),
                Qualifier = qualifier,
                Lower = lower,
                Upper = upper,
                Evidence = JsonSerializer.Deserialize<Evidence>(reader.GetString(12), json)!,
                Confidence = reader.GetDouble(13),
                ClaimStatus = NullableString(reader, 14),
                Consensus = consensus,
                AgreesWithConsensus = judgement.Agrees(qualifier, value, lower, upper, consensus),
            });
        }
        return article with { Revisions = revisions, Claims = claims };
    }
}

/// <summary><c>GET /articles/{articleId}</c>.</summary>
public static class ArticlesApi
{
    public sealed record ArticleQuery([FromQuery(Name = "revision")] int? Revision);

    public static IEndpointRouteBuilder MapArticlesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/articles/{articleId}", GetArticle).WithName("GetArticle").WithTags("Articles")
            .WithSummary("An article: its text, revisions and the claims read from it (the latest revision unless revision= says otherwise)");
        return app;
    }

    public static async Task<Results<Ok<ArticleView>, ValidationProblem, ProblemHttpResult>> GetArticle(
        string articleId, [AsParameters] ArticleQuery query, ArticlesQueries queries, CancellationToken ct)
    {
        if (query.Revision is < 1)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["revision"] = ["revision starts at 1 (the first text received); leave it out for the latest."] },
                title: "The revision is not valid");
        }
        var article = await queries.GetAsync(articleId, query.Revision, ct);
        if (article is not null)
        {
            return TypedResults.Ok(article);
        }
        return query.Revision is { } revision && await queries.GetAsync(articleId, null, ct) is { } latest
            ? TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Revision not found",
                detail: $"Article '{articleId}' has revisions 1 to {latest.LatestRevision}; there is no revision {revision}.")
            : TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound, title: "Article not found", detail: $"No article '{articleId}' has been received.");
    }
}
