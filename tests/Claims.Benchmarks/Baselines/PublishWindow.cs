using System.Diagnostics;

namespace Claims.Benchmarks.Baselines;

/// <summary>
/// What both broker baselines do: publish for a while with a bounded number of unconfirmed publishes in flight
/// (awaiting each confirm in turn would measure the round trip, not the broker), and wait for the consumer.
/// </summary>
internal static class PublishWindow
{
    /// <summary>Publishes until <paramref name="duration"/> has passed; returns how many, once all are confirmed.</summary>
    public static async Task<int> RunAsync(TimeSpan duration, int inFlight, Func<Task> publishOne)
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
    public static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout)
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
