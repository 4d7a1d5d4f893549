using System.Diagnostics;
using System.Text.RegularExpressions;
using Claims.EventStore;
using Npgsql;

namespace Claims.Query.Operations;

/// <summary>One read model's rebuild: how much of the log it replayed, how fast, and where it took over.</summary>
public sealed record ProjectionRebuilt(string Projection, long Events, double Seconds, double EventsPerSecond, LogPosition HandedOverAt);

/// <summary>A whole rebuild: every read model, replayed side by side.</summary>
public sealed record RebuildReport(IReadOnlyList<ProjectionRebuilt> Projections, long LogEvents, double Seconds, double EventsPerSecond);

/// <summary>
/// Rebuilds the query service's read models from the log without downtime. Each projection replays the whole log into
/// fresh tables in schema <c>query_rebuild</c> (<see cref="ReadModelSchema.Rebuild"/>) while the live projections and
/// every reader go on using schema <c>query</c>; when a rebuild has caught up with its live projection, one transaction
/// moves its tables into <c>query</c> in place of the old ones (<see cref="ProjectionHandover"/>). Readers wait for that
/// transaction (milliseconds) and never see a half-built model; the live projection resumes from the same checkpoint on
/// the new tables; the change feed and its ids stay as they are. It creates and drops tables, so it runs with the
/// database owner's connection, like a schema migration; the new tables get the privileges the old ones had.
/// </summary>
public sealed partial class ReadModelRebuild(EventStore.EventStore store, ILoggerFactory loggers)
{
    // A reader's lock must never wait behind the switch for long, nor deadlock with it: the switch gives up its table
    // locks after this and tries again (PostgreSQL looks for deadlocks only after deadlock_timeout, 1 s by default).
    private static readonly TimeSpan _lockTimeout = TimeSpan.FromMilliseconds(200);
    private const int SwitchAttempts = 50;
    private const string RebuildLockKey = "query:read-model-rebuild";

    private readonly ILogger _logger = loggers.CreateLogger<ReadModelRebuild>();

    /// <summary>The read models, each made for a schema: the live one, or a rebuild's (one instance per partition).</summary>
    public static IReadOnlyList<Func<ReadModelSchema, SqlBatchProjection>> ReadModels(EventStore.EventStore store) =>
    [
        target => new ClaimsReadModel.ClaimsProjection(store, target),
        target => new Articles.ArticlesProjection(store, target),
        target => new Sources.SourceReliabilityProjection(target),
    ];

    public async Task<RebuildReport> RunAsync(int batchSize, CancellationToken ct)
    {
        await using var guard = await store.DataSource.OpenConnectionAsync(ct);
        if (!await TryLockAsync(guard, ct))
        {
            throw new InvalidOperationException("Another rebuild of the read models is running; wait for it to finish.");
        }

        try
        {
            var readModels = ReadModels(store).Select(create => (Live: create(ReadModelSchema.Live), Create: create)).ToList();
            await CreateRebuildTablesAsync(readModels.Select(model => model.Create(ReadModelSchema.Rebuild)).ToList(), ct);
            var clock = Stopwatch.StartNew();
            var results = await Task.WhenAll(readModels.Select(model => RebuildAsync(model.Live, model.Create, batchSize, clock, ct)));
            var seconds = clock.Elapsed.TotalSeconds;
            await using (var drop = store.DataSource.CreateCommand($"DROP SCHEMA IF EXISTS {ReadModelSchema.Rebuild.Name} CASCADE"))
            {
                await drop.ExecuteNonQueryAsync(ct);
            }

            var logEvents = results.Max(result => result.Events);
            return new RebuildReport(results, logEvents, seconds, logEvents / Math.Max(seconds, 0.001));
        }
        finally
        {
            // A pooled connection keeps its session's locks when returned.
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtextextended(@key, 0))", guard);
            unlock.Parameters.Add(new NpgsqlParameter<string>("key", RebuildLockKey));
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private async Task<ProjectionRebuilt> RebuildAsync(
        SqlBatchProjection live, Func<ReadModelSchema, SqlBatchProjection> create, int batchSize, Stopwatch clock, CancellationToken ct)
    {
        var partitions = live.RebuildPartitions;
        var rebuilds = Enumerable.Range(0, partitions).Select(index => create(ReadModelSchema.Rebuild.Partition(index, partitions))).ToList();
        var runners = new List<ProjectionRunner>();
        try
        {
            foreach (var (rebuild, index) in rebuilds.Select((rebuild, index) => (rebuild, index)))
            {
                await ProjectionHandover.StartFreshAsync(store, rebuild.Name, ct);
                var options = new ProjectionOptions
                {
                    BatchSize = batchSize,
                    Follows = live.Name,
                    Partition = partitions > 1 ? new StreamPartition(index, partitions) : null,
                    // Behind the live projection there is always more to read; once level with it, check often, since
                    // the handover waits for this runner.
                    BusyPollInterval = TimeSpan.FromMilliseconds(20),
                    IdlePollInterval = TimeSpan.FromMilliseconds(100),
                    WaitForDurableCommit = false,
                };
                var runner = new ProjectionRunner(store, rebuild, options, loggers.CreateLogger<ProjectionRunner>());
                runners.Add(runner);
                await runner.StartAsync(ct);
            }

            // Like a bulk load: rows first, then the indexes readers need, built once the replay has caught up (the
            // rebuild waits meanwhile), so that the replay does not maintain them row by row.
            var caughtUp = await store.ReadCheckpointAsync(live.Name, ct) ?? LogPosition.Start;
            await Task.WhenAll(runners.Select(runner => runner.WaitForCheckpointAsync(caughtUp, ct)));
            if (SecondaryIndexes(rebuilds[0]) is { Length: > 0 } ddl)
            {
                await using var indexes = store.DataSource.CreateCommand(ddl);
                await indexes.ExecuteNonQueryAsync(ct);
            }

            var at = await ProjectionHandover.HandOverAsync(store, live.Name, runners,
                (connection, transaction, token) => SwitchTablesAsync(rebuilds[0], connection, transaction, token), ct);
            var seconds = clock.Elapsed.TotalSeconds;
            var events = await store.CountEventsAsync(at, ct);
            LogHandedOver(_logger, live.Name, events, seconds, events / Math.Max(seconds, 0.001), at);
            return new ProjectionRebuilt(live.Name, events, seconds, events / Math.Max(seconds, 0.001), at);
        }
        finally
        {
            foreach (var runner in runners)
            {
                await runner.StopAsync(CancellationToken.None);
                runner.Dispose();
            }
        }
    }

    /// <summary>The DDL of a rebuild's tables without their secondary indexes (non-unique, and no statement relies on them).</summary>
    private static string TablesWithoutIndexes(SqlBatchProjection rebuild) =>
        SecondaryIndex().Replace(rebuild.Target.Qualify(rebuild.TablesDdl), "");

    private static string SecondaryIndexes(SqlBatchProjection rebuild) =>
        string.Concat(SecondaryIndex().Matches(rebuild.Target.Qualify(rebuild.TablesDdl)).Select(index => index.Value + "\n"));

    [GeneratedRegex(@"CREATE INDEX [^;]+;")]
    private static partial Regex SecondaryIndex();

    private async Task CreateRebuildTablesAsync(IReadOnlyList<SqlBatchProjection> rebuilds, CancellationToken ct)
    {
        var schema = ReadModelSchema.Rebuild;
        await using var command = store.DataSource.CreateCommand(
            $"""
            DO $$ BEGIN
                IF to_regclass('{ReadModelSchema.Live.Name}.claims') IS NULL THEN
                    RAISE EXCEPTION 'schema {ReadModelSchema.Live.Name} has no read models yet: start the query service once first';
                END IF;
            END $$;
            DROP SCHEMA IF EXISTS {schema.Name} CASCADE;
            CREATE SCHEMA {schema.Name};
            """ + string.Concat(rebuilds.Select(TablesWithoutIndexes)));
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// In the handover's transaction: completes the rebuilt model, gives its tables the old ones' privileges, drops the
    /// old tables and moves the new ones into the live schema. Retried, from a savepoint, while readers hold the old tables.
    /// </summary>
    private async Task SwitchTablesAsync(SqlBatchProjection rebuild, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await rebuild.CompleteRebuildAsync(connection, transaction, ct);
        var sql = SwitchSql(rebuild.Tables);
        for (var attempt = 1; ; attempt++)
        {
            await transaction.SaveAsync("switch", ct);
            try
            {
                await using var command = new NpgsqlCommand(sql, connection, transaction);
                await command.ExecuteNonQueryAsync(ct);
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable && attempt < SwitchAttempts)
            {
                await transaction.RollbackAsync("switch", ct);
                LogSwitchWaited(_logger, rebuild.Name, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(50 * Math.Min(attempt, 10)), ct);
            }
        }
    }

    private static string SwitchSql(IReadOnlyList<string> tables)
    {
        var (live, rebuilt) = (ReadModelSchema.Live.Name, ReadModelSchema.Rebuild.Name);
        var names = string.Join(", ", tables.Select(table => $"'{table}'"));
        return $"""
            SET LOCAL lock_timeout = '{(int)_lockTimeout.TotalMilliseconds}ms';
            DO $$
            DECLARE g record;
            BEGIN
                FOR g IN SELECT c.relname, a.privilege_type, a.grantee::regrole::text AS grantee
                         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a
                         WHERE n.nspname = '{live}' AND c.relname IN ({names}) AND a.grantee NOT IN (0, c.relowner)
                LOOP
                    EXECUTE format('GRANT %s ON {rebuilt}.%I TO %s', g.privilege_type, g.relname, g.grantee);
                END LOOP;
            END $$;
            DROP TABLE IF EXISTS {string.Join(", ", tables.Select(table => $"{live}.{table}"))};
            {string.Concat(tables.Select(table => $"ALTER TABLE {rebuilt}.{table} SET SCHEMA {live};\n"))}
            """;
    }

    private static async Task<bool> TryLockAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended(@key, 0))", connection);
        command.Parameters.Add(new NpgsqlParameter<string>("key", RebuildLockKey));
        return await command.ExecuteScalarAsync(ct) is true;
    }

    [LoggerMessage(1, LogLevel.Information, "Rebuilt {Projection}: {Events} events in {Seconds:0.0} s ({Rate:0} events/s); handed over at {Position}")]
    private static partial void LogHandedOver(ILogger logger, string projection, long events, double seconds, double rate, LogPosition position);

    [LoggerMessage(2, LogLevel.Information, "Switching {Projection} to its rebuilt tables waited for readers (attempt {Attempt})")]
    private static partial void LogSwitchWaited(ILogger logger, string projection, int attempt);
}
