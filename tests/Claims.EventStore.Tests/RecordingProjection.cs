using Npgsql;

namespace Claims.EventStore.Tests;

/// <summary>
/// A read model that counts how often each event was applied (<c>applied</c> goes to 2 on a second application), with
/// hooks to make it fail or "die" part-way through a batch.
/// </summary>
public sealed class RecordingProjection(string schema, string name = "recording", ConcurrencyProbe? probe = null, string table = "read_model") : IProjection
{
    private int _batches;

    public string Name => name;

    public IReadOnlySet<string>? EventTypes { get; init; } = new HashSet<string> { TestEvents.NotedType };

    /// <summary>Called for each event before it is written; throw to fail it.</summary>
    public Action<Noted>? BeforeEach { get; init; }

    /// <summary>Called after a batch's rows are written, before the runner commits.</summary>
    public Func<ProjectionBatch, CancellationToken, Task>? AfterWrite { get; init; }

    /// <summary>Called when the read model is reset.</summary>
    public Action? OnReset { get; init; }

    /// <summary>Counts batches in flight, shared by the instances of one projection that run in different runners.</summary>
    public ConcurrencyProbe Probe { get; } = probe ?? new ConcurrencyProbe();

    public int Batches => Volatile.Read(ref _batches);

    public static async Task CreateReadModelAsync(EventStore store, string table = "read_model")
    {
        await using var command = store.DataSource.CreateCommand(
            $"CREATE TABLE {store.Options.Schema}.{table} (event_id uuid PRIMARY KEY, author text NOT NULL, number int NOT NULL, applied int NOT NULL)");
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<List<(Guid EventId, string Author, int Number, int Applied)>> ReadModelAsync(EventStore store)
    {
        await using var command = store.DataSource.CreateCommand(
            $"SELECT event_id, author, number, applied FROM {store.Options.Schema}.read_model ORDER BY author, number");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(Guid, string, int, int)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetGuid(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3)));
        }

        return rows;
    }

    public async Task ApplyAsync(ProjectionBatch batch, CancellationToken ct)
    {
        Probe.Enter();
        Interlocked.Increment(ref _batches);
        try
        {
            foreach (var stored in batch.Events)
            {
                var noted = (Noted)stored.Data!;
                BeforeEach?.Invoke(noted);
                await using var command = new NpgsqlCommand(
                    $"""
                    INSERT INTO {schema}.{table} AS t (event_id, author, number, applied) VALUES (@id, @author, @number, 1)
                    ON CONFLICT (event_id) DO UPDATE SET applied = t.applied + 1
                    """,
                    batch.Connection,
                    batch.Transaction);
                command.Parameters.AddWithValue("id", stored.Id);
                command.Parameters.AddWithValue("author", noted.Author);
                command.Parameters.AddWithValue("number", noted.Number);
                await command.ExecuteNonQueryAsync(ct);
            }

            if (AfterWrite is not null)
            {
                await AfterWrite(batch, ct);
            }
        }
        finally
        {
            Probe.Exit();
        }
    }

    public async Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        OnReset?.Invoke();
        await using var command = new NpgsqlCommand($"DELETE FROM {schema}.{table}", connection, transaction);
        await command.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>Records the most batches ever applied at the same time.</summary>
public sealed class ConcurrencyProbe
{
    private int _running;
    private int _max;

    public int Max => Volatile.Read(ref _max);

    public void Enter()
    {
        var running = Interlocked.Increment(ref _running);
        var max = Volatile.Read(ref _max);
        while (running > max)
        {
            var seen = Interlocked.CompareExchange(ref _max, running, max);
            if (seen == max)
            {
                return;
            }

            max = seen;
        }
    }

    public void Exit() => Interlocked.Decrement(ref _running);
}
