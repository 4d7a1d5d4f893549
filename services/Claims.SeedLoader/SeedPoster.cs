using System.Net.Http.Json;
using System.Text.Json;

namespace Claims.SeedLoader;

/// <summary>What the ingestion service answered for one seed.</summary>
public sealed record SeedResult(bool Accepted, string? ArticleId, bool Duplicate, int ClaimCount, JsonElement? Body, string? Error);

/// <summary>Posts seeds to <c>POST /articles</c>.</summary>
public sealed class SeedPoster(HttpClient ingestion)
{
    private sealed record Accepted(string ArticleId, bool Duplicate, JsonElement[] Claims);

    public async Task<bool> WaitUntilReadyAsync(TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (DateTimeOffset.UtcNow < deadline)
        {
            try
            {
                using var response = await ingestion.GetAsync(new Uri("/health/ready", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
        return false;
    }

    public async Task<SeedResult> PostAsync(Seed seed)
    {
        var article = new { source = seed.Source, language = seed.Language, publishedAt = seed.PublishedAt, text = seed.Text };
        using var response = await ingestion.PostAsJsonAsync(new Uri("/articles", UriKind.Relative), article);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            return new SeedResult(false, null, false, 0, null, $"{(int)response.StatusCode} {body}");
        }
        var accepted = JsonSerializer.Deserialize<Accepted>(body, JsonSerializerOptions.Web)!;
        return new SeedResult(true, accepted.ArticleId, accepted.Duplicate, accepted.Claims.Length, JsonDocument.Parse(body).RootElement.Clone(), null);
    }
}
