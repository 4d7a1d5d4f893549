using System.Diagnostics;
using Claims.Testing;
using Npgsql;

namespace Claims.Benchmarks.Baselines;

/// <summary>What this machine's PostgreSQL does on its own: durable single-row commits and 100-row batches.</summary>
public sealed record PostgresFigures(
    double SingleRowCommitsPerSecondOneConnection,
    double SingleRowCommitsPerSecondConcurrent,
    double BatchedRowsPerSecondOneConnection,
    double BatchedRowsPerSecondConcurrent,
    int Connections,
    int BatchRows,
    string SynchronousCommit);

/// <summary>
/// Inserts rows shaped like a stored event (a uuid, a short text key and a jsonb body of about 700 bytes) into a
/// table of a fresh database on the run's server, with its default durability (synchronous_commit on): each
/// autocommit INSERT is one WAL flush, which is what every step of the pipeline pays at least once.
/// </summary>
public sealed class PostgresBaseline(BenchmarkOptions options)
{
    private const int BatchRows = 100;

    private static readonly string _body = System.Text.Json.JsonSerializer.Serialize(new
    {
        claimId = "trade_turnover:AZ+KZ:2024",
        value = 470000000,
        unit = "USD",
        evidence = new string('x', 600),
    });

    public async Task<PostgresFigures> RunAsync()
    {
        var database = await CreateDatabaseAsync();
        try
        {
            await using var setting = database.DataSource.CreateCommand("SHOW synchronous_commit");
            var synchronousCommit = (string)(await setting.ExecuteScalarAsync())!;
            var seconds = TimeSpan.FromSeconds(options.BaselineSeconds);
            var connections = options.PostgresConnections;

            var single = await RateAsync(database.DataSource, 1, seconds, InsertOneAsync);
            var singleConcurrent = await RateAsync(database.DataSource, connections, seconds, InsertOneAsync);
            var batched = await RateAsync(database.DataSource, 1, seconds, InsertBatchAsync) * BatchRows;
            var batchedConcurrent = await RateAsync(database.DataSource, connections, seconds, InsertBatchAsync) * BatchRows;
            return new PostgresFigures(single, singleConcurrent, batched, batchedConcurrent, connections, BatchRows, synchronousCommit);
        }
        finally
        {
            await database.DisposeAsync();
        }
    }

    /// <summary>
    /// Rows/s of 100-row INSERTs on one connection, for <paramref name="duration"/>, in a scratch database of the run's
    /// server: the rate a measurement beside it (the rebuild) is compared with. This machine's speed drifts by a
    /// quarter over minutes, so a comparison measures its baseline next to itself, not minutes earlier.
    /// </summary>
    public static async Task<double> BatchedRowsPerSecondAsync(TimeSpan duration)
    {
        var database = await CreateDatabaseAsync();
        try
        {
            return await RateAsync(database.DataSource, 1, duration, InsertBatchAsync) * BatchRows;
        }
        finally
        {
            await database.DisposeAsync();
        }
    }

    private static async Task<PostgresDatabase> CreateDatabaseAsync()
    {
        var database = new PostgresDatabase();
        await database.InitializeAsync();
        await using var create = database.DataSource.CreateCommand("""
            CREATE TABLE bench_rows (
                seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                id uuid NOT NULL UNIQUE,
                stream_id text NOT NULL,
                data jsonb NOT NULL,
                recorded_at timestamptz NOT NULL DEFAULT now())
            """);
        await create.ExecuteNonQueryAsync();
        return database;
    }

    /// <summary>Runs <paramref name="operation"/> in a loop on each of <paramref name="connections"/> connections; operations per second.</summary>
    private static async Task<double> RateAsync(NpgsqlDataSource dataSource, int connections, TimeSpan duration, Func<NpgsqlConnection, Task> operation)
    {
        var clock = Stopwatch.StartNew();
        var counts = await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            var done = 0;
            while (clock.Elapsed < duration)
            {
                await operation(connection);
                done++;
            }
            return done;
        }));
        return counts.Sum() / clock.Elapsed.TotalSeconds;
    }

    private static async Task InsertOneAsync(NpgsqlConnection connection)
    {
        await using var insert = new NpgsqlCommand("INSERT INTO bench_rows (id, stream_id, data) VALUES ($1, $2, $3::jsonb)", connection)
        {
            Parameters = { new() { Value = Guid.NewGuid() }, new() { Value = "claim-bench" }, new() { Value = _body } },
        };
        await insert.ExecuteNonQueryAsync();
    }

    /// <summary>One statement, one commit, a hundred rows: the way the event store appends a batch (unnest of arrays).</summary>
    private static async Task InsertBatchAsync(NpgsqlConnection connection)
    {
        await using var insert = new NpgsqlCommand("""
            INSERT INTO bench_rows (id, stream_id, data)
            SELECT id, 'claim-bench', data::jsonb FROM unnest($1::uuid[], $2::text[]) AS r (id, data)
            """, connection)
        {
            Parameters =
            {
                new() { Value = Enumerable.Range(0, BatchRows).Select(_ => Guid.NewGuid()).ToArray() },
                new() { Value = Enumerable.Repeat(_body, BatchRows).ToArray() },
            },
        };
        await insert.ExecuteNonQueryAsync();
    }
}
