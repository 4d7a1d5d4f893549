using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Claims.Testing;
using Npgsql;

namespace Claims.Benchmarks.Profiling;

/// <summary>A process (or process tree) whose CPU time is followed.</summary>
public sealed record TrackedProcess(string Name, int Pid, bool Tree);

/// <summary>CPU used by one process during a window, in cores (CPU seconds per second of wall time).</summary>
public sealed record CpuShare(string Process, double Cores);

/// <summary>A queue's depth during a window: messages ready plus unacknowledged.</summary>
public sealed record QueueDepth(string Queue, double Mean, long Min, long Max, long AtEnd);

/// <summary>How far a subscription of the log is behind, in events of the types it handles.</summary>
public sealed record SubscriptionLag(string Subscription, double Mean, long Max, long AtEnd);

/// <summary>What PostgreSQL's backends were doing: the share of samples per wait and statement, as average active backends.</summary>
public sealed record ActivityShare(string Wait, string Statement, double ActiveBackends);

/// <summary>What the holder of a contended lock was doing, as a share of the samples in which the lock had waiters.</summary>
public sealed record HolderState(string State, string Statement, double Share);

/// <summary>A lock that backends queued for: how often, how many waited, and what its holder was doing meanwhile.</summary>
public sealed record ContendedLock(string Lock, double ShareOfSamples, double MeanWaiters, IReadOnlyList<HolderState> Holder);

/// <summary>A statement of pg_stat_statements over a window.</summary>
public sealed record StatementCost(string Statement, long Calls, double TotalMs, double MeanMs, double ShareOfTotal);

/// <summary>Everything sampled during one window.</summary>
public sealed record ProfileWindow(
    string Name,
    double From,
    double To,
    double Seconds,
    IReadOnlyList<CpuShare> Cpu,
    double MachineBusyCores,
    double OtherCores,
    double TransactionsPerSecond,
    double WalFlushesPerSecond,
    double? StatementsPerSecond,
    IReadOnlyList<QueueDepth> Queues,
    IReadOnlyList<SubscriptionLag> Lags,
    IReadOnlyList<ActivityShare> Activity,
    IReadOnlyList<ContendedLock> Locks,
    IReadOnlyList<StatementCost>? Statements);

/// <summary>
/// Cheap sampling while the pipeline runs, to find its slowest stage: CPU per process from /proc, queue depths from
/// the RabbitMQ management API, how far each log subscription lags, what PostgreSQL's backends wait on
/// (pg_stat_activity every 250 ms: a poor man's active session history) and, when the server preloads it,
/// pg_stat_statements reset at the start of a window and read at its end.
/// </summary>
public sealed partial class PipelineProfiler : IAsyncDisposable
{
    // Which events each subscription handles, to count its lag in its own events (the log holds every type). Each count
    // walks the log's index from the subscription's checkpoint, over at most 20,000 events, planned without full scans
    // (LagsAsync): counted as a filter over the whole log, a sample took 325-718 ms by the end of a run, a sixth to a
    // third of a core at half load taken from what it measures.
    private const string LagSql = """
        SELECT k.name, (SELECT count(*) FILTER (WHERE t.type LIKE k.pattern) FROM (
                            SELECT e.type FROM events.events e WHERE (e.tx, e.seq) > (p.tx, p.seq) ORDER BY e.tx, e.seq LIMIT 20000) t)
        FROM (VALUES ('ingestion-claim-extracted-relay', 'article.claim-extracted.%'),
                     ('reconciliation-claim-changed-relay', 'claim.consensus-changed.%'),
                     ('query-claims', 'claim.%'),
                     ('query-articles', 'article.%'),
                     ('query-source-reliability', 'source.%')) AS k (name, pattern)
        JOIN events.progress p ON p.name = k.name
        """;

    private readonly PostgresDatabase _database;
    private readonly string _vhost;
    private readonly IReadOnlyList<TrackedProcess> _processes;
    private readonly HttpClient _management;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<(double At, Dictionary<string, double> Cpu, double MachineBusy)> _cpu = new();
    private readonly ConcurrentQueue<(double At, Dictionary<string, long> Depths)> _queues = new();
    private readonly ConcurrentQueue<(double At, Dictionary<string, long> Lags)> _lags = new();
    private readonly ConcurrentQueue<(double At, List<(string Wait, string Statement)> Active)> _activity = new();
    private readonly ConcurrentQueue<(double At, List<(string Lock, int Waiters, string State, string Statement)> Contended)> _locks = new();
    private readonly ConcurrentQueue<(double At, long Transactions, long WalFlushes)> _commits = new();
    private readonly ConcurrentDictionary<string, double> _peakRssMb = new();
    private readonly List<Task> _loops = [];
    private bool _statementsAvailable;

    public PipelineProfiler(PostgresDatabase database, string vhost, IReadOnlyList<TrackedProcess> processes)
    {
        _database = database;
        _vhost = vhost;
        _processes = processes;
        _management = new HttpClient { BaseAddress = TestEnvironment.RabbitMqManagement };
        var credentials = Uri.UnescapeDataString(TestEnvironment.RabbitMq.UserInfo);
        _management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
    }

    /// <summary>Whether pg_stat_statements could be used (it needs shared_preload_libraries; scripts/bench.sh sets it).</summary>
    public bool StatementsAvailable => _statementsAvailable;

    /// <summary>Creates the pg_stat_statements view in the services' database, before they start, if the server allows it.</summary>
    public static async Task<bool> EnableStatementsAsync(PostgresDatabase database)
    {
        try
        {
            await using var create = database.DataSource.CreateCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            await create.ExecuteNonQueryAsync();
            await using var probe = database.DataSource.CreateCommand("SELECT count(*) FROM pg_stat_statements");
            await probe.ExecuteScalarAsync();
            return true;
        }
        catch (PostgresException)
        {
            return false;
        }
    }

    public void Start(bool statementsAvailable)
    {
        _statementsAvailable = statementsAvailable;
        _loops.Add(Every(TimeSpan.FromSeconds(1), SampleCpuAndMemory));
        _loops.Add(Every(TimeSpan.FromSeconds(1), SampleQueuesAsync));
        _loops.Add(Every(TimeSpan.FromSeconds(2), SampleLagsAsync));
        _loops.Add(Every(TimeSpan.FromSeconds(1), SampleCommitsAsync));
        _loops.Add(Every(TimeSpan.FromMilliseconds(250), SampleActivityAsync));
    }

    /// <summary>Peak resident memory of each service seen so far (VmHWM: the kernel's own high-water mark).</summary>
    public IReadOnlyDictionary<string, double> PeakMemoryMb()
    {
        SampleCpuAndMemory();
        return _peakRssMb.ToDictionary(p => p.Key, p => Math.Round(p.Value, 1));
    }

    /// <summary>Starts a window of pg_stat_statements.</summary>
    public async Task ResetStatementsAsync()
    {
        if (_statementsAvailable)
        {
            await using var reset = _database.DataSource.CreateCommand("SELECT pg_stat_statements_reset()");
            await reset.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Summarises the samples taken between <paramref name="from"/> and <paramref name="to"/> (run-clock seconds).</summary>
    public async Task<ProfileWindow> SummarizeAsync(string name, double from, double to)
    {
        var seconds = to - from;
        var cpuSamples = _cpu.Where(s => s.At >= from - 0.5 && s.At <= to + 0.5).ToList();
        var cpu = new List<CpuShare>();
        double machine = 0, others = 0;
        if (cpuSamples.Count >= 2)
        {
            var (first, last) = (cpuSamples[0], cpuSamples[^1]);
            var wall = last.At - first.At;
            cpu = [.. first.Cpu.Keys.Select(k => new CpuShare(k, Math.Round((last.Cpu[k] - first.Cpu[k]) / wall, 2))).OrderByDescending(c => c.Cores)];
            machine = Math.Round((last.MachineBusy - first.MachineBusy) / wall, 2);
            others = Math.Round(Math.Max(0, machine - cpu.Sum(c => c.Cores)), 2);
        }
        var queueSamples = _queues.Where(s => s.At >= from && s.At <= to).ToList();
        var queues = queueSamples.SelectMany(s => s.Depths.Keys).Distinct()
            .Select(q => (Name: q, Depths: queueSamples.Where(s => s.Depths.ContainsKey(q)).Select(s => s.Depths[q]).ToList()))
            .Select(q => new QueueDepth(q.Name, Math.Round(q.Depths.Average(), 1), q.Depths.Min(), q.Depths.Max(), q.Depths[^1]))
            .OrderByDescending(q => q.Mean).ToList();
        var lagSamples = _lags.Where(s => s.At >= from && s.At <= to).ToList();
        var lags = lagSamples.SelectMany(s => s.Lags.Keys).Distinct()
            .Select(l => new SubscriptionLag(l,
                Math.Round(lagSamples.Average(s => s.Lags.GetValueOrDefault(l)), 1),
                lagSamples.Max(s => s.Lags.GetValueOrDefault(l)),
                lagSamples[^1].Lags.GetValueOrDefault(l)))
            .OrderByDescending(l => l.Mean).ToList();
        var activitySamples = _activity.Where(s => s.At >= from && s.At <= to).ToList();
        var activity = activitySamples.Count == 0 ? [] : activitySamples.SelectMany(s => s.Active)
            .GroupBy(a => a)
            .Select(g => new ActivityShare(g.Key.Wait, g.Key.Statement, Math.Round(g.Count() / (double)activitySamples.Count, 2)))
            .OrderByDescending(a => a.ActiveBackends).Take(15).ToList();
        var lockSamples = _locks.Where(s => s.At >= from && s.At <= to).ToList();
        var locks = lockSamples.SelectMany(s => s.Contended).GroupBy(c => c.Lock)
            .Select(g => new ContendedLock(
                g.Key,
                Math.Round(g.Count() / (double)Math.Max(1, lockSamples.Count), 2),
                Math.Round(g.Average(c => c.Waiters), 1),
                [.. g.GroupBy(c => (c.State, c.Statement))
                    .Select(h => new HolderState(h.Key.State, h.Key.Statement, Math.Round(h.Count() / (double)g.Count(), 2)))
                    .OrderByDescending(h => h.Share).Take(6)]))
            .OrderByDescending(l => l.ShareOfSamples * l.MeanWaiters).Take(5).ToList();
        var commitSamples = _commits.Where(s => s.At >= from - 0.5 && s.At <= to + 0.5).ToList();
        double Rate(Func<(double At, long Transactions, long WalFlushes), long> counter) => commitSamples.Count >= 2
            ? Math.Round((counter(commitSamples[^1]) - counter(commitSamples[0])) / (commitSamples[^1].At - commitSamples[0].At), 1)
            : 0;
        var (statements, calls) = await StatementsAsync();
        return new ProfileWindow(name, from, to, Math.Round(seconds, 1), cpu, machine, others, Rate(s => s.Transactions), Rate(s => s.WalFlushes), calls is { } c ? Math.Round(c / seconds, 1) : null,
            queues, lags, activity, locks, statements);
    }

    /// <summary>The statements that took the most time since the last reset, and how many statements ran in all.</summary>
    private async Task<(IReadOnlyList<StatementCost>? Top, long? Calls)> StatementsAsync()
    {
        if (!_statementsAvailable)
        {
            return (null, null);
        }
        await using var command = _database.DataSource.CreateCommand("""
            SELECT s.query, s.calls, s.total_exec_time, s.mean_exec_time, sum(s.total_exec_time) OVER (), sum(s.calls) OVER ()
            FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
            WHERE d.datname = current_database() AND s.query NOT LIKE '%pg_stat_%'
            ORDER BY s.total_exec_time DESC LIMIT 15
            """);
        await using var reader = await command.ExecuteReaderAsync();
        var statements = new List<StatementCost>();
        long? calls = null;
        while (await reader.ReadAsync())
        {
            calls = (long)reader.GetDecimal(5);
            var total = reader.GetDouble(4);
            statements.Add(new StatementCost(Shorten(reader.GetString(0), 160), reader.GetInt64(1), Math.Round(reader.GetDouble(2), 1),
                Math.Round(reader.GetDouble(3), 3), total > 0 ? Math.Round(reader.GetDouble(2) / total, 3) : 0));
        }
        return (statements, calls);
    }

    /// <summary>
    /// Transactions committed in the services' database (read-only ones included) and WAL flushes of the whole server
    /// (pg_stat_wal; the run's private server serves nothing else): a writing commit waits for one, shared when commits group.
    /// </summary>
    private async Task SampleCommitsAsync()
    {
        await using var command = _database.DataSource.CreateCommand(
            "SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()), (SELECT wal_sync FROM pg_stat_wal)");
        await using var reader = await command.ExecuteReaderAsync(_stop.Token);
        await reader.ReadAsync(_stop.Token);
        _commits.Enqueue((RunClock.Now, reader.GetInt64(0), reader.GetInt64(1)));
    }

    private void SampleCpuAndMemory()
    {
        var cpu = _processes.ToDictionary(p => p.Name, p => p.Tree ? ProcessStats.TreeCpuSeconds(p.Pid) : ProcessStats.CpuSeconds(p.Pid));
        _cpu.Enqueue((RunClock.Now, cpu, ProcessStats.MachineCpuSeconds().Busy));
        foreach (var process in _processes.Where(p => p.Name.StartsWith("Claims.", StringComparison.Ordinal)))
        {
            var (peak, current) = ProcessStats.Memory(process.Pid);
            _peakRssMb.AddOrUpdate(process.Name, Math.Max(peak, current), (_, known) => Math.Max(known, Math.Max(peak, current)));
        }
    }

    private async Task SampleQueuesAsync()
    {
        var queues = await _management.GetFromJsonAsync<JsonElement[]>(
            new Uri($"api/queues/{Uri.EscapeDataString(_vhost)}?columns=name,messages_ready,messages_unacknowledged", UriKind.Relative), _stop.Token) ?? [];
        static bool Counted(JsonElement q) =>
            q.TryGetProperty("messages_ready", out var ready) && ready.ValueKind == JsonValueKind.Number
            && q.TryGetProperty("messages_unacknowledged", out var unacked) && unacked.ValueKind == JsonValueKind.Number;
        var depths = queues
            // The benchmark's own exclusive subscriber queue is named by the broker; it is not a stage of the pipeline.
            .Where(q => !q.GetProperty("name").GetString()!.StartsWith("amq.gen", StringComparison.Ordinal))
            // A queue the broker has not gathered statistics for yet is left out of the sample rather than read as empty.
            .Where(Counted)
            .ToDictionary(q => q.GetProperty("name").GetString()!, q => q.GetProperty("messages_ready").GetInt64() + q.GetProperty("messages_unacknowledged").GetInt64());
        _queues.Enqueue((RunClock.Now, depths));
    }

    private async Task SampleLagsAsync() => _lags.Enqueue((RunClock.Now, await LagsAsync()));

    /// <summary>How many events of its types each subscription of the log has not processed yet.</summary>
    public async Task<Dictionary<string, long>> LagsAsync()
    {
        await using var connection = await _database.DataSource.OpenConnectionAsync(_stop.Token);
        await using var transaction = await connection.BeginTransactionAsync(_stop.Token);
        await using (var keyed = new NpgsqlCommand("SELECT set_config('enable_seqscan', 'off', true), set_config('enable_sort', 'off', true)", connection, transaction))
        {
            await keyed.ExecuteNonQueryAsync(_stop.Token);
        }

        await using var command = new NpgsqlCommand(LagSql, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(_stop.Token);
        var lags = new Dictionary<string, long>();
        while (await reader.ReadAsync(_stop.Token))
        {
            lags[reader.GetString(0)] = reader.GetInt64(1);
        }
        return lags;
    }

    private async Task SampleActivityAsync()
    {
        await using var command = _database.DataSource.CreateCommand("""
            SELECT state, coalesce(wait_event_type || ':' || wait_event, 'CPU'), query
            FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction')
            """);
        await using var reader = await command.ExecuteReaderAsync(_stop.Token);
        var active = new List<(string, string)>();
        while (await reader.ReadAsync(_stop.Token))
        {
            var state = reader.GetString(0);
            // A transaction left open while the service works between statements is time spent in the client.
            var wait = state == "active" ? reader.GetString(1) : "idle in transaction (service working)";
            var query = reader.IsDBNull(2) ? "" : reader.GetString(2);
            if (query.StartsWith("LISTEN", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            active.Add((wait, Shorten(query, 110)));
        }
        _activity.Enqueue((RunClock.Now, active));
        await SampleContendedLocksAsync();
    }

    /// <summary>
    /// Every lock some backend waits for, with its holder's state: a holder "idle in transaction" is waiting for its
    /// service to send the next statement, so the lock is held for the service's sake, not for the database's work.
    /// </summary>
    private async Task SampleContendedLocksAsync()
    {
        await using var command = _database.DataSource.CreateCommand("""
            SELECT h.locktype || ' ' || coalesce(h.classid::text, '') || ':' || coalesce(h.objid::text, h.relation::text, h.transactionid::text, '')
                       || ' ' || h.mode,
                   (SELECT count(*) FROM pg_locks w
                    WHERE NOT w.granted AND w.locktype = h.locktype AND w.database IS NOT DISTINCT FROM h.database
                      AND w.classid IS NOT DISTINCT FROM h.classid AND w.objid IS NOT DISTINCT FROM h.objid
                      AND w.objsubid IS NOT DISTINCT FROM h.objsubid AND w.relation IS NOT DISTINCT FROM h.relation
                      AND w.transactionid IS NOT DISTINCT FROM h.transactionid)::int AS waiters,
                   a.state || coalesce(' (' || a.wait_event_type || ':' || a.wait_event || ')', ''), coalesce(a.query, '')
            FROM pg_locks h JOIN pg_stat_activity a ON a.pid = h.pid
            WHERE h.granted AND a.datname = current_database() AND h.locktype IN ('advisory', 'transactionid', 'tuple', 'object', 'relation')
            """);
        await using var reader = await command.ExecuteReaderAsync(_stop.Token);
        var contended = new List<(string, int, string, string)>();
        while (await reader.ReadAsync(_stop.Token))
        {
            var waiters = reader.GetInt32(1);
            if (waiters > 0)
            {
                contended.Add((reader.GetString(0), waiters, reader.GetString(2), Shorten(reader.GetString(3), 110)));
            }
        }
        _locks.Enqueue((RunClock.Now, contended));
    }

    private Task Every(TimeSpan interval, Action sample) => Every(interval, () =>
    {
        sample();
        return Task.CompletedTask;
    });

    private Task Every(TimeSpan interval, Func<Task> sample) => Task.Run(async () =>
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            do
            {
                try
                {
                    await sample();
                }
                catch (Exception) when (!_stop.IsCancellationRequested)
                {
                    // A missed sample is no reason to stop measuring.
                }
            }
            while (await timer.WaitForNextTickAsync(_stop.Token));
        }
        catch (OperationCanceledException)
        {
        }
    });

    private static string Shorten(string sql, int length)
    {
        var flat = Whitespace().Replace(sql, " ").Trim();
        return flat.Length <= length ? flat : flat[..length] + "…";
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_loops);
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
        _management.Dispose();
        _stop.Dispose();
    }
}
