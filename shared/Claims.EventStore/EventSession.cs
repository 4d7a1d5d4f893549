using System.Text.Json;
using Npgsql;

namespace Claims.EventStore;

/// <summary>An event, serialized when it was appended.</summary>
internal sealed record PendingEvent(
    Guid Id, string Type, object Data, string Json, IReadOnlyDictionary<string, string> Headers, string HeadersJson);

/// <summary>One Append call, waiting for SaveChangesAsync.</summary>
internal sealed record PendingAppend(string StreamId, long ExpectedVersion, IReadOnlyList<PendingEvent> Events, string? StreamType);

internal sealed class EventSession(EventStore store) : IEventSession
{
    private readonly List<PendingAppend> _pending = [];
    private bool _disposed;

    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public void Append(string streamId, long expectedVersion, params NewEvent[] events) =>
        Append(streamId, expectedVersion, events, streamType: null);

    public void Append(string streamId, long expectedVersion, IEnumerable<NewEvent> events, string? streamType = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentOutOfRangeException.ThrowIfLessThan(expectedVersion, ExpectedVersion.Any);
        ArgumentNullException.ThrowIfNull(events);

        var headers = CaptureHeaders();
        var headersJson = EventStore.SerializeHeaders(headers);
        var pending = new List<PendingEvent>();
        foreach (var e in events)
        {
            ArgumentNullException.ThrowIfNull(e);
            ArgumentNullException.ThrowIfNull(e.Data);

            // Serialized now, so an unregistered type fails at the call that appended it.
            var type = store.Types.AliasOf(e.Data.GetType());
            var json = JsonSerializer.Serialize(e.Data, e.Data.GetType(), store.SerializerOptions);
            pending.Add(new PendingEvent(e.Id, type, e.Data, json, headers, headersJson));
        }

        if (pending.Count > 0)
        {
            _pending.Add(new PendingAppend(streamId, expectedVersion, pending, streamType));
        }
    }

    public Task<IReadOnlyList<StoredEvent>> SaveChangesAsync(CancellationToken ct = default) => SaveAsync(transaction: null, ct);

    public Task<IReadOnlyList<StoredEvent>> SaveChangesAsync(NpgsqlTransaction transaction, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return SaveAsync(transaction, ct);
    }

    public ValueTask DisposeAsync()
    {
        _disposed = true;
        _pending.Clear();
        return ValueTask.CompletedTask;
    }

    private async Task<IReadOnlyList<StoredEvent>> SaveAsync(NpgsqlTransaction? transaction, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_pending.Count == 0)
        {
            return [];
        }

        // The queue is spent either way: after a conflict the caller re-reads and appends again.
        var appends = _pending.ToArray();
        _pending.Clear();
        return await store.AppendAsync(appends, transaction, ct);
    }

    private Dictionary<string, string> CaptureHeaders()
    {
        var headers = new Dictionary<string, string>(Headers, StringComparer.Ordinal);
        EventHeaders.AddTraceContext(headers);
        return headers;
    }
}
