using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;

namespace Claims.Benchmarks.Pipeline;

/// <summary>A mention as the read model showed it: when the SSE event arrived here.</summary>
public sealed record VisibleMention(Guid MentionId, string ArticleId, double At);

/// <summary>
/// Follows the query service's <c>GET /changes</c>: one <c>mention-recorded</c> event per mention, written by the
/// claims projection in the transaction that puts the mention into the read models and pushed at commit (NOTIFY). Its
/// arrival here is the moment a reader of the query API could first see the claim, at the cost of one stream
/// (the alternative, polling the tables, adds load and rounds every latency up to its interval).
/// </summary>
public sealed class VisibilityTracker : IAsyncDisposable
{
    private readonly HttpClient _query;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, ConcurrentBag<VisibleMention>> _byArticle = new();
    private readonly EventTimes _mentionTimes = new();
    private readonly EventTimes _changeTimes = new();
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _loop;
    private long _lastEventId = -1;
    private int _reconnects;

    public VisibilityTracker(HttpClient query)
    {
        _query = query;
        _query.Timeout = Timeout.InfiniteTimeSpan;
        _loop = Task.Run(FollowAsync);
    }

    /// <summary>Mention-recorded events seen so far, stamped with their arrival.</summary>
    public EventTimes MentionTimes => _mentionTimes;

    /// <summary>Claim-changed events (consensus or status changes) seen so far.</summary>
    public EventTimes ChangeTimes => _changeTimes;

    public int Reconnects => _reconnects;

    /// <summary>Completes once the stream is open, so nothing posted afterwards can be missed.</summary>
    public Task Connected => _connected.Task;

    /// <summary>The mentions of an article seen so far.</summary>
    public IReadOnlyCollection<VisibleMention> Of(string articleId) =>
        _byArticle.TryGetValue(articleId, out var mentions) ? mentions : [];

    public int CountOf(string articleId) => _byArticle.TryGetValue(articleId, out var mentions) ? mentions.Count : 0;

    /// <summary>Every mention seen, by id.</summary>
    public IReadOnlyDictionary<Guid, VisibleMention> ByMention() =>
        _byArticle.Values.SelectMany(m => m).GroupBy(m => m.MentionId).ToDictionary(g => g.Key, g => g.First());

    private async Task FollowAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/changes");
                if (_lastEventId >= 0)
                {
                    // Resume exactly after the last event seen: a dropped stream loses nothing.
                    request.Headers.Add("Last-Event-ID", _lastEventId.ToString(CultureInfo.InvariantCulture));
                }
                using var response = await _query.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, _stop.Token);
                response.EnsureSuccessStatusCode();
                await using var stream = await response.Content.ReadAsStreamAsync(_stop.Token);
                using var reader = new StreamReader(stream);
                _connected.TrySetResult();
                string? type = null;
                string? data = null;
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    if (line.Length == 0)
                    {
                        if (type is not null && data is not null)
                        {
                            Dispatch(type, data);
                        }
                        (type, data) = (null, null);
                    }
                    else if (line.StartsWith("id: ", StringComparison.Ordinal))
                    {
                        _lastEventId = long.Parse(line.AsSpan(4), CultureInfo.InvariantCulture);
                    }
                    else if (line.StartsWith("event: ", StringComparison.Ordinal))
                    {
                        type = line[7..];
                    }
                    else if (line.StartsWith("data: ", StringComparison.Ordinal))
                    {
                        data = line[6..];
                    }
                }
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                // The service is restarting or the connection dropped: resume after the last event.
            }
            Interlocked.Increment(ref _reconnects);
            await Task.Delay(200);
        }
    }

    private void Dispatch(string type, string data)
    {
        var at = RunClock.Now;
        if (type == "claim-changed")
        {
            _changeTimes.Add(at);
            return;
        }
        if (type != "mention-recorded")
        {
            return;
        }
        using var document = JsonDocument.Parse(data);
        if (!document.RootElement.TryGetProperty("mention", out var mention) || mention.ValueKind != JsonValueKind.Object)
        {
            return;
        }
        var visible = new VisibleMention(mention.GetProperty("mentionId").GetGuid(), mention.GetProperty("articleId").GetString()!, at);
        _byArticle.GetOrAdd(visible.ArticleId, _ => []).Add(visible);
        _mentionTimes.Add(at);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}
