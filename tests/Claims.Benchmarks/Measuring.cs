using System.Diagnostics;

namespace Claims.Benchmarks;

/// <summary>
/// One monotonic clock for the whole run: a POST, the SSE event that shows its claim and the AMQP delivery of the
/// change are all stamped in this process with it, so their differences are latencies without clock skew.
/// </summary>
public static class RunClock
{
    private static readonly long _start = Stopwatch.GetTimestamp();

    /// <summary>Seconds since the run started.</summary>
    public static double Now => Stopwatch.GetElapsedTime(_start).TotalSeconds;
}

/// <summary>Percentiles of a set of latencies, in milliseconds.</summary>
public sealed record LatencySummary(int Count, double P50Ms, double P95Ms, double P99Ms, double MaxMs, double MeanMs)
{
    public static LatencySummary? Of(IEnumerable<double> seconds)
    {
        var sorted = seconds.Select(s => s * 1000).Order().ToArray();
        if (sorted.Length == 0)
        {
            return null;
        }
        return new LatencySummary(sorted.Length, Percentile(sorted, 0.50), Percentile(sorted, 0.95), Percentile(sorted, 0.99), sorted[^1], sorted.Average());
    }

    /// <summary>Nearest-rank percentile: a value that was really observed, never an interpolation between two.</summary>
    private static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}

/// <summary>Counts something over time and answers how many happened inside a window.</summary>
public sealed class EventTimes
{
    private readonly Lock _lock = new();
    private readonly List<double> _times = [];

    public void Add(double time, int count = 1)
    {
        lock (_lock)
        {
            for (var i = 0; i < count; i++)
            {
                _times.Add(time);
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _times.Count;
            }
        }
    }

    public int CountBetween(double from, double to)
    {
        lock (_lock)
        {
            return _times.Count(t => t >= from && t < to);
        }
    }
}
