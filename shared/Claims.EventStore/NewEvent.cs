namespace Claims.EventStore;

/// <summary>An event to append.</summary>
/// <param name="Id">
/// The event's identity and idempotency key: appending an event whose id is already stored is a no-op.
/// Set it from a natural identity (a message id, a mention id) when there is one.
/// </param>
/// <param name="Data">The event payload; its CLR type must be registered in the <see cref="EventTypeRegistry"/>.</param>
public sealed record NewEvent(Guid Id, object Data)
{
    /// <summary>An event with a fresh, time-ordered (version 7) id.</summary>
    public static NewEvent Create(object data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new NewEvent(Guid.CreateVersion7(), data);
    }
}
