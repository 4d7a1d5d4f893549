using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Claims.Faults.Tests;

/// <summary>How ingestion answered one <c>POST /articles</c>.</summary>
/// <param name="Index">Which article of the stream.</param>
/// <param name="Status">The status, or null when no answer came in time (a hang) or the connection failed.</param>
/// <param name="SentAt">When the request went out.</param>
/// <param name="Elapsed">How long the answer took.</param>
public sealed record PostResult(
    int Index, HttpStatusCode? Status, string? ContentType, bool HasRetryAfter, string? ArticleId, int Claims, DateTimeOffset SentAt, TimeSpan Elapsed, string Body)
{
    public bool Accepted => Status == HttpStatusCode.Accepted;

    public override string ToString() =>
        $"article {Index}: {(Status is { } status ? (int)status : "no answer")} {ContentType} after {Elapsed.TotalMilliseconds:0} ms {Body[..Math.Min(Body.Length, 300)]}";
}

/// <summary>
/// A stream of articles posted to ingestion, each with three figures (trade turnover, exports, grain exports) for a
/// year that one article in six shares, so mentions of one claim arrive from many articles. Keeps every answer, and
/// what ingestion said it stored: the claims of each accepted article.
/// </summary>
public sealed class ArticleStream(HttpClient ingestion, string run)
{
    /// <summary>Longer than any answer should take: a request still waiting then is a hang.</summary>
    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(15);

    private readonly ConcurrentDictionary<string, int> _claimsByArticle = new();

    public ConcurrentQueue<PostResult> Results { get; } = new();

    /// <summary>The mentions ingestion stored, by its 202 answers: an article posted twice counts once.</summary>
    public int AcceptedMentions => _claimsByArticle.Values.Sum();

    public int AcceptedArticles => _claimsByArticle.Count;

    public static object Article(string run, int index)
    {
        var year = 2000 + index % 6;
        return new
        {
            source = $"Fault Wire {index}",
            url = $"https://faults.example/{run}/{index}",
            publishedAt = $"{year + 1}-02-01",
            text = $"Trade turnover between Azerbaijan and Kazakhstan reached {400 + index} million USD in {year}. "
                + $"Exports from Kazakhstan to Azerbaijan grew to {100 + index} million USD in {year}. "
                + $"Grain exports of Kazakhstan reached {index + 2} million tonnes in {year}.",
        };
    }

    public async Task<PostResult> PostAsync(int index)
    {
        var sentAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        PostResult result;
        using var timeout = new CancellationTokenSource(AnswerTimeout);
        try
        {
            using var response = await ingestion.PostAsJsonAsync("/articles", Article(run, index), timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            string? articleId = null;
            var claims = 0;
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                using var accepted = JsonDocument.Parse(body);
                articleId = accepted.RootElement.GetProperty("articleId").GetString();
                claims = accepted.RootElement.GetProperty("claims").GetArrayLength();
                _claimsByArticle[articleId!] = claims;
            }
            result = new PostResult(index, response.StatusCode, response.Content.Headers.ContentType?.MediaType, response.Headers.RetryAfter is not null,
                articleId, claims, sentAt, clock.Elapsed, body);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            result = new PostResult(index, null, null, false, null, 0, sentAt, clock.Elapsed, e.GetType().Name + ": " + e.Message);
        }
        Results.Enqueue(result);
        return result;
    }

    /// <summary>Posts articles one after another, <paramref name="pause"/> apart, until <paramref name="stop"/> fires; returns how many.</summary>
    public async Task<int> PostUntilAsync(int firstIndex, TimeSpan pause, CancellationToken stop)
    {
        var index = firstIndex;
        while (!stop.IsCancellationRequested)
        {
            await PostAsync(index++);
            try
            {
                await Task.Delay(pause, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        return index - firstIndex;
    }

    /// <summary>Posts the given articles with <paramref name="parallel"/> requests in flight.</summary>
    public Task PostAllAsync(IEnumerable<int> indexes, int parallel = 2) =>
        Parallel.ForEachAsync(indexes, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (index, _) => await PostAsync(index));
}
