using Npgsql;

namespace Claims.EventStore;

/// <summary>Events for a projection to apply, and the transaction to apply them in.</summary>
/// <param name="events">The events of the projection's types, in log order.</param>
/// <param name="connection">The runner's connection.</param>
/// <param name="transaction">The transaction the checkpoint will commit in.</param>
public sealed class ProjectionBatch(IReadOnlyList<StoredEvent> events, NpgsqlConnection connection, NpgsqlTransaction transaction)
{
    private readonly List<Action>? _afterCommit;

    internal ProjectionBatch(IReadOnlyList<StoredEvent> events, NpgsqlConnection connection, NpgsqlTransaction transaction, List<Action> afterCommit)
        : this(events, connection, transaction)
    {
        _afterCommit = afterCommit;
    }

    /// <summary>The events of the projection's types, in log order.</summary>
    public IReadOnlyList<StoredEvent> Events { get; } = events;

    /// <summary>The runner's connection.</summary>
    public NpgsqlConnection Connection { get; } = connection;

    /// <summary>The transaction the checkpoint will commit in; do not commit it.</summary>
    public NpgsqlTransaction Transaction { get; } = transaction;

    /// <summary>
    /// Runs <paramref name="action"/> once the runner has committed this batch with its checkpoint, and not at all if
    /// the batch rolls back: for what must not happen inside the transaction, such as a <see cref="CommitNotifier"/>
    /// signal. A batch made outside a runner runs nothing.
    /// </summary>
    public void OnCommitted(Action action) => _afterCommit?.Add(action);
}
