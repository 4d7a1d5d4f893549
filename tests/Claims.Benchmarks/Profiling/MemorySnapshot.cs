using System.Net.Http.Json;
using System.Text.Json;
using Claims.Testing;

namespace Claims.Benchmarks.Profiling;

/// <summary>
/// A service's memory as it reports it on <c>/health/live</c>: the garbage collector's heap after its last
/// collection (live objects and fragmentation), what the collector has committed, and the working set. Next to the
/// peak resident size it tells a large live set from a heap kept in reserve or memory outside the heap. It also
/// carries the time the service has spent compiling code since it started (<see cref="JitMs"/>).
/// </summary>
public sealed record MemorySnapshot(double GcHeapMb, double GcCommittedMb, double WorkingSetMb, string GcMode, double JitMs, long JitMethods)
{
    public static async Task<IReadOnlyDictionary<string, MemorySnapshot>> TakeAsync(IEnumerable<ServiceProcess> services)
    {
        var snapshots = new Dictionary<string, MemorySnapshot>(StringComparer.Ordinal);
        foreach (var service in services)
        {
            using var http = service.CreateClient();
            var report = await http.GetFromJsonAsync<JsonElement>("/health/live");
            if (report.TryGetProperty("checks", out var checks) && checks.TryGetProperty("memory", out var memory)
                && memory.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object)
            {
                snapshots[service.Name] = new MemorySnapshot(
                    data.GetProperty("gcHeapMb").GetDouble(), data.GetProperty("gcCommittedMb").GetDouble(),
                    data.GetProperty("workingSetMb").GetDouble(), data.GetProperty("gcMode").GetString() ?? "",
                    data.GetProperty("jitMs").GetDouble(), data.GetProperty("jitMethods").GetInt64());
            }
        }
        return snapshots;
    }
}
