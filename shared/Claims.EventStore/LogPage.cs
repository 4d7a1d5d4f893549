namespace Claims.EventStore;

/// <summary>One read of the log: the events it returned, how far it looked, and whether committed events wait beyond.</summary>
/// <param name="Events">The events read, in log order.</param>
/// <param name="ScannedTo">
/// The position a reader's checkpoint may move to: the last event returned, or further when a read of some types saw
/// only other events after it.
/// </param>
/// <param name="HeldBack">
/// Whether committed events lie at or above the read's bound, behind a transaction still open that may append: they
/// become readable when it ends, which notifies nobody unless it appended.
/// </param>
internal sealed record LogPage(List<StoredEvent> Events, LogPosition ScannedTo, bool HeldBack);
