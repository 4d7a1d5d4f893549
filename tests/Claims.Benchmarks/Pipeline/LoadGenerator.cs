using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Claims.Benchmarks.Pipeline;

/// <summary>One accepted <c>POST /articles</c>: when it was meant to go, went, was answered, and how many claims it stored.</summary>
public sealed record PostedArticle(string Phase, string ArticleId, int Claims, double Intended, double Sent, double Answered);

/// <summary>
/// Posts generated articles to ingestion: closed-loop clients to saturate the pipeline, or open-loop at a fixed rate
/// for latencies. Open loop sends each article at its scheduled time whether or not earlier ones were answered, and
/// latencies count from that time, so a stalled system cannot hide its stall by slowing the load down.
/// </summary>
public sealed class LoadGenerator(HttpClient ingestion, ArticleGenerator generator, VisibilityTracker tracker)
{
    private const int MaxOpenLoopInFlight = 512;

    private readonly ConcurrentQueue<PostedArticle> _posted = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly ConcurrentDictionary<string, int> _claimIds = new();
    private long _acceptedClaims;
    private int _failures;
    private int _inFlight;

    public IReadOnlyCollection<PostedArticle> Posted => _posted;

    public long AcceptedClaims => Interlocked.Read(ref _acceptedClaims);

    public int Failures => _failures;

    /// <summary>Distinct claim ids among everything accepted: how widely the load is spread.</summary>
    public int DistinctClaimIds => _claimIds.Count;

    /// <summary>The claims with the most mentions: a hot claim serialises its mentions in reconciliation (one partition).</summary>
    public IReadOnlyList<KeyValuePair<string, int>> HottestClaims(int count) => [.. _claimIds.OrderByDescending(c => c.Value).Take(count)];

    /// <summary>
    /// <paramref name="clients"/> clients post back to back for <paramref name="seconds"/> with no limit on the backlog:
    /// what ingestion alone accepts (the stages behind it fall behind and are not waited for).
    /// </summary>
    public Task FloodAsync(string phase, double seconds, int clients) => SaturateAsync(phase, RunClock.Now + seconds, clients, int.MaxValue);

    /// <summary>The first few failures, to show what went wrong.</summary>
    public IReadOnlyList<string> Errors => [.. _errors.Take(5)];

    /// <summary>Claims accepted but not yet shown by the read model.</summary>
    public long Backlog => AcceptedClaims - tracker.MentionTimes.Count;

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>
    /// <paramref name="clients"/> clients post back to back until <paramref name="until"/>; each waits while more than
    /// <paramref name="maxBacklog"/> claims are accepted but not yet visible, so the slowest stage always has work and
    /// the queue in front of it stays bounded.
    /// </summary>
    public async Task SaturateAsync(string phase, double until, int clients, int maxBacklog)
    {
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            while (RunClock.Now < until)
            {
                if (Backlog > maxBacklog)
                {
                    await Task.Delay(5);
                    continue;
                }
                var now = RunClock.Now;
                await PostAsync(phase, now);
            }
        }));
    }

    /// <summary>Posts <paramref name="articlesPerSecond"/> articles a second on a fixed schedule for <paramref name="seconds"/>.</summary>
    public async Task<int> PaceAsync(string phase, double articlesPerSecond, double seconds)
    {
        var start = RunClock.Now;
        var pending = new List<Task>();
        var late = 0;
        using var window = new SemaphoreSlim(MaxOpenLoopInFlight);
        for (var i = 0; ; i++)
        {
            var intended = start + i / articlesPerSecond;
            if (intended >= start + seconds)
            {
                break;
            }
            var wait = intended - RunClock.Now;
            if (wait > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(wait));
            }
            if (!window.Wait(0))
            {
                // More than the window is unanswered: the send is late, and its latency still counts from `intended`.
                late++;
                await window.WaitAsync();
            }
            pending.Add(PostReleasingAsync(phase, intended, window));
            if (pending.Count >= 4096)
            {
                pending.RemoveAll(t => t.IsCompleted);
            }
        }
        await Task.WhenAll(pending);
        return late;
    }

    private async Task PostReleasingAsync(string phase, double intended, SemaphoreSlim window)
    {
        try
        {
            await PostAsync(phase, intended);
        }
        finally
        {
            window.Release();
        }
    }

    private async Task PostAsync(string phase, double intended)
    {
        var article = generator.Next();
        Interlocked.Increment(ref _inFlight);
        try
        {
            var sent = RunClock.Now;
            using var response = await ingestion.PostAsJsonAsync(new Uri("/articles", UriKind.Relative), article.Body, JsonSerializerOptions.Web);
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                Fail($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                return;
            }
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            var answered = RunClock.Now;
            if (body.GetProperty("duplicate").GetBoolean())
            {
                Fail($"article {article.Body.Url} was taken for a duplicate");
                return;
            }
            // Ingestion stores one ClaimExtracted per distinct mention id (claim, evidence start, value, qualifier):
            // a figure read twice from the same place is one mention, and the read model shows it once.
            var mentions = new HashSet<(string, int, decimal, string)>();
            foreach (var claim in body.GetProperty("claims").EnumerateArray())
            {
                var claimId = claim.GetProperty("claimId").GetString()!;
                _claimIds.AddOrUpdate(claimId, 1, (_, count) => count + 1);
                mentions.Add((claimId, claim.GetProperty("evidence").GetProperty("start").GetInt32(), claim.GetProperty("value").GetDecimal(),
                    claim.GetProperty("qualifier").GetString()!));
            }
            var claims = mentions.Count;
            _posted.Enqueue(new PostedArticle(phase, body.GetProperty("articleId").GetString()!, claims, intended, sent, answered));
            Interlocked.Add(ref _acceptedClaims, claims);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Fail(e.Message);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private void Fail(string error)
    {
        Interlocked.Increment(ref _failures);
        if (_errors.Count < 20)
        {
            _errors.Enqueue(error.Length > 300 ? error[..300] : error);
        }
    }

    /// <summary>
    /// Waits until every claim accepted in <paramref name="phase"/> is visible, or the timeout; returns the claims
    /// still missing (0 when drained) and how long it took.
    /// </summary>
    public async Task<(long Missing, double Seconds)> DrainAsync(string phase, TimeSpan timeout)
    {
        var start = RunClock.Now;
        long missing;
        while ((missing = Missing(phase)) > 0 && RunClock.Now - start < timeout.TotalSeconds)
        {
            await Task.Delay(100);
        }
        return (missing, RunClock.Now - start);
    }

    /// <summary>Claims of the phase's articles the read model does not show yet.</summary>
    public long Missing(string phase) =>
        _posted.Where(p => p.Phase == phase).Sum(p => (long)Math.Max(0, p.Claims - tracker.CountOf(p.ArticleId)));
}
