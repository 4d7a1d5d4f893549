using Npgsql;

namespace Claims.EventStore;

/// <summary>
/// Turns events into read-model rows (or into published messages, for a relay). A <see cref="ProjectionRunner"/>
/// feeds it the log in order and commits its checkpoint in the same transaction as its writes.
/// </summary>
public interface IProjection
{
    /// <summary>Stable name: the key of its checkpoint, lock and dead letters.</summary>
    string Name { get; }

    /// <summary>The type aliases it handles; <see langword="null"/> for all.</summary>
    IReadOnlySet<string>? EventTypes { get; }

    /// <summary>
    /// Of <see cref="EventTypes"/>, those it needs only the stream, version and time of: they come without their data
    /// (<see cref="StoredEvent.Data"/> is <see langword="null"/>), which spares the server rendering the JSON, the wire
    /// carrying it and the reader parsing it. Applies only with <see cref="EventTypes"/> set.
    /// </summary>
    IReadOnlySet<string>? EventTypesWithoutData => null;

    /// <summary>
    /// Applies a batch: write with <see cref="ProjectionBatch.Connection"/> and <see cref="ProjectionBatch.Transaction"/>,
    /// never commit. Throwing rolls the batch back; the runner then retries event by event and dead-letters what keeps failing,
    /// so this may see an event again after a failure.
    /// </summary>
    Task ApplyAsync(ProjectionBatch batch, CancellationToken ct);

    /// <summary>Clears the read model before a rebuild, in the runner's transaction.</summary>
    Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct);
}
