using System.Diagnostics;

namespace Claims.Benchmarks.Baselines;

/// <summary>What a baseline's consumer has taken so far, and when it took the last one (run clock).</summary>
internal sealed class ConsumedCounter
{
    private int _count;
    private double _lastAt;

    public int Count => Volatile.Read(ref _count);

    public double LastAt => Volatile.Read(ref _lastAt);

    /// <summary>Called by the consumer for each message.</summary>
    public void Record()
    {
        Interlocked.Increment(ref _count);
        Volatile.Write(ref _lastAt, RunClock.Now);
    }

    public void Reset() => Interlocked.Exchange(ref _count, 0);
}

/// <summary>
/// What both broker baselines do: publish for a while with a bounded number of unconfirmed publishes in flight
/// (awaiting each confirm in turn would measure the round trip, not the broker), and wait for the consumer.
/// </summary>
internal static class PublishWindow
{
    private const int WarmupMessages = 200;

    /// <summary>
    /// A few messages first, so connection setup and JIT are not timed; then publishes for <paramref name="duration"/>
    /// and waits until the consumer has taken them all.
    /// </summary>
    /// <returns>How many messages were consumed, and the seconds from the first publish to the last one consumed.</returns>
    public static async Task<(int Messages, double Seconds)> MeasureAsync(TimeSpan duration, int inFlight, Func<Task> publishOne, ConsumedCounter consumed)
    {
        await Task.WhenAll(Enumerable.Range(0, WarmupMessages).Select(_ => publishOne()));
        await WaitForAsync(() => consumed.Count >= WarmupMessages, TimeSpan.FromSeconds(30));
        consumed.Reset();

        var started = RunClock.Now;
        var published = await RunAsync(duration, inFlight, publishOne);
        await WaitForAsync(() => consumed.Count >= published, TimeSpan.FromSeconds(120));
        return (consumed.Count, consumed.LastAt - started);
    }

    /// <summary>Publishes until <paramref name="duration"/> has passed; returns how many, once all are confirmed.</summary>
    private static async Task<int> RunAsync(TimeSpan duration, int inFlight, Func<Task> publishOne)
    {
        var published = 0;
        var clock = Stopwatch.StartNew();
        using var window = new SemaphoreSlim(inFlight);
        var pending = new List<Task>();
        while (clock.Elapsed < duration)
        {
            await window.WaitAsync();
            pending.Add(ReleaseWhenConfirmedAsync(publishOne(), window));
            published++;
            if (pending.Count >= 10_000)
            {
                pending.RemoveAll(t => t.IsCompleted);
            }
        }
        await Task.WhenAll(pending);
        return published;
    }

    /// <summary>Polls until <paramref name="condition"/> holds (the consumer caught up).</summary>
    private static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"The broker baseline did not finish within {timeout.TotalSeconds} s.");
            }
            await Task.Delay(10);
        }
    }

    private static async Task ReleaseWhenConfirmedAsync(Task publish, SemaphoreSlim window)
    {
        try
        {
            await publish;
        }
        finally
        {
            window.Release();
        }
    }
}
