using Claims.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Claims.Reconciliation.Reliability;

/// <summary><c>POST /reliability/recompute</c>: recompute every source's reliability from scratch and decide every claim again.</summary>
public static class ReliabilityApi
{
    public static IEndpointRouteBuilder MapReliabilityApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/reliability/recompute", RecomputeAsync).WithName("RecomputeReliability").RequireAuthorization(ClaimsPolicies.Write);
        return app;
    }

    public static async Task<Ok<ReliabilityReport>> RecomputeAsync(ReliabilityService reliability, CancellationToken ct) =>
        TypedResults.Ok(await reliability.RecomputeAsync(ct));
}
