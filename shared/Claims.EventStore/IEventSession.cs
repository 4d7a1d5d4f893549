using Npgsql;

namespace Claims.EventStore;

/// <summary>
/// A unit of work: appends to any number of streams, stored together in one transaction by SaveChangesAsync.
/// Not thread-safe; open one per operation.
/// </summary>
public interface IEventSession : IAsyncDisposable
{
    /// <summary>
    /// Headers (correlation id, causation id, ...) added to every event appended after they are set.
    /// The current trace context is added on top, as <c>traceparent</c> and <c>tracestate</c>.
    /// </summary>
    IDictionary<string, string> Headers { get; }

    /// <summary>Queues events for <paramref name="streamId"/>.</summary>
    /// <param name="streamId">The stream to append to.</param>
    /// <param name="expectedVersion">
    /// The version the caller read: <see cref="ExpectedVersion.NoStream"/> (0) when the stream must not exist yet,
    /// <see cref="ExpectedVersion.Any"/> for no check.
    /// </param>
    /// <param name="events">
    /// The events. Those whose id is already stored are dropped; when all of them are, the append is a no-op and
    /// its version check is skipped, because it already happened. An empty list appends nothing and checks nothing.
    /// </param>
    /// <param name="streamType">What kind of stream this is (recorded when the stream is created).</param>
    void Append(string streamId, long expectedVersion, IEnumerable<NewEvent> events, string? streamType = null);

    /// <inheritdoc cref="Append(string, long, IEnumerable{NewEvent}, string?)"/>
    void Append(string streamId, long expectedVersion, params NewEvent[] events);

    /// <summary>Stores the queued appends in one transaction and clears the queue (whether or not it succeeded).</summary>
    /// <returns>The events actually inserted, in append order.</returns>
    /// <exception cref="ConcurrencyException">A stream was not at its expected version; nothing was stored.</exception>
    Task<IReadOnlyList<StoredEvent>> SaveChangesAsync(CancellationToken ct = default);

    /// <summary>
    /// Stores the queued appends inside the caller's <paramref name="transaction"/>, so that other rows can be written
    /// atomically with the events. The caller commits; nothing is visible to readers until then. After committing, call
    /// <see cref="EventStore.NotifyCommitted(IEnumerable{Type})"/> so projection runners read at once rather than at their next poll.
    /// </summary>
    /// <returns>The events inserted, in append order.</returns>
    /// <exception cref="ConcurrencyException">A stream was not at its expected version. The transaction may be aborted.</exception>
    /// <remarks><paramref name="ct"/> has no default so that <c>SaveChangesAsync(default)</c> stays unambiguous.</remarks>
    Task<IReadOnlyList<StoredEvent>> SaveChangesAsync(NpgsqlTransaction transaction, CancellationToken ct);
}
