using System.Text.Json;
using Claims.Contracts;
using Claims.Extraction;
using Claims.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Claims.Ingestion.Articles;

/// <summary><c>POST /articles</c> stores an article and its claims; <c>POST /extract</c> only reads them.</summary>
public static class ArticlesApi
{
    public sealed record ArticleAccepted(string ArticleId, bool Duplicate, IReadOnlyList<ClaimMention> Claims);

    public sealed record ExtractionResponse(string Language, IReadOnlyList<ClaimMention> Claims);

    public static IEndpointRouteBuilder MapArticlesApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/articles", PostArticle)
            .WithName("PostArticle")
            .RequireAuthorization(ClaimsPolicies.Write)
            .Accepts<ArticleRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        app.MapPost("/extract", Extract)
            .WithName("Extract")
            .RequireAuthorization(ClaimsPolicies.Read)
            .Accepts<ArticleRequest>("application/json")
            .ProducesValidationProblem();
        return app;
    }

    public static async Task<Results<Accepted<ArticleAccepted>, ValidationProblem, ProblemHttpResult>> PostArticle(
        HttpContext context, ClaimExtractor extractor, ArticleIngestion ingestion, IOptions<IngestionOptions> options, TimeProvider time, CancellationToken ct)
    {
        var (article, invalid, problem) = await ReadArticleAsync(context, options.Value, time);
        if (article is null)
        {
            return invalid is not null ? invalid : problem!;
        }
        var extraction = extractor.Extract(new ArticleText(article.Text, article.Language, DateOnly.FromDateTime(article.PublishedAt.UtcDateTime)));
        var submitted = new SubmittedArticle(
            article.ArticleId, article.ContentHash, article.Source, article.Url, article.Title, article.PublishedAt, extraction.Language, article.Text, extraction.Claims);
        var outcome = await ingestion.IngestAsync(submitted, ct);
        return TypedResults.Accepted((string?)null, new ArticleAccepted(outcome.ArticleId, outcome.Duplicate, outcome.Claims));
    }

    public static async Task<Results<Ok<ExtractionResponse>, ValidationProblem, ProblemHttpResult>> Extract(
        HttpContext context, ClaimExtractor extractor, IOptions<IngestionOptions> options, TimeProvider time)
    {
        var (article, invalid, problem) = await ReadArticleAsync(context, options.Value, time);
        if (article is null)
        {
            return invalid is not null ? invalid : problem!;
        }
        var extraction = extractor.Extract(new ArticleText(article.Text, article.Language, DateOnly.FromDateTime(article.PublishedAt.UtcDateTime)));
        return TypedResults.Ok(new ExtractionResponse(extraction.Language, extraction.Claims));
    }

    /// <summary>Reads and validates the body, turning every way it can be wrong into a problem response.</summary>
    private static async Task<(ValidArticle? Article, ValidationProblem? Invalid, ProblemHttpResult? Problem)> ReadArticleAsync(HttpContext context, IngestionOptions options, TimeProvider time)
    {
        var request = context.Request;
        var sizeLimit = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeLimit is { IsReadOnly: false })
        {
            sizeLimit.MaxRequestBodySize = options.MaxArticleBytes;
        }
        if (request.ContentLength > options.MaxArticleBytes)
        {
            return (null, null, TooLarge(options));
        }
        if (!request.HasJsonContentType())
        {
            return (null, null, TypedResults.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported media type",
                detail: "Send the article as JSON with Content-Type: application/json."));
        }
        ArticleRequest? body;
        try
        {
            body = await request.ReadFromJsonAsync<ArticleRequest>(JsonSerializerOptions.Web, context.RequestAborted);
        }
        catch (JsonException e)
        {
            return (null, null, TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "The body is not valid JSON",
                detail: "Could not read the article: " + Where(e)));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, null, TooLarge(options));
        }
        if (body is null)
        {
            return (null, null, TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The body is empty", detail: "Send an article object."));
        }
        var (article, errors) = ArticleRequestValidation.Validate(body, time.GetUtcNow());
        return article is null ? (null, TypedResults.ValidationProblem(errors, title: "The article is not valid"), null) : (article, null, null);
    }

    private static ProblemHttpResult TooLarge(IngestionOptions options) => TypedResults.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "The article is too large",
        detail: $"Bodies of up to {options.MaxArticleBytes} bytes are accepted.");

    /// <summary>
    /// Where the body stopped being readable, in the client's terms. Not the parser's message, which can name our
    /// internal types ("could not be converted to Claims.Ingestion…").
    /// </summary>
    private static string Where(JsonException e) =>
        e.LineNumber is { } line && e.BytePositionInLine is { } position
            ? $"malformed or mistyped JSON at line {line + 1}, byte {position + 1}{(string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $" (at {e.Path})")}."
            : "malformed JSON.";
}
