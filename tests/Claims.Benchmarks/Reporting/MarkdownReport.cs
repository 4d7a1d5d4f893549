using System.Globalization;
using System.Text;
using Claims.Benchmarks.Pipeline;

namespace Claims.Benchmarks.Reporting;

/// <summary>The README's benchmark section: one table of figures against the targets, where the time goes, and how it was measured.</summary>
public static class MarkdownReport
{
    public static string Render(BenchmarkReport report)
    {
        var pipeline = report.Pipeline;
        var sustained = pipeline.Sustained;
        var latency = pipeline.Latency;
        var targets = report.Targets;
        var text = new StringBuilder();
        text.AppendLine($"Measured {report.MeasuredAt:yyyy-MM-dd} at commit {report.Revision} by `./scripts/bench.sh` (`tests/Claims.Benchmarks`) on this machine: " +
            $"{report.Cores} cores ({report.Machine}), shared with other work while it ran, so the figures are noisy.");
        text.AppendLine();
        text.AppendLine("| measure | measured | target |");
        text.AppendLine("|---|---|---|");
        if (report.Postgres is { } pg)
        {
            Row(text, "PostgreSQL single-row commits/s (autocommit INSERT), 1 connection", Whole(pg.SingleRowCommitsPerSecondOneConnection));
            Row(text, $"PostgreSQL single-row commits/s, {pg.Connections} connections", Whole(pg.SingleRowCommitsPerSecondConcurrent));
            Row(text, $"PostgreSQL rows/s in {pg.BatchRows}-row INSERTs, 1 / {pg.Connections} connections",
                $"{Whole(pg.BatchedRowsPerSecondOneConnection)} / {Whole(pg.BatchedRowsPerSecondConcurrent)}");
        }
        if (report.MassTransit is { } mt)
        {
            Row(text, "MassTransit publish → consume msg/s (confirms, prefetch 200, 64 concurrent, 1,000 in flight)", Whole(mt.MessagesPerSecond));
        }
        if (report.RawRabbitMq is { } raw)
        {
            Row(text, "RabbitMQ.Client publish → consume msg/s (confirms, prefetch 200, 1,000 in flight)", Whole(raw.MessagesPerSecond));
        }
        Row(text, $"**Pipeline: claims/s from `POST /articles` to visible in the query read models** (sustained, {sustained.Clients} clients)",
            $"**{Whole(sustained.VisibleClaimsPerSecond)}**", $"≥ {targets.ClaimsPerSecond:N0} — {Verdict(sustained.VisibleClaimsPerSecond >= targets.ClaimsPerSecond)}");
        Row(text, $"ingestion alone: claims/s accepted by `POST /articles` ({pipeline.IngestionOnly.Clients} clients, no backlog limit, {pipeline.IngestionOnly.Seconds:0} s)",
            Whole(pipeline.IngestionOnly.AcceptedClaimsPerSecond));
        if (report.Ratios.PipelineToMassTransit is { } toMassTransit)
        {
            Row(text, "pipeline claims/s ÷ MassTransit msg/s (÷ RabbitMQ.Client msg/s)",
                Percent(toMassTransit) + (report.Ratios.PipelineToRawRabbitMq is { } toRaw ? $" ({Percent(toRaw)})" : ""));
        }
        if (report.Ratios.PipelineToPostgresCommitsConcurrent is { } toPostgres && report.Postgres is { } postgres)
        {
            Row(text, $"pipeline claims/s ÷ PostgreSQL single-row commits/s ({postgres.Connections} connections / 1 connection)",
                $"{Percent(toPostgres)} / {Percent(report.Ratios.PipelineToPostgresCommitsOneConnection ?? 0)}");
        }
        var behind = latency.BacklogAtStart > 0 ? $", started {latency.BacklogAtStart:N0} claims behind" : "";
        Row(text, $"Latency at half load ({latency.TargetClaimsPerSecond:0.#} claims/s, open loop{behind}): POST → visible in the read model p50 / p95 / p99",
            Percentiles(latency.PostToVisible),
            $"p99 ≤ {targets.P99VisibleMs:0} ms — {Verdict(latency.PostToVisible is { } visible && visible.P99Ms <= targets.P99VisibleMs)}");
        Row(text, "POST → `ClaimChanged` at a plain RabbitMQ subscriber p50 / p95 / p99", Percentiles(latency.PostToClaimChanged));
        Row(text, "`POST /articles` answered (202) p50 / p95 / p99 at half load", Percentiles(latency.PostAnswered));
        var rebuild = pipeline.Rebuild;
        var replayRatio = report.Ratios.ReplayToBatchedRowsBeside;
        var againstStart = report.Ratios.ReplayToPostgresBatchedRowsOneConnection is { } start ? $"; {Percent(start)} of the rate at the start of the run" : "";
        Row(text, $"**Rebuild: events/s replayed from the log into fresh read models** (`rebuild` command, {rebuild.LogEvents:N0} events, " +
            $"{rebuild.Projections.Count} projections side by side, {rebuild.Reads:N0} reads served meanwhile " +
            $"at {RebuildBenchmark.ReadsPerSecond}/s, {rebuild.FailedReads} failed, {rebuild.QueryCpuSeconds:0.0} s of the query service's CPU)",
            $"**{Whole(rebuild.EventsPerSecond)}** = {Percent(replayRatio)} of 1-connection batched rows/s measured beside it " +
            $"({Whole(rebuild.BatchedRowsPerSecondBefore)} just before, {Whole(rebuild.BatchedRowsPerSecondAfter)} just after{againstStart})",
            $"≥ {Percent(targets.ReplayToBatchedInserts)} of batched rows/s — {Verdict(replayRatio >= targets.ReplayToBatchedInserts)}");
        foreach (var (service, megabytes) in pipeline.PeakMemoryMb.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            Row(text, $"peak memory (VmHWM) of {service}", $"{megabytes:0} MB",
                $"< {targets.ServiceMemoryMb:0} MB — {Verdict(megabytes < targets.ServiceMemoryMb)}");
        }
        text.AppendLine();
        text.AppendLine("Where the time goes, saturated:");
        text.AppendLine();
        foreach (var finding in pipeline.Findings)
        {
            text.AppendLine("- " + finding.Replace("|", "\\|", StringComparison.Ordinal));
        }
        text.AppendLine();
        var configuration = report.Options.ServiceEnvironment.Count == 0
            ? "configured as shipped (no telemetry export)"
            : "configured as shipped (no telemetry export) except " + string.Join(", ", report.Options.ServiceEnvironment.Select(e => $"`{e.Key}={e.Value}`"));
        // The solution's build, as shipped, unless CLAIMS_BENCH_SERVICES named published ones (PipelineBenchmark).
        var build = Environment.GetEnvironmentVariable("CLAIMS_BENCH_SERVICES") is { Length: > 0 }
            ? "published with ReadyToRun (compiled ahead of time; not as shipped)"
            : "from the solution's build (compiled at run time, as shipped)";
        text.AppendLine($"How: the three services run as processes, {build}, {configuration}, on a private PostgreSQL and RabbitMQ. " +
            $"Synthetic articles from the seeds' sentences (country pair, years and numbers changed; {pipeline.Generator.MeanClaimsPerArticle:0.0} claims each, " +
            $"{pipeline.Spread.DistinctClaimIds:N0} claim ids, {pipeline.Spread.MeanMentionsPerClaim:0.0} mentions each) are posted by {sustained.Clients} clients for {sustained.WarmupSeconds:0} s of warm-up and " +
            $"{sustained.Seconds:0} s measured, holding at most {sustained.MaxBacklogClaims:N0} claims accepted but not yet visible; a claim is visible when the query " +
            $"service's `/changes` stream announces its mention. Latencies come from {latency.Seconds:0} s of posts on a fixed schedule at half the sustained rate " +
            $"({latency.Claims:N0} claims), counted from each post's scheduled time. The JSON report (`.run/benchmark/report.json`) has the queue depths, " +
            $"subscription lags, pg_stat_activity samples and pg_stat_statements behind these lines.");
        return text.ToString().TrimEnd() + "\n";
    }

    private static void Row(StringBuilder text, string measure, string measured, string target = "") =>
        text.AppendLine($"| {measure} | {measured} | {target} |");

    private static string Whole(double value) => value.ToString(value < 100 ? "N1" : "N0", CultureInfo.InvariantCulture);

    private static string Percent(double ratio) => (ratio * 100).ToString(ratio < 0.1 ? "0.0#" : "0.0", CultureInfo.InvariantCulture) + " %";

    private static string Percentiles(LatencySummary? latency) => latency is null
        ? "no samples"
        : $"{latency.P50Ms:N0} / {latency.P95Ms:N0} / {latency.P99Ms:N0} ms ({latency.Count:N0} samples)";

    private static string Verdict(bool met) => met ? "met" : "**missed**";

}
