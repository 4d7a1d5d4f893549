namespace Claims.EventStore;

/// <summary>A stream's state folded up to and including <paramref name="Version"/>.</summary>
public sealed record StreamSnapshot<T>(string StreamId, long Version, T State);
