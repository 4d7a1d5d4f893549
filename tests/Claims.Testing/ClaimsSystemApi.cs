using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace Claims.Testing;

/// <summary>What tests do with a running <see cref="ClaimsSystem"/>: post articles and wait for the query service to show them.</summary>
public static class ClaimsSystemApi
{
    public static readonly TimeSpan PipelineTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The query path of a claim; its id is escaped (it holds ':', '+' and sometimes '/').</summary>
    public static string ClaimPath(string claimId) => "/claims/" + Uri.EscapeDataString(claimId);

    /// <summary>Posts an article to ingestion and returns its 202 body.</summary>
    public static async Task<JsonElement> PostArticleAsync(this ClaimsSystem system, object article)
    {
        using var ingestion = system.Ingestion!.CreateClient();
        using var response = await ingestion.PostAsJsonAsync("/articles", article);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Waits until <c>GET {path}</c> answers 200 with a body that satisfies <paramref name="condition"/>.</summary>
    public static async Task<JsonElement> WaitForQueryAsync(this ClaimsSystem system, string path, Func<JsonElement, bool> condition, string what)
    {
        using var query = system.Query!.CreateClient();
        try
        {
            return await Eventually.ReturnsAsync(
                async () =>
                {
                    using var response = await query.GetAsync(path);
                    return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<JsonElement>() : default;
                },
                body => body.ValueKind != JsonValueKind.Undefined && condition(body),
                PipelineTimeout,
                what);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException(e.Message + "\n" + system.Logs, e);
        }
    }

    /// <summary>Waits until the claim exists and satisfies <paramref name="condition"/>.</summary>
    public static Task<JsonElement> WaitForClaimAsync(this ClaimsSystem system, string claimId, Func<JsonElement, bool> condition) =>
        system.WaitForQueryAsync(ClaimPath(claimId), condition, "claim " + claimId);

    public static int MentionCount(JsonElement claim) => claim.GetProperty("mentions").GetArrayLength();
}
