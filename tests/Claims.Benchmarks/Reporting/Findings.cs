using Claims.Benchmarks.Pipeline;
using Claims.Benchmarks.Profiling;

namespace Claims.Benchmarks.Reporting;

/// <summary>
/// Turns the profile of a run into a few sentences: which stage the backlog waits in, which process burns the CPU,
/// what a claim costs, which lock and which SQL dominate. Facts with their figures, so a reader can check them.
/// </summary>
public static class Findings
{
    /// <summary>Where the saturated pipeline queues up and burns CPU, said in a few lines for the README.</summary>
    public static List<string> Describe(ProfileWindow idle, ProfileWindow profile, SustainedFigures sustained, LatencyFigures latency, IngestionFigures ingestion, ClaimSpread spread,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> causes, string halfLoad, IReadOnlyList<double> idleChanges)
    {
        var findings = new List<string>();
        var stages = new Dictionary<string, string>
        {
            ["ingestion-claim-extracted-relay"] = "ingestion's ClaimExtracted relay (log → RabbitMQ)",
            ["claims-claim-extracted"] = "reconciliation's ClaimExtracted consumer",
            ["query-claims"] = "the query-claims projection",
            ["reconciliation-claim-changed-relay"] = "reconciliation's ClaimChanged relay",
        };
        // A queue that never empties shows its consumer always had work: the stage was saturated, not starved.
        string MinOf(string key) => profile.Queues.FirstOrDefault(q => q.Queue == key) is { } queue ? $", never below {queue.Min}" : "";
        var backlogs = profile.Lags.Select(l => (Where: $"subscription {l.Subscription}", Key: l.Subscription, l.Mean, l.Max))
            .Concat(profile.Queues.Select(q => (Where: $"queue {q.Queue}", Key: q.Queue, q.Mean, Max: q.Max)))
            .Where(b => stages.ContainsKey(b.Key))
            .OrderByDescending(b => b.Mean)
            .ToList();
        if (backlogs.Count > 0)
        {
            var top = backlogs[0];
            var others = string.Join(", ", backlogs.Skip(1).Select(b => $"{b.Where} {b.Mean:0}"));
            findings.Add($"Saturated, the backlog waits in {top.Where} (mean {top.Mean:0}, max {top.Max}{MinOf(top.Key)}; elsewhere: {others}): " +
                $"{stages[top.Key]} is the slowest stage.");
        }
        var window = sustained.Timeline.Where(t => t.FromSecond >= sustained.WarmupSeconds && t.FromSecond + 5 <= sustained.WarmupSeconds + sustained.Seconds).ToList();
        if (window.Count >= 4)
        {
            findings.Add($"Claims visible per second over the measured window, in 5 s slices: {string.Join(", ", window.Select(t => t.VisiblePerSecond.ToString("0")))} " +
                "(a falling series means the pipeline slows down as claims accumulate).");
        }
        if (profile.Cpu.Count > 0)
        {
            findings.Add($"CPU while saturated (cores of {Environment.ProcessorCount}): " +
                string.Join(", ", profile.Cpu.Select(c => $"{c.Process} {c.Cores:0.00}")) +
                $"; the machine was {profile.MachineBusyCores:0.00} busy, {profile.OtherCores:0.00} of it outside this run.");
        }
        var claims = sustained.VisibleClaimsPerSecond;
        if (claims > 0 && profile.Cpu.Count > 0)
        {
            var pipelineCores = profile.Cpu.Where(IsPipeline).Sum(c => c.Cores);
            findings.Add($"Cost per visible claim: {pipelineCores * 1000 / claims:0.0} ms of CPU in the services, PostgreSQL and RabbitMQ together (" +
                string.Join(", ", profile.Cpu.Where(IsPipeline).Select(c => $"{c.Process} {c.Cores * 1000 / claims:0.0}")) +
                $"), {profile.TransactionsPerSecond / claims:0.0} transactions, {profile.WalFlushesPerSecond / claims:0.0} WAL flushes" +
                (profile.StatementsPerSecond is { } statementsPerSecond ? $" and {statementsPerSecond / claims:0} SQL statements" : "") +
                $"; {Environment.ProcessorCount} cores at {Targets.Issues.ClaimsPerSecond:N0} claims/s leave {Environment.ProcessorCount * 1000.0 / Targets.Issues.ClaimsPerSecond:0.0} ms of CPU per claim for everything.");
        }
        string Causes(string window) => causes.TryGetValue(window, out var byCause) && byCause.Count > 0
            ? string.Join(", ", byCause.Select(c => $"{c.Key} {c.Value:0.#}"))
            : "none";
        findings.Add($"ClaimChanged messages per second by cause — saturated: {Causes(profile.Name)}; at half load: {Causes(halfLoad)}. " +
            "Cause reliability: reconciliation rescores sources every 5 s and decides again every claim of each source that moved.");
        if (idle.Cpu.Count > 0)
        {
            // The first slice after which nothing changed any more: how long the system took to settle.
            var settled = Enumerable.Range(0, idleChanges.Count + 1).First(i => idleChanges.Skip(i).All(c => c == 0));
            var settling = settled == 0 ? "nothing changed"
                : settled < idleChanges.Count ? $"claims kept changing for {settled * 5} s (cause reliability), then stopped"
                : "claims were still changing at the end";
            findings.Add($"With nothing posted for {idle.Seconds:0} s after the half-load phase drained: {settling} " +
                $"(ClaimChanged/s per 5 s: {string.Join(", ", idleChanges)}); meanwhile " +
                string.Join(", ", idle.Cpu.Where(IsPipeline).Select(c => $"{c.Process} {c.Cores:0.00}")) +
                $" cores, {idle.TransactionsPerSecond:0} transactions/s" + (idle.StatementsPerSecond is { } idleStatements ? $" and {idleStatements:0} statements/s" : "") + ".");
        }
        if (profile.Locks.Count > 0)
        {
            var top = profile.Locks[0];
            findings.Add($"The most contended lock, {top.Lock}, had {top.MeanWaiters:0.0} waiters on average in {top.ShareOfSamples:P0} of the samples; " +
                "its holder meanwhile: " + string.Join("; ", top.Holder.Take(3).Select(h => $"{h.Share:P0} {h.State}: {h.Statement}")) + ".");
        }
        if (profile.Statements is { Count: > 0 } statements)
        {
            findings.Add("Most database time (pg_stat_statements): " +
                string.Join("; ", statements.Take(3).Select(s => $"{s.ShareOfTotal:P0} {s.Statement} ({s.Calls} calls, {s.MeanMs:0.00} ms each)")));
        }
        var ahead = ingestion.AcceptedClaimsPerSecond > 2 * sustained.VisibleClaimsPerSecond
            ? "the stages in front of reconciliation are not what limits the pipeline"
            : "ingestion itself is close to the pipeline's rate";
        var ingestionCores = ingestion.Profile.Cpu.FirstOrDefault(c => c.Process == "Claims.Ingestion")?.Cores ?? 0;
        var ingestionCost = ingestion.AcceptedClaimsPerSecond > 0 ? $", {ingestionCores * 1000 / ingestion.AcceptedClaimsPerSecond:0.00} ms of ingestion CPU per claim" : "";
        findings.Add($"Alone ({ingestion.Seconds:0} s, no backlog limit, at the end of the run), ingestion accepted {ingestion.AcceptedClaimsPerSecond:N0} claims/s " +
            $"({ingestion.ArticlesPerSecond:0} articles/s, POST p50 {ingestion.PostAnswered?.P50Ms:0} ms{ingestionCost}) and its relay published " +
            $"{ingestion.RelayedClaimsPerSecond:N0}/s ({ingestion.RelayLagAtEnd} behind at the end): {ahead}.");
        findings.Add($"Load spread: {spread.DistinctClaimIds:N0} claim ids, {spread.MeanMentionsPerClaim:0.0} mentions each on average; the hottest: " +
            string.Join(", ", spread.Hottest.Select(h => $"{h.Key} ({h.Value})")) +
            $"; {spread.ArticlesTakenForReprints} articles were grouped as reprints (largest origin group {spread.LargestOriginGroup}).");
        if (sustained.Undrained > 0 || latency.Undrained > 0)
        {
            findings.Add($"Not drained: {sustained.Undrained} claims were still not visible {sustained.DrainSeconds:0} s after the saturated phase " +
                $"(so the half-load phase started {latency.BacklogAtStart} claims behind), {latency.Undrained} after the half-load phase; " +
                $"during the half-load window {latency.VisibleClaimsPerSecond:0.0} claims/s became visible against {latency.TargetClaimsPerSecond:0.0} offered.");
        }
        return findings;
    }

    /// <summary>The benchmark's own process is measured too, but it is the load, not the pipeline.</summary>
    private static bool IsPipeline(CpuShare cpu) => !cpu.Process.StartsWith("benchmark", StringComparison.Ordinal);

    /// <summary>Each service's cores spent compiling code while saturated: CPU the measured throughput did not get.</summary>
    public static string DescribeCompiling(IReadOnlyDictionary<string, double> compilingCores, double warmupSeconds) =>
        $"Compiling code (the JIT's tiers) while saturated, {warmupSeconds:0} s and more after the services started, in cores of 2: " +
        string.Join(", ", compilingCores.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value:0.00}")) + ".";

    /// <summary>Each service's peak resident size next to what its garbage collector held right after the saturated phase.</summary>
    public static string DescribeMemory(IReadOnlyDictionary<string, double> peakMb, IReadOnlyDictionary<string, MemorySnapshot> afterLoad) =>
        "Memory right after the saturated phase (GC heap after the last collection / committed by the GC / working set; peak resident over the whole run, flood and rebuild included): " +
        string.Join("; ", afterLoad.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m =>
            $"{m.Key} {m.Value.GcHeapMb:0} / {m.Value.GcCommittedMb:0} / {m.Value.WorkingSetMb:0} MB; {peakMb.GetValueOrDefault(m.Key):0} MB ({m.Value.GcMode} GC)")) + ".";
}
