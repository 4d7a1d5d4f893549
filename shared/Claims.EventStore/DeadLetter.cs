namespace Claims.EventStore;

/// <summary>An event a projection gave up on after its attempts.</summary>
/// <param name="Projection">The projection's name.</param>
/// <param name="Seq">The event's sequence number.</param>
/// <param name="EventId">The event's id.</param>
/// <param name="StreamId">The event's stream.</param>
/// <param name="Type">The event's type alias.</param>
/// <param name="Error">The last error.</param>
/// <param name="Attempts">How many times it was tried.</param>
/// <param name="RecordedAt">When it was given up on.</param>
public sealed record DeadLetter(
    string Projection, long Seq, Guid EventId, string StreamId, string Type, string Error, int Attempts, DateTimeOffset RecordedAt);
