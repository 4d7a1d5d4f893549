using Claims.EventStore;
using Claims.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Claims.Query.Operations;

/// <summary>
/// <c>GET /dead-letters</c>: the events a projection gave up on, from every service's projections (the log and its
/// dead letters are shared). Errors can carry database detail, so this is for operators: it needs a write key.
/// </summary>
public static class DeadLettersApi
{
    public sealed record DeadLetterList(IReadOnlyList<DeadLetter> Items, int Total);

    public static IEndpointRouteBuilder MapDeadLettersApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/dead-letters", ListAsync)
            .WithName("ListDeadLetters")
            .WithSummary("Events a projection could not apply, with the last error; replayed only by a rebuild after the fix.")
            .RequireAuthorization(ClaimsPolicies.Write);
        return app;
    }

    public static async Task<Ok<DeadLetterList>> ListAsync(EventStore.EventStore store, string? projection, CancellationToken ct)
    {
        var items = await store.ReadDeadLettersAsync(string.IsNullOrWhiteSpace(projection) ? null : projection, ct);
        return TypedResults.Ok(new DeadLetterList(items, items.Count));
    }
}
