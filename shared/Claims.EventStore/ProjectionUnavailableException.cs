namespace Claims.EventStore;

/// <summary>
/// Thrown by a projection when something outside the database it needs is unavailable (the broker a relay
/// publishes to, say). The runner rolls the batch back and tries it again later, backing off; it never
/// dead-letters an event for this, because the event itself is fine and skipping it would lose it.
/// </summary>
public sealed class ProjectionUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ProjectionUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
