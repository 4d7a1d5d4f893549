using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Claims.ServiceDefaults;

/// <summary>
/// Reports the process's memory on <c>/health/live</c>: what the garbage collector holds and what the operating
/// system charges, so an operator (and the benchmark) can tell a large live set from a heap the collector keeps
/// in reserve or from memory outside it; and the code compiled so far. Never unhealthy: memory is reported, not judged.
/// </summary>
internal sealed class MemoryHealthCheck : IHealthCheck
{
    private const double Megabyte = 1024 * 1024;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var gc = GC.GetGCMemoryInfo();
        using var process = Process.GetCurrentProcess();
        var data = new Dictionary<string, object>
        {
            // After the last collection: live objects plus fragmentation.
            ["gcHeapMb"] = Math.Round(gc.HeapSizeBytes / Megabyte, 1),
            ["gcFragmentedMb"] = Math.Round(gc.FragmentedBytes / Megabyte, 1),
            // What the collector has committed from the operating system, in use or in reserve.
            ["gcCommittedMb"] = Math.Round(gc.TotalCommittedBytes / Megabyte, 1),
            ["allocatedSinceStartMb"] = Math.Round(GC.GetTotalAllocatedBytes() / Megabyte, 1),
            ["workingSetMb"] = Math.Round(process.WorkingSet64 / Megabyte, 1),
            ["peakWorkingSetMb"] = Math.Round(process.PeakWorkingSet64 / Megabyte, 1),
            // Where the heap is, after the last collection that reached each generation: a large object heap of
            // pooled buffers calls for another remedy than a large gen2 of cached state.
            ["generationsMb"] = new Dictionary<string, double>
            {
                ["gen0"] = SizeAfter(gc, 0),
                ["gen1"] = SizeAfter(gc, 1),
                ["gen2"] = SizeAfter(gc, 2),
                ["largeObjects"] = SizeAfter(gc, 3),
                ["pinnedObjects"] = SizeAfter(gc, 4),
            },
            ["gcMode"] = System.Runtime.GCSettings.IsServerGC ? "server" : "workstation",
            ["collections"] = new[] { GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2) },
            // Code compiled since start, and the time that took: a young process spends much of its CPU compiling
            // (a fifth of reconciliation's in the benchmark's first minute), which its throughput then does not show.
            ["jitMethods"] = System.Runtime.JitInfo.GetCompiledMethodCount(),
            ["jitMs"] = Math.Round(System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds),
        };
        return Task.FromResult(HealthCheckResult.Healthy("memory as reported, not judged", data));
    }

    private static double SizeAfter(GCMemoryInfo gc, int generation) =>
        generation < gc.GenerationInfo.Length ? Math.Round(gc.GenerationInfo[generation].SizeAfterBytes / Megabyte, 1) : 0;
}
