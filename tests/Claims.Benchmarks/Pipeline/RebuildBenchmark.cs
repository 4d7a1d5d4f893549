using System.Diagnostics;
using System.Text.Json;
using Claims.Benchmarks.Baselines;
using Claims.Benchmarks.Profiling;
using Claims.Testing;

namespace Claims.Benchmarks.Pipeline;

/// <summary>One read model's replay in the rebuild.</summary>
public sealed record ProjectionReplay(string Projection, long Events, double Seconds, double EventsPerSecond);

/// <summary>
/// The query service's <c>rebuild</c> command run against the benchmark's log, with the services still up: how fast it
/// replays the log into fresh tables, and whether readers were served meanwhile.
/// </summary>
public sealed record RebuildFigures(
    long LogEvents,
    double Seconds,
    double EventsPerSecond,
    IReadOnlyList<ProjectionReplay> Projections,
    double CommandSeconds,
    int Reads,
    int FailedReads,
    IReadOnlyList<string> ReadFailures,
    double QueryCpuSeconds,
    double BatchedRowsPerSecondBefore,
    double BatchedRowsPerSecondAfter)
{
    /// <summary>The raw rate the replay is compared with: 1-connection batched inserts measured just before and just after it.</summary>
    public double BatchedRowsPerSecondBeside => (BatchedRowsPerSecondBefore + BatchedRowsPerSecondAfter) / 2;
}

/// <summary>Runs the rebuild command as an operator would (<c>scripts/rebuild.sh</c>'s settings) while a reader polls the query API.</summary>
public static class RebuildBenchmark
{
    /// <summary>How often the reader polls the query API during the replay.</summary>
    public const int ReadsPerSecond = 10;

    public static async Task<RebuildFigures> RunAsync(
        PostgresDatabase database, IReadOnlyDictionary<string, string> environment, ServiceProcess query, string reportDirectory, TimeSpan baseline)
    {
        await WaitForQuietLogAsync(database);
        await WaitForAutovacuumAsync(database);
        Console.WriteLine($"rebuild: replaying the log into fresh read models while the query service serves, from {DateTime.UtcNow:HH:mm:ss} UTC");
        var reportPath = Path.Combine(reportDirectory, "rebuild.json");
        var settings = new Dictionary<string, string>(environment)
        {
            // As scripts/rebuild.sh runs it: a batch job of seconds wants optimized code from the start.
            ["DOTNET_TieredCompilation"] = "0",
            ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0",
        };
        string[] paths = ["/claims?pageSize=20", "/sources", "/conflicts?pageSize=20"];
        using var client = query.CreateClient();
        // The read paths get their first requests before the clock starts: the query service compiles what serves
        // them (a second and a half of JIT on a core, measured here) and that is not the replay's cost.
        var warmUp = Stopwatch.StartNew();
        while (warmUp.Elapsed < TimeSpan.FromSeconds(3))
        {
            foreach (var path in paths)
            {
                using var response = await client.GetAsync(path);
            }
        }

        await WaitUntilQuietAsync(query.ProcessId, TimeSpan.FromSeconds(10));
        // The raw rate it is compared with, on the same server just before and just after (see BatchedRowsPerSecondAsync).
        var batchedBefore = await PostgresBaseline.BatchedRowsPerSecondAsync(baseline);
        var (reads, failed, failures) = (0, 0, new List<string>());
        using var stop = new CancellationTokenSource();
        // A steady trickle of readers (ReadsPerSecond) through the whole rebuild, switch included: every read
        // must be served while the tables are swapped under it. The replay rate is the rebuild's own; what serving
        // the reads cost the query service is reported beside it.
        var reader = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var path in paths)
                {
                    await Task.Delay(1000 / ReadsPerSecond, CancellationToken.None);
                    using var response = await client.GetAsync(path, CancellationToken.None);
                    reads++;
                    if (!response.IsSuccessStatusCode)
                    {
                        failed++;
                        failures.Add($"{path}: {(int)response.StatusCode}");
                    }
                }
            }
        });

        var queryCpuBefore = ProcessStats.CpuSeconds(query.ProcessId);
        var clock = Stopwatch.StartNew();
        // As scripts/rebuild.sh runs it: scripts/bench.sh publishes the query service compiled ahead of time (without
        // it, the solution's build: a fifth of the command's CPU then goes to the JIT).
        var published = Environment.GetEnvironmentVariable("CLAIMS_BENCH_REBUILD_COMMAND") is { Length: > 0 } directory ? directory : null;
        if (published is null)
        {
            Console.WriteLine("rebuild: CLAIMS_BENCH_REBUILD_COMMAND not set; running the solution's build, compiled at run time");
        }

        var (exitCode, output) = await ServiceProcess.RunCommandAsync(
            "Claims.Query", ["rebuild", "--report", reportPath], settings, TimeSpan.FromMinutes(10), published);
        var commandSeconds = clock.Elapsed.TotalSeconds;
        var queryCpuSeconds = ProcessStats.CpuSeconds(query.ProcessId) - queryCpuBefore;
        await stop.CancelAsync();
        await reader;
        await File.WriteAllTextAsync(Path.Combine(reportDirectory, "rebuild.log"), output + "\n");
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"The rebuild command failed ({exitCode}):\n{output}");
        }

        var batchedAfter = await PostgresBaseline.BatchedRowsPerSecondAsync(baseline);

        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(reportPath));
        var root = report.RootElement;
        var projections = root.GetProperty("projections").EnumerateArray().Select(p => new ProjectionReplay(
            p.GetProperty("projection").GetString()!, p.GetProperty("events").GetInt64(), p.GetProperty("seconds").GetDouble(),
            p.GetProperty("eventsPerSecond").GetDouble())).ToList();
        var figures = new RebuildFigures(root.GetProperty("logEvents").GetInt64(), root.GetProperty("seconds").GetDouble(),
            root.GetProperty("eventsPerSecond").GetDouble(), projections, commandSeconds, reads, failed, failures.Take(5).ToList(), queryCpuSeconds,
            batchedBefore, batchedAfter);
        Console.WriteLine($"rebuild: {figures.LogEvents:N0} events into every read model in {figures.Seconds:0.0} s ({figures.EventsPerSecond:N0} events/s; " +
            $"command {commandSeconds:0.0} s with start-up); {reads:N0} reads meanwhile, {failed} failed, {queryCpuSeconds:0.0} s of the query service's CPU; " +
            $"batched rows/s beside it {batchedBefore:N0} before, {batchedAfter:N0} after");
        return figures;
    }

    /// <summary>
    /// Waits until a process has settled after its warm-up (the JIT's background tier-up done): below a tenth of a core
    /// over a fifth of a second, or at most <paramref name="timeout"/>.
    /// </summary>
    private static async Task WaitUntilQuietAsync(int pid, TimeSpan timeout)
    {
        var window = TimeSpan.FromMilliseconds(200);
        var deadline = Stopwatch.StartNew();
        var cpu = ProcessStats.CpuSeconds(pid);
        while (deadline.Elapsed < timeout)
        {
            await Task.Delay(window);
            var now = ProcessStats.CpuSeconds(pid);
            if (now - cpu < 0.1 * window.TotalSeconds)
            {
                return;
            }

            cpu = now;
        }

        Console.WriteLine($"rebuild: the query service was still busy {timeout.TotalSeconds:0} s after the warm-up; replaying anyway");
    }

    /// <summary>
    /// Waits for the backlog the load phases left to drain (no event appended for 3 s, at most 2 minutes), so that the
    /// replay rate is the rebuild's own and not shared with a pipeline still at work.
    /// </summary>
    private static async Task WaitForQuietLogAsync(PostgresDatabase database)
    {
        var deadline = Stopwatch.StartNew();
        var last = await LastSeqAsync(database);
        while (deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            var now = await LastSeqAsync(database);
            if (now == last)
            {
                return;
            }

            last = now;
        }

        Console.WriteLine("rebuild: the log was still growing after 2 minutes; replaying anyway");
    }

    /// <summary>
    /// Waits (at most a minute) for autovacuum to finish with the tables the load filled: the baseline it is compared
    /// with ran on a quiet server, so the replay should too.
    /// </summary>
    private static async Task WaitForAutovacuumAsync(PostgresDatabase database)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(1))
        {
            await using var command = database.DataSource.CreateCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker' AND datname = current_database()");
            if ((long)(await command.ExecuteScalarAsync())! == 0)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        Console.WriteLine("rebuild: autovacuum was still at work after a minute; replaying anyway");
    }

    private static async Task<long> LastSeqAsync(PostgresDatabase database)
    {
        await using var command = database.DataSource.CreateCommand("SELECT coalesce(max(seq), 0) FROM events.events");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
