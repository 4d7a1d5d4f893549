using System.Diagnostics;

namespace Claims.EventStore;

/// <summary>An event as stored.</summary>
/// <param name="Seq">Global sequence number (unique, but not commit order: see <see cref="LogPosition"/>).</param>
/// <param name="Tx">Id of the transaction that wrote the event.</param>
/// <param name="Id">The event's identity.</param>
/// <param name="StreamId">The stream it belongs to.</param>
/// <param name="Version">Its version within the stream: 1, 2, ... without gaps.</param>
/// <param name="Type">Its stable type alias.</param>
/// <param name="Data">
/// The payload deserialized through the <see cref="EventTypeRegistry"/>; <see langword="null"/> when the alias is
/// not registered here, when the reader did not ask for this type, or when it asked for the type without its data
/// (<see cref="IProjection.EventTypesWithoutData"/>).
/// </param>
/// <param name="Headers">Correlation and causation ids, trace context and other metadata.</param>
/// <param name="RecordedAt">When the event was appended.</param>
public sealed record StoredEvent(
    long Seq,
    ulong Tx,
    Guid Id,
    string StreamId,
    long Version,
    string Type,
    object? Data,
    IReadOnlyDictionary<string, string> Headers,
    DateTimeOffset RecordedAt)
{
    /// <summary>The event's place in the global log.</summary>
    public LogPosition Position => new(Tx, Seq);

    /// <summary>
    /// The trace context the event was appended under (from the <c>traceparent</c> and <c>tracestate</c> headers),
    /// to parent the activities of whatever processes it.
    /// </summary>
    public ActivityContext? ParentContext =>
        Headers.TryGetValue(EventHeaders.TraceParent, out var traceParent)
        && ActivityContext.TryParse(traceParent, Headers.GetValueOrDefault(EventHeaders.TraceState), isRemote: true, out var context)
            ? context
            : null;

    /// <summary>Why <see cref="Data"/> could not be deserialized, when it could not.</summary>
    internal Exception? DataError { get; init; }
}
