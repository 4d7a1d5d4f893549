namespace Claims.EventStore;

/// <summary>One read of the log: the events it returned, and how far it looked.</summary>
/// <param name="Events">The events read, in log order.</param>
/// <param name="ScannedTo">
/// The position a reader's checkpoint may move to: the last event returned, or further when a read of some types saw
/// only other events after it.
/// </param>
internal sealed record LogPage(List<StoredEvent> Events, LogPosition ScannedTo);
