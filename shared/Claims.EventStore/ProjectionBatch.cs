using Npgsql;

namespace Claims.EventStore;

/// <summary>Events for a projection to apply, and the transaction to apply them in.</summary>
/// <param name="events">The events of the projection's types, in log order.</param>
/// <param name="connection">The runner's connection.</param>
/// <param name="transaction">The transaction the checkpoint will commit in.</param>
public sealed class ProjectionBatch(IReadOnlyList<StoredEvent> events, NpgsqlConnection connection, NpgsqlTransaction transaction)
{
    /// <summary>The events of the projection's types, in log order.</summary>
    public IReadOnlyList<StoredEvent> Events { get; } = events;

    /// <summary>The runner's connection.</summary>
    public NpgsqlConnection Connection { get; } = connection;

    /// <summary>The transaction the checkpoint will commit in; do not commit it.</summary>
    public NpgsqlTransaction Transaction { get; } = transaction;
}
