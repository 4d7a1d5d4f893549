namespace Claims.EventStore;

/// <summary>Where the event store keeps its tables, and how it talks about them.</summary>
public sealed class EventStoreOptions
{
    /// <summary>
    /// The PostgreSQL schema holding <c>streams</c>, <c>events</c>, <c>progress</c> and <c>dead_letters</c>.
    /// Lower-case letters, digits and underscores, starting with a letter or underscore.
    /// </summary>
    public string Schema { get; set; } = "events";

    /// <summary>
    /// Whether a committed append sends <c>NOTIFY "&lt;schema&gt;_events"</c> so projection runners poll at once
    /// instead of at their next interval. Only a hint: runners poll anyway. Sent after the commit, in a transaction of
    /// its own (<see cref="CommitNotifier"/>); for appends in a transaction of the caller's, once the caller calls
    /// <see cref="EventStore.NotifyCommitted(IEnumerable{Type})"/>.
    /// </summary>
    public bool NotifyOnAppend { get; set; } = true;

    /// <summary>
    /// Compile-time JSON metadata for the event types (a source-generated <c>JsonSerializerContext</c>), consulted
    /// before reflection; types it does not cover still serialize by reflection.
    /// </summary>
    public System.Text.Json.Serialization.Metadata.IJsonTypeInfoResolver? EventTypeInfo { get; set; }
}
