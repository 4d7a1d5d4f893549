using Claims.Benchmarks.Profiling;
using Claims.Testing;

namespace Claims.Benchmarks.Pipeline;

/// <summary>
/// The three services as real processes on a database and vhost of their own, configured as shipped (no telemetry
/// export). Saturates them, lets the backlog drain, then offers half the rate they sustained on a fixed schedule and
/// measures each claim from its POST to the read model and to a public ClaimChanged subscriber.
/// </summary>
public sealed class PipelineBenchmark(BenchmarkOptions options)
{
    private const string Saturated = "saturated";
    private const string HalfLoad = "half-load";

    public async Task<PipelineFigures> RunAsync()
    {
        var database = new PostgresDatabase();
        var broker = new RabbitMqVirtualHost();
        await Task.WhenAll(database.InitializeAsync(), broker.InitializeAsync());
        var services = new List<ServiceProcess>();
        try
        {
            var statements = await PipelineProfiler.EnableStatementsAsync(database);
            var environment = new Dictionary<string, string>(options.ServiceEnvironment)
            {
                ["ConnectionStrings__Postgres"] = database.ConnectionString,
                ["ConnectionStrings__RabbitMq"] = broker.Address.ToString(),
                // The services' logs (kept beside the report) carry UTC times, to be read against the phases' times below.
                ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ",
                ["Logging__Console__FormatterOptions__UseUtcTimestamp"] = "true",
            };
            // The solution's build, as shipped; or, to measure them so, the services published in CLAIMS_BENCH_SERVICES
            // (publish_services in scripts/lib/infra.sh: compiled ahead of time).
            var published = Environment.GetEnvironmentVariable("CLAIMS_BENCH_SERVICES") is { Length: > 0 } directory ? directory : null;
            Console.WriteLine(published is null
                ? "pipeline: starting ingestion, reconciliation and query (the solution's build, compiled at run time)"
                : $"pipeline: starting ingestion, reconciliation and query, published in {published} (ReadyToRun)");
            services.AddRange(new[] { "Claims.Ingestion", "Claims.Reconciliation", "Claims.Query" }
                .Select(name => ServiceProcess.Start(name, environment, publishedIn: published is null ? null : Path.Combine(published, name))));
            await Task.WhenAll(services.Select(s => s.WaitUntilReadyAsync(TimeSpan.FromSeconds(120))));
            var (ingestion, query) = (services[0], services[2]);

            await using var profiler = new PipelineProfiler(database, broker.Name, TrackedProcesses(services));
            profiler.Start(statements);
            await using var tracker = new VisibilityTracker(query.CreateClient());
            await using var listener = await ClaimChangedListener.StartAsync(broker.Address);
            await tracker.Connected.WaitAsync(TimeSpan.FromSeconds(30));

            using var http = ingestion.CreateClient();
            http.Timeout = TimeSpan.FromMinutes(2);
            var generator = await ArticleGenerator.CreateAsync(http, options.SeedsDirectory, options.Sources, options.RandomSeed);
            var check = await generator.CheckAsync(http, 40);
            Console.WriteLine($"pipeline: {check.TemplateSentences} claim sentences, {check.FillerSentences} others; a sample of {check.SampleArticles} articles " +
                $"yields {check.MeanClaimsPerArticle:0.0} claims each over {check.DistinctClaimIds} claim ids");
            if (check.MeanClaimsPerArticle < 1)
            {
                throw new InvalidOperationException("The generated articles yield almost no claims: the benchmark would measure nothing.");
            }
            var load = new LoadGenerator(http, generator, tracker);

            var sustained = await SaturateAsync(load, tracker, listener, profiler, services);
            var saturatedProfile = sustained.Profile;
            var memoryAfterLoad = await MemorySnapshot.TakeAsync(services);
            var compiling = CompilingWhileSaturated(sustained.AtStart, memoryAfterLoad, sustained.Figures.Seconds);
            var latency = await HalfLoadAsync(load, tracker, listener, profiler, database, sustained.Figures);
            var idle = await IdleAsync(profiler, listener);
            var (reprints, largestOrigin) = await OriginsAsync(database);
            var spread = new ClaimSpread(load.DistinctClaimIds, Math.Round(load.AcceptedClaims / (double)Math.Max(1, load.DistinctClaimIds), 2), load.HottestClaims(5),
                reprints, largestOrigin);
            var ingestionOnly = await FloodAsync(load, profiler);
            var rebuild = await RebuildBenchmark.RunAsync(database, environment, query, Path.GetDirectoryName(options.ReportPath)!,
                TimeSpan.FromSeconds(options.BaselineSeconds));
            // The high-water mark of the whole run: reconciliation works off the flood's backlog while the rebuild waits
            // for the log to settle, and peaked there (about 60 MB above what it had reached when the flood ended).
            var memory = profiler.PeakMemoryMb();
            // What makes reconciliation change claims in each window: new mentions, regrouped origins, or moved reliabilities.
            var causes = new[] { saturatedProfile, latency.Profile, idle.Profile, ingestionOnly.Profile }
                .ToDictionary(w => w.Name, w => listener.CausesBetween(w.From, w.To));
            var findings = Reporting.Findings.Describe(idle.Profile, saturatedProfile, sustained.Figures, latency.Figures, ingestionOnly, spread, causes, latency.Profile.Name, idle.ClaimChangedPerSecond);
            findings.Add(Reporting.Findings.DescribeMemory(memory, memoryAfterLoad));
            findings.Add(Reporting.Findings.DescribeCompiling(compiling, sustained.Figures.WarmupSeconds));
            return new PipelineFigures(check, sustained.Figures, latency.Figures, ingestionOnly, spread, memory, memoryAfterLoad, compiling, idle.Profile, idle.ClaimChangedPerSecond,
                saturatedProfile, latency.Profile, causes, findings,
                load.Errors, tracker.Reconnects, rebuild);
        }
        catch
        {
            foreach (var service in services)
            {
                Console.Error.WriteLine($"--- {service.Name} (last lines)\n{string.Join('\n', service.Output.Split('\n').TakeLast(40))}");
            }
            throw;
        }
        finally
        {
            Directory.CreateDirectory(Path.GetDirectoryName(options.ReportPath)!);
            foreach (var service in services)
            {
                await service.DisposeAsync();
                // What each service said last (its warnings, retries, errors), next to the report.
                await File.WriteAllTextAsync(Path.Combine(Path.GetDirectoryName(options.ReportPath)!, service.Name + ".log"), service.Output + "\n");
            }
            await broker.DisposeAsync();
            await database.DisposeAsync();
        }
    }

    /// <summary>
    /// Nothing posted for a while after the load phases drained: how long reconciliation keeps changing claims on its
    /// own (reliability rounds) before it settles, and what the services cost meanwhile (polling loops, timers).
    /// </summary>
    private async Task<(ProfileWindow Profile, IReadOnlyList<double> ClaimChangedPerSecond)> IdleAsync(PipelineProfiler profiler, ClaimChangedListener listener)
    {
        Console.WriteLine($"pipeline: {options.IdleSeconds:0} s idle, from {DateTime.UtcNow:HH:mm:ss} UTC");
        await profiler.ResetStatementsAsync();
        var from = RunClock.Now;
        await Task.Delay(TimeSpan.FromSeconds(options.IdleSeconds));
        var to = RunClock.Now;
        // Whether claims keep changing with nothing posted, and whether that dies down: ClaimChanged per second in 5 s slices.
        var slices = new List<double>();
        for (var slice = from; slice + 5 <= to + 0.01; slice += 5)
        {
            slices.Add(Math.Round(listener.Times.CountBetween(slice, slice + 5) / 5.0, 1));
        }
        Console.WriteLine($"pipeline: ClaimChanged/s while idle, per 5 s: {string.Join(", ", slices)}");
        return (await profiler.SummarizeAsync("idle", from, to), slices);
    }

    /// <summary>
    /// Each service's cores spent compiling code (the JIT) between the end of the warm-up and the snapshot after the
    /// saturated phase drained: what of its CPU went to getting started rather than to claims.
    /// </summary>
    private static IReadOnlyDictionary<string, double> CompilingWhileSaturated(
        IReadOnlyDictionary<string, MemorySnapshot> atStart, IReadOnlyDictionary<string, MemorySnapshot> atEnd, double seconds) =>
        atEnd.Where(end => atStart.ContainsKey(end.Key)).ToDictionary(
            end => end.Key, end => Math.Round((end.Value.JitMs - atStart[end.Key].JitMs) / 1000 / seconds, 3), StringComparer.Ordinal);

    private async Task<(SustainedFigures Figures, ProfileWindow Profile, IReadOnlyDictionary<string, MemorySnapshot> AtStart)> SaturateAsync(
        LoadGenerator load, VisibilityTracker tracker, ClaimChangedListener listener, PipelineProfiler profiler, IReadOnlyList<ServiceProcess> services)
    {
        var start = RunClock.Now;
        var from = start + options.WarmupSeconds;
        var to = from + options.SustainedSeconds;
        Console.WriteLine($"pipeline: saturating with {options.Clients} clients for {options.WarmupSeconds:0} s warm-up + {options.SustainedSeconds:0} s measured, from {DateTime.UtcNow:HH:mm:ss} UTC");
        var posting = load.SaturateAsync(Saturated, to, options.Clients, options.MaxBacklogClaims);
        await Task.Delay(TimeSpan.FromSeconds(options.WarmupSeconds));
        await profiler.ResetStatementsAsync();
        var atStart = await MemorySnapshot.TakeAsync(services);
        using (var progress = Report(load, tracker, "saturated"))
        {
            await posting;
        }
        var profile = await profiler.SummarizeAsync(Saturated, from, to);
        var posted = load.Posted.Where(p => p.Phase == Saturated && p.Answered >= from && p.Answered < to).ToList();
        var acceptedClaims = load.AcceptedClaims;
        Console.WriteLine($"pipeline: draining {load.Missing(Saturated)} claims not yet visible");
        var (undrained, drainSeconds) = await load.DrainAsync(Saturated, TimeSpan.FromSeconds(options.DrainTimeoutSeconds));
        var seconds = to - from;
        var timeline = new List<TimelinePoint>();
        for (var slice = start; slice < RunClock.Now; slice += 5)
        {
            var end = Math.Min(slice + 5, RunClock.Now);
            timeline.Add(new TimelinePoint(Math.Round(slice - start), Math.Round(tracker.MentionTimes.CountBetween(slice, end) / (end - slice), 1),
                Math.Round(load.Posted.Where(p => p.Phase == Saturated && p.Answered >= slice && p.Answered < end).Sum(p => p.Claims) / (end - slice), 1)));
        }
        var figures = new SustainedFigures(
            options.WarmupSeconds,
            seconds,
            options.Clients,
            options.MaxBacklogClaims,
            Math.Round(tracker.MentionTimes.CountBetween(from, to) / seconds, 1),
            Math.Round(posted.Sum(p => p.Claims) / seconds, 1),
            Math.Round(posted.Count / seconds, 2),
            Math.Round(posted.Count == 0 ? 0 : posted.Average(p => p.Claims), 2),
            Math.Round(listener.Times.CountBetween(from, to) / seconds, 1),
            LatencySummary.Of(posted.Select(p => p.Answered - p.Sent)),
            load.DistinctClaimIds,
            acceptedClaims,
            undrained,
            Math.Round(drainSeconds, 1),
            load.Failures,
            timeline);
        Console.WriteLine($"pipeline: sustained {figures.VisibleClaimsPerSecond:0.0} claims/s visible ({figures.AcceptedClaimsPerSecond:0.0} accepted); " +
            (undrained == 0 ? $"drained in {drainSeconds:0.0} s" : $"{undrained} claims still not visible after {drainSeconds:0} s"));
        return (figures, profile, atStart);
    }

    private async Task<(LatencyFigures Figures, ProfileWindow Profile)> HalfLoadAsync(
        LoadGenerator load, VisibilityTracker tracker, ClaimChangedListener listener, PipelineProfiler profiler, PostgresDatabase database, SustainedFigures sustained)
    {
        var backlogAtStart = load.Backlog;
        var target = Math.Max(1, sustained.VisibleClaimsPerSecond / 2);
        var articlesPerSecond = target / Math.Max(1, sustained.MeanClaimsPerArticle);
        var failuresBefore = load.Failures;
        Console.WriteLine($"pipeline: open loop at {target:0.0} claims/s ({articlesPerSecond:0.00} articles/s) for {options.LatencySeconds:0} s, from {DateTime.UtcNow:HH:mm:ss} UTC");
        await profiler.ResetStatementsAsync();
        var from = RunClock.Now;
        int late;
        using (var progress = Report(load, tracker, "half load"))
        {
            late = await load.PaceAsync(HalfLoad, articlesPerSecond, options.LatencySeconds);
        }
        var to = RunClock.Now;
        var profile = await profiler.SummarizeAsync(HalfLoad, from, to);
        var (undrained, drainSeconds) = await load.DrainAsync(HalfLoad, TimeSpan.FromSeconds(options.DrainTimeoutSeconds));
        await WaitForQuietAsync(listener);

        var posted = load.Posted.Where(p => p.Phase == HalfLoad).ToList();
        var intended = posted.ToDictionary(p => p.ArticleId, p => p.Intended);
        var visible = posted.SelectMany(p => tracker.Of(p.ArticleId)).ToList();
        // Mention ids from the log itself, so a ClaimChanged counts even when its mention never showed in the read model.
        var mentions = await MentionsOfAsync(database, posted.Select(p => p.ArticleId));
        var changed = mentions
            .Where(m => listener.FirstByMention.ContainsKey(m.MentionId))
            .Select(m => listener.FirstByMention[m.MentionId] - intended[m.ArticleId])
            .ToList();
        var figures = new LatencyFigures(
            Math.Round(target, 1),
            Math.Round(articlesPerSecond, 2),
            Math.Round(to - from, 1),
            posted.Count,
            posted.Sum(p => p.Claims),
            backlogAtStart,
            Math.Round(tracker.MentionTimes.CountBetween(from, to) / (to - from), 1),
            late,
            LatencySummary.Of(posted.Select(p => p.Answered - p.Intended)),
            LatencySummary.Of(visible.Select(v => v.At - intended[v.ArticleId])),
            LatencySummary.Of(changed),
            changed.Count,
            undrained,
            Math.Round(drainSeconds, 1),
            load.Failures - failuresBefore);
        Console.WriteLine($"pipeline: POST → visible p50 {figures.PostToVisible?.P50Ms:0} ms, p99 {figures.PostToVisible?.P99Ms:0} ms; " +
            $"POST → ClaimChanged p50 {figures.PostToClaimChanged?.P50Ms:0} ms, p99 {figures.PostToClaimChanged?.P99Ms:0} ms");
        return (figures, profile);
    }

    /// <summary>Posts without a backlog limit for a few seconds; nothing is drained afterwards (the services stop next).</summary>
    private async Task<IngestionFigures> FloodAsync(LoadGenerator load, PipelineProfiler profiler)
    {
        const double seconds = 8;
        const string phase = "ingestion-only";
        Console.WriteLine($"pipeline: ingestion alone, {options.Clients} clients without a backlog limit for {seconds:0} s, from {DateTime.UtcNow:HH:mm:ss} UTC");
        var lagBefore = (await profiler.LagsAsync()).GetValueOrDefault("ingestion-claim-extracted-relay");
        await profiler.ResetStatementsAsync();
        var from = RunClock.Now;
        await load.FloodAsync(phase, seconds, options.Clients);
        var to = RunClock.Now;
        var profile = await profiler.SummarizeAsync(phase, from, to);
        var lagAfter = (await profiler.LagsAsync()).GetValueOrDefault("ingestion-claim-extracted-relay");
        var posted = load.Posted.Where(p => p.Phase == phase).ToList();
        var accepted = posted.Sum(p => p.Claims);
        return new IngestionFigures(
            Math.Round(to - from, 1),
            options.Clients,
            Math.Round(accepted / (to - from), 1),
            Math.Round(posted.Count / (to - from), 1),
            LatencySummary.Of(posted.Select(p => p.Answered - p.Sent)),
            // What the relay published meanwhile: everything accepted minus what it had not reached yet.
            Math.Round((accepted + lagBefore - lagAfter) / (to - from), 1),
            lagAfter,
            profile);
    }

    /// <summary>
    /// How many articles reconciliation grouped under another's origin, and the largest group: every article joining a
    /// group makes it decide again every claim the group's articles touch. The generator reprints one article in twenty;
    /// more than that, or large groups, means its sentences repeat by accident.
    /// </summary>
    private static async Task<(long Reprints, long LargestGroup)> OriginsAsync(PostgresDatabase database)
    {
        await using var command = database.DataSource.CreateCommand("""
            SELECT count(*) FILTER (WHERE article_id <> origin_id),
                   coalesce((SELECT max(n) FROM (SELECT count(*) AS n FROM reconciliation.article_origins GROUP BY origin_id) g), 0)
            FROM reconciliation.article_origins
            """);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>The mention id of every claim the articles stored (the id of its <c>article.claim-extracted.v1</c> event).</summary>
    private static async Task<List<(Guid MentionId, string ArticleId)>> MentionsOfAsync(PostgresDatabase database, IEnumerable<string> articleIds)
    {
        await using var command = database.DataSource.CreateCommand(
            "SELECT id, substr(stream_id, 9) FROM events.events WHERE type = 'article.claim-extracted.v1' AND stream_id = ANY ($1)");
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = articleIds.Select(id => "article-" + id).ToArray() });
        await using var reader = await command.ExecuteReaderAsync();
        var mentions = new List<(Guid, string)>();
        while (await reader.ReadAsync())
        {
            mentions.Add((reader.GetGuid(0), reader.GetString(1)));
        }
        return mentions;
    }

    /// <summary>ClaimChanged messages trail the read model by a relay hop: wait until none has arrived for two seconds (at most 30).</summary>
    private static async Task WaitForQuietAsync(ClaimChangedListener listener)
    {
        var start = RunClock.Now;
        var count = listener.Times.Count;
        var quietSince = RunClock.Now;
        while (RunClock.Now - quietSince < 2 && RunClock.Now - start < 30)
        {
            await Task.Delay(200);
            if (listener.Times.Count != count)
            {
                count = listener.Times.Count;
                quietSince = RunClock.Now;
            }
        }
    }

    /// <summary>A line every five seconds while a phase runs, so a long run shows it is alive and where the backlog is.</summary>
    private static Timer Report(LoadGenerator load, VisibilityTracker tracker, string phase) => new(_ =>
        Console.WriteLine($"  {phase}: t={RunClock.Now:0}s accepted {load.AcceptedClaims} claims, visible {tracker.MentionTimes.Count}, " +
            $"backlog {load.Backlog}, posts in flight {load.InFlight}"), null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));

    private static List<TrackedProcess> TrackedProcesses(IEnumerable<ServiceProcess> services)
    {
        var processes = services.Select(s => new TrackedProcess(s.Name, s.ProcessId, Tree: false)).ToList();
        // scripts/bench.sh says which processes are the run's PostgreSQL and RabbitMQ; without it they are not followed.
        if (int.TryParse(Environment.GetEnvironmentVariable("CLAIMS_BENCH_POSTGRES_PID"), out var postgres))
        {
            processes.Add(new TrackedProcess("PostgreSQL", postgres, Tree: true));
        }
        if (int.TryParse(Environment.GetEnvironmentVariable("CLAIMS_BENCH_RABBITMQ_PID"), out var rabbit))
        {
            processes.Add(new TrackedProcess("RabbitMQ", rabbit, Tree: true));
        }
        processes.Add(new TrackedProcess("benchmark (load, SSE, subscriber)", Environment.ProcessId, Tree: false));
        return processes;
    }
}
