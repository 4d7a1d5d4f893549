using Npgsql;

namespace Claims.EventStore;

/// <summary>
/// Replaces a live projection's read model with the one a rebuild built beside it, without losing or repeating an
/// event and without stopping readers. The rebuild runs as its own projection that follows the live one
/// (<see cref="ProjectionOptions.Follows"/>), so it never reads past the live checkpoint. The handover then pauses the
/// live projection between two batches (its batch lock, held by one transaction), lets the rebuild reach the very same
/// checkpoint, and in that transaction lets the caller swap the tables and gives the rebuild's dead letters to the live
/// name. The live runner resumes from the unchanged checkpoint, on the new tables.
/// </summary>
public static class ProjectionHandover
{
    /// <summary>
    /// Hands <paramref name="rebuild"/>'s read model over to the projection named <paramref name="liveName"/>.
    /// <paramref name="rebuild"/> must be running with <see cref="ProjectionOptions.Follows"/> set to <paramref name="liveName"/>;
    /// it is stopped here. <paramref name="switchTables"/> runs in the handover's transaction, with both projections
    /// paused at the returned position; if it throws, nothing is handed over and the live projection goes on as before.
    /// </summary>
    /// <returns>The log position at which the read model changed hands.</returns>
    public static Task<LogPosition> HandOverAsync(
        EventStore store,
        string liveName,
        ProjectionRunner rebuild,
        Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task> switchTables,
        CancellationToken ct) =>
        HandOverAsync(store, liveName, [rebuild], switchTables, ct);

    /// <summary>
    /// Hands over the read model that several runners rebuilt together, each for one <see cref="StreamPartition"/>:
    /// all of them must reach the live checkpoint, and all their dead letters become the live projection's.
    /// </summary>
    public static async Task<LogPosition> HandOverAsync(
        EventStore store,
        string liveName,
        IReadOnlyList<ProjectionRunner> rebuilds,
        Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task> switchTables,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(liveName);
        ArgumentNullException.ThrowIfNull(rebuilds);
        ArgumentNullException.ThrowIfNull(switchTables);
        if (rebuilds.Count == 0 || rebuilds.Any(rebuild => rebuild.Name == liveName))
        {
            throw new ArgumentException("A rebuild needs runners with names of their own: their checkpoints are not the live projection's.", nameof(rebuilds));
        }

        // Catch up without pausing anyone first, so that the pause below covers one batch of the live projection at most.
        var live = await store.ReadCheckpointAsync(liveName, ct) ?? LogPosition.Start;
        await Task.WhenAll(rebuilds.Select(rebuild => rebuild.WaitForCheckpointAsync(live, ct)));

        await using var connection = await store.DataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // Waits for the live projection's batch in progress, if any, to commit; its next one waits for this transaction.
        await LockBatchesAsync(store, connection, transaction, liveName, ct);
        var handedOverAt = await ReadCheckpointAsync(store, connection, transaction, liveName, ct) ?? LogPosition.Start;
        await Task.WhenAll(rebuilds.Select(rebuild => rebuild.WaitForCheckpointAsync(handedOverAt, ct)));
        foreach (var rebuild in rebuilds)
        {
            await rebuild.StopAsync(ct);
            await LockBatchesAsync(store, connection, transaction, rebuild.Name, ct);
            var rebuilt = await ReadCheckpointAsync(store, connection, transaction, rebuild.Name, ct);
            if (rebuilt != handedOverAt)
            {
                throw new InvalidOperationException(
                    $"The rebuild '{rebuild.Name}' stopped at {rebuilt}, not at the live checkpoint {handedOverAt} of '{liveName}'; nothing was handed over.");
            }
        }

        await switchTables(connection, transaction, ct);
        await using (var command = new NpgsqlCommand(store.Sql.HandOverDeadLetters, connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<string>("live", liveName));
            command.Parameters.Add(new NpgsqlParameter<string[]>("rebuilds", [.. rebuilds.Select(rebuild => rebuild.Name)]));
            await command.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
        return handedOverAt;
    }

    /// <summary>
    /// Sets the checkpoint of the rebuild <paramref name="rebuildName"/> back to the start of the log and drops its dead
    /// letters: what an earlier rebuild that never handed over left behind. Call it before starting the rebuild's runner.
    /// </summary>
    public static async Task StartFreshAsync(EventStore store, string rebuildName, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(rebuildName);
        await using var command = store.DataSource.CreateCommand(store.Sql.ResetCheckpoint);
        command.Parameters.Add(new NpgsqlParameter<string>("name", rebuildName));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", store.Time.GetUtcNow()));
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task LockBatchesAsync(EventStore store, NpgsqlConnection connection, NpgsqlTransaction transaction, string name, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(store.Sql.LockProjectionBatch, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string>("key", store.Sql.ProjectionBatchLockKey(name)));
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<LogPosition?> ReadCheckpointAsync(
        EventStore store, NpgsqlConnection connection, NpgsqlTransaction transaction, string name, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(store.Sql.ReadCheckpoint, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string>("name", name));
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new LogPosition(reader.GetFieldValue<ulong>(0), reader.GetInt64(1)) : null;
    }
}
