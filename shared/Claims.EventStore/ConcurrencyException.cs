namespace Claims.EventStore;

/// <summary>
/// The stream moved since the caller read it: either the expected version did not match, or another writer
/// stored the same stream version first. Retry by re-reading the stream and deciding again.
/// </summary>
/// <param name="streamId">The stream that moved.</param>
/// <param name="expectedVersion">The version the caller read.</param>
/// <param name="actualVersion">The version found, when known.</param>
/// <param name="innerException">The database error behind it, if any.</param>
public sealed class ConcurrencyException(string streamId, long expectedVersion, long? actualVersion, Exception? innerException = null)
    : Exception(Describe(streamId, expectedVersion, actualVersion), innerException)
{
    /// <summary>The stream that moved.</summary>
    public string StreamId { get; } = streamId;

    /// <summary>The version the caller read.</summary>
    public long ExpectedVersion { get; } = expectedVersion;

    /// <summary>The version found, when known (it is not when the conflict surfaced as a unique violation).</summary>
    public long? ActualVersion { get; } = actualVersion;

    private static string Describe(string streamId, long expectedVersion, long? actualVersion) =>
        actualVersion is { } actual
            ? $"Stream '{streamId}' is at version {actual}, not at the expected version {expectedVersion}. Re-read the stream and retry."
            : $"Stream '{streamId}' was changed concurrently (expected version {expectedVersion}). Re-read the stream and retry.";
}
