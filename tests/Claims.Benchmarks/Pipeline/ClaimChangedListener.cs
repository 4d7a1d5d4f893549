using System.Collections.Concurrent;
using System.Text.Json;
using Claims.Testing;

namespace Claims.Benchmarks.Pipeline;

/// <summary>
/// A public subscriber as README documents it: plain RabbitMQ.Client, an exclusive queue of its own bound to the
/// <c>claims.claim-changed</c> fanout exchange. Keeps when the first change caused by each mention arrived.
/// </summary>
public sealed class ClaimChangedListener : IAsyncDisposable
{
    private ClaimChangedSubscription? _subscription;
    private readonly ConcurrentDictionary<Guid, double> _firstByMention = new();
    private readonly EventTimes _times = new();
    private readonly ConcurrentQueue<(double At, string Cause)> _causes = new();

    private ClaimChangedListener()
    {
    }

    /// <summary>Every ClaimChanged delivered, stamped with its arrival.</summary>
    public EventTimes Times => _times;

    /// <summary>When the first ClaimChanged caused by a mention arrived, by mention id.</summary>
    public IReadOnlyDictionary<Guid, double> FirstByMention => _firstByMention;

    /// <summary>ClaimChanged messages per second by cause (mention-recorded, origins, reliability, ...) between two run-clock times.</summary>
    public IReadOnlyDictionary<string, double> CausesBetween(double from, double to) =>
        _causes.Where(c => c.At >= from && c.At < to).GroupBy(c => c.Cause).OrderByDescending(g => g.Count())
            .ToDictionary(g => g.Key, g => Math.Round(g.Count() / (to - from), 1));

    public static async Task<ClaimChangedListener> StartAsync(Uri broker)
    {
        var listener = new ClaimChangedListener();
        listener._subscription = await ClaimChangedSubscription.StartAsync(broker, body => listener.Receive(body.Span));
        return listener;
    }

    private void Receive(ReadOnlySpan<byte> body)
    {
        var at = RunClock.Now;
        _times.Add(at);
        var reader = new Utf8JsonReader(body);
        using var envelope = JsonDocument.ParseValue(ref reader);
        if (!envelope.RootElement.TryGetProperty("message", out var message))
        {
            return;
        }
        _causes.Enqueue((at, message.TryGetProperty("cause", out var cause) ? cause.GetString() ?? "" : ""));
        if (message.TryGetProperty("causedByMentionId", out var mention) && mention.ValueKind == JsonValueKind.String)
        {
            _firstByMention.TryAdd(mention.GetGuid(), at);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_subscription is not null)
        {
            await _subscription.DisposeAsync();
        }
    }
}
