using Claims.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Claims.Query.ClaimsReadModel;

/// <summary><c>GET /claims</c>, <c>GET /claims/{claimId}</c> and its history.</summary>
public static class ClaimsApi
{
    public const int MaxPageSize = 200;
    private static readonly string[] s_statuses = [ClaimStatuses.SingleSource, ClaimStatuses.Corroborated, ClaimStatuses.Conflicted];

    public sealed record ClaimsListQuery(string? Metric, string? Subject, string? Period, string? Status, string? Q, int? Page, int? PageSize);

    public static IEndpointRouteBuilder MapClaimsApi(this IEndpointRouteBuilder app)
    {
        var claims = app.MapGroup("/claims");
        claims.MapGet("/", ListClaims).WithName("ListClaims");
        // Claim ids of month ranges hold a slash (trade_turnover:AZ+KZ:2025-01/2025-08), so one catch-all route
        // serves both /claims/{claimId} and /claims/{claimId}/history.
        claims.MapGet("/{**claimPath}", GetClaimOrHistory).WithName("GetClaim");
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
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The claim filter is not valid");
        }
        var filter = new ClaimFilter(Blank(query.Metric), Blank(query.Subject), Blank(query.Period), status, Blank(query.Q), page, pageSize);
        return TypedResults.Ok(await queries.ListAsync(filter, ct));
    }

    public const string HistorySuffix = "/history";

    public static async Task<IResult> GetClaimOrHistory(string claimPath, string? asOf, ClaimsQueries queries, CancellationToken ct)
    {
        // %2F is the one escape routing leaves encoded; claim ids never contain '%'.
        var path = claimPath.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
        return path.EndsWith(HistorySuffix, StringComparison.Ordinal)
            ? await GetHistory(path[..^HistorySuffix.Length], queries, ct)
            : await GetClaim(path, asOf, queries, ct);
    }

    public static async Task<Results<Ok<ClaimDetail>, ProblemHttpResult>> GetClaim(
        string claimId, string? asOf, ClaimsQueries queries, CancellationToken ct)
    {
        if (asOf is not null)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "asOf is not available yet",
                detail: "Time travel (asOf, by) is not served by this version; use /claims/{claimId}/history for past versions.");
        }
        var claim = await queries.GetAsync(claimId, ct);
        return claim is null ? NotFound(claimId) : TypedResults.Ok(claim);
    }

    public static async Task<Results<Ok<ClaimHistory>, ProblemHttpResult>> GetHistory(string claimId, ClaimsQueries queries, CancellationToken ct)
    {
        var history = await queries.GetHistoryAsync(claimId, ct);
        return history is null ? NotFound(claimId) : TypedResults.Ok(history);
    }

    private static ProblemHttpResult NotFound(string claimId) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Claim not found", detail: $"No claim '{claimId}' has been recorded.");

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
