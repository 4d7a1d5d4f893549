using System.Globalization;
using System.Text.RegularExpressions;
using Claims.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Claims.Query.ClaimsReadModel;

/// <summary><c>GET /claims</c>, <c>GET /claims/{claimId}</c> (now or as of a time), its history, and <c>GET /facets</c>.</summary>
public static partial class ClaimsApi
{
    public const int MaxPageSize = 200;
    public const string HistorySuffix = "/history";
    private static readonly string[] s_statuses = [ClaimStatuses.SingleSource, ClaimStatuses.Corroborated, ClaimStatuses.Conflicted];
    private static readonly Dictionary<string, ClaimSort> s_sorts =
        Enum.GetValues<ClaimSort>().ToDictionary(ClaimsQueries.SortName, StringComparer.OrdinalIgnoreCase);
    private static readonly Dictionary<string, TimeTravelBasis> s_bases =
        Enum.GetValues<TimeTravelBasis>().ToDictionary(ClaimsQueries.TimeTravelName, StringComparer.OrdinalIgnoreCase);

    public sealed record ClaimsListQuery(
        [FromQuery(Name = "metric")] string? Metric,
        [FromQuery(Name = "subject")] string? Subject,
        [FromQuery(Name = "period")] string? Period,
        [FromQuery(Name = "status")] string? Status,
        [FromQuery(Name = "q")] string? Q,
        [FromQuery(Name = "sort")] string? Sort,
        [FromQuery(Name = "page")] int? Page,
        [FromQuery(Name = "pageSize")] int? PageSize);

    public sealed record TimeTravelQuery([FromQuery(Name = "asOf")] string? AsOf, [FromQuery(Name = "by")] string? By);

    public static IEndpointRouteBuilder MapClaimsApi(this IEndpointRouteBuilder app)
    {
        var claims = app.MapGroup("/claims").WithTags("Claims");
        claims.MapGet("/", ListClaims).WithName("ListClaims")
            .WithSummary("Claims, filtered, sorted and paged")
            .WithDescription($"sort: {string.Join(", ", s_sorts.Keys)} (default updated). q searches claim ids and evidence sentences.");
        // Claim ids of month ranges hold a slash (trade_turnover:AZ+KZ:2025-01/2025-08), so one catch-all route
        // serves both /claims/{claimId} and /claims/{claimId}/history.
        claims.MapGet("/{**claimPath}", GetClaimOrHistory).WithName("GetClaim")
            .WithSummary("A claim with its mentions (claimPath = claimId), or its history (claimPath = claimId/history)")
            .WithDescription("asOf (ISO 8601) with by=recorded (default) shows the claim as the system knew it then; by=published as the public record stood then.");
        app.MapGet("/facets", GetFacets).WithName("GetFacets").WithTags("Claims")
            .WithSummary("The metrics, subjects and statuses claims have, with counts");
        return app;
    }

    public static async Task<Results<Ok<ClaimPage>, ValidationProblem>> ListClaims([AsParameters] ClaimsListQuery query, ClaimsQueries queries, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var page = query.Page ?? 1;
        var pageSize = query.PageSize ?? 50;
        if (page < 1)
        {
            errors["page"] = ["page starts at 1."];
        }
        if (pageSize is < 1 or > MaxPageSize)
        {
            errors["pageSize"] = [$"pageSize must be between 1 and {MaxPageSize}."];
        }
        var status = Blank(query.Status);
        if (status is not null && !s_statuses.Contains(status))
        {
            errors["status"] = [$"status must be one of {string.Join(", ", s_statuses)}."];
        }
        var sort = ClaimSort.Updated;
        if (Blank(query.Sort) is { } sortName && !s_sorts.TryGetValue(sortName, out sort))
        {
            errors["sort"] = [$"sort must be one of {string.Join(", ", s_sorts.Keys)}; '{sortName}' is not one of them."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The claim filter is not valid");
        }
        var filter = new ClaimFilter(Blank(query.Metric), Blank(query.Subject), Blank(query.Period), status, Blank(query.Q), sort, page, pageSize);
        var result = await queries.ListAsync(filter, ct);
        if (result.Items.Count == 0 && page > 1)
        {
            var lastPage = (int)Math.Max(1, (result.Total + pageSize - 1) / pageSize);
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]>
                {
                    ["page"] = [result.Total == 0
                        ? $"page {page} is out of range: no claim matches this filter, so there is only page 1."
                        : $"page {page} is out of range: {result.Total} claims make {lastPage} page(s) of {pageSize}."],
                },
                title: "The page is out of range");
        }
        return TypedResults.Ok(result);
    }

    public static async Task<Results<Ok<ClaimDetail>, Ok<ClaimHistory>, ValidationProblem, ProblemHttpResult>> GetClaimOrHistory(
        string claimPath, [AsParameters] TimeTravelQuery timeTravel, ClaimsQueries queries, CancellationToken ct)
    {
        // %2F is the one escape routing leaves encoded; claim ids never contain '%'.
        var path = claimPath.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
        if (path.EndsWith(HistorySuffix, StringComparison.Ordinal))
        {
            var claimId = path[..^HistorySuffix.Length];
            var history = await queries.GetHistoryAsync(claimId, ct);
            return history is null ? NotFound(claimId) : TypedResults.Ok(history);
        }
        return await GetClaimAsync(path, timeTravel, queries, ct);
    }

    private static async Task<Results<Ok<ClaimDetail>, Ok<ClaimHistory>, ValidationProblem, ProblemHttpResult>> GetClaimAsync(
        string claimId, TimeTravelQuery timeTravel, ClaimsQueries queries, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        DateTimeOffset? asOf = null;
        if (Blank(timeTravel.AsOf) is { } asOfText)
        {
            if (ParseTime(asOfText) is { } parsed)
            {
                asOf = parsed;
            }
            else
            {
                errors["asOf"] = [$"asOf '{asOfText}' is not an ISO 8601 date or time: use 2025-10-01 or 2025-10-01T12:00:00Z (a time needs Z or an offset such as +05:00)."];
            }
        }
        var by = TimeTravelBasis.Recorded;
        if (Blank(timeTravel.By) is { } byName)
        {
            if (!s_bases.TryGetValue(byName, out by))
            {
                errors["by"] = [$"by must be recorded (what the system knew then) or published (what had been published by then); '{byName}' is neither."];
            }
            else if (Blank(timeTravel.AsOf) is null)
            {
                errors["by"] = ["by needs asOf: say which time, e.g. ?asOf=2025-10-01&by=published."];
            }
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The time-travel parameters are not valid");
        }

        if (asOf is not { } at)
        {
            var claim = await queries.GetAsync(claimId, ct);
            return claim is null ? NotFound(claimId) : TypedResults.Ok(claim);
        }
        return await queries.GetAsOfAsync(claimId, at, by, ct) switch
        {
            TimeTravelResult.Found found => TypedResults.Ok(found.Claim),
            TimeTravelResult.NotYet notYet => TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Claim not known at that time",
                detail: by == TimeTravelBasis.Recorded
                    ? $"Nothing of claim '{claimId}' had been recorded by {at:O}; it was first recorded at {notYet.First:O}."
                    : $"No article stating claim '{claimId}' had been published by {at:O}; the first was published at {notYet.First:O}."),
            _ => NotFound(claimId),
        };
    }

    public static async Task<Ok<ClaimFacets>> GetFacets(ClaimsQueries queries, CancellationToken ct) => TypedResults.Ok(await queries.GetFacetsAsync(ct));

    /// <summary>An ISO 8601 date (its start, UTC) or a time with Z or an offset; nothing looser, so 10/01/2025 is never guessed at.</summary>
    public static DateTimeOffset? ParseTime(string text) =>
        IsoTime().IsMatch(text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : null;

    private static ProblemHttpResult NotFound(string claimId) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Claim not found", detail: $"No claim '{claimId}' has been recorded.");

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2}))?$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoTime();
}
