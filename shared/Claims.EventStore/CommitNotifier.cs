using Npgsql;

namespace Claims.EventStore;

/// <summary>
/// Sends <c>NOTIFY</c> on a channel after a commit, in a transaction of its own, instead of inside the transaction that
/// wrote. PostgreSQL serialises every committing transaction that has sent a notification on one database-wide lock,
/// held through the commit's WAL flush: notifying inside the writing transactions made all of them flush one after
/// another (the benchmark's most contended lock, its holder waiting for the disk). Here the notification commits with
/// <c>synchronous_commit</c> off, so the lock is held for microseconds, and writers commit in groups again.
/// </summary>
/// <remarks>
/// A notification is only a hint to pollers (they poll anyway), so one lost to a failure costs latency, never an
/// event. Signals coalesce: while one notification is being sent, any number of further signals send one more.
/// A signal may name the event types its commit holds; the notification's payload is then their aliases, separated by
/// spaces (<see cref="Concerns"/>), so a listener that reads other types can sleep on. An empty payload concerns
/// everybody: a signal that names no types, or more than fit in a payload.
/// </remarks>
public sealed class CommitNotifier(NpgsqlDataSource dataSource, string channel)
{
    /// <summary>Below PostgreSQL's payload limit (8,000 bytes), with room for multi-byte characters.</summary>
    private const int MaxPayloadLength = 2000;

    private readonly Lock _gate = new();
    private readonly SortedSet<string> _pendingTypes = new(StringComparer.Ordinal);
    private bool _pendingForEverybody;
    private bool _sending;
    private long _sent;

    /// <summary>Notifications sent so far (not signals: those coalesce).</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>The channel listeners <c>LISTEN</c> on.</summary>
    public string Channel { get; } = channel;

    /// <summary>Asks for a notification that concerns every listener soon; returns at once. Call it after the commit that listeners should see.</summary>
    public void Signal() => Signal(eventTypes: null);

    /// <summary>
    /// Asks for a notification soon, for listeners of <paramref name="eventTypes"/> (the aliases of the event types the
    /// commit holds); returns at once. Call it after the commit that listeners should see.
    /// </summary>
    public void Signal(IEnumerable<string>? eventTypes)
    {
        lock (_gate)
        {
            if (eventTypes is null)
            {
                _pendingForEverybody = true;
            }
            else if (!_pendingForEverybody)
            {
                _pendingTypes.UnionWith(eventTypes);
            }

            // A commit that names no types at all (nothing appended) notifies nobody.
            if (_sending || !IsPending)
            {
                return;
            }

            _sending = true;
        }

        _ = Task.Run(SendAsync);
    }

    /// <summary>
    /// Whether a notification's <paramref name="payload"/> concerns a listener that reads <paramref name="eventTypes"/>
    /// (<see langword="null"/>: every type). Allocates nothing for a <see cref="HashSet{T}"/> of strings (what runners
    /// pass): they ask it of every notification.
    /// </summary>
    public static bool Concerns(string payload, IReadOnlySet<string>? eventTypes)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (payload.Length == 0 || eventTypes is null)
        {
            return true;
        }

        var hasSpanLookup = eventTypes is HashSet<string> set && set.TryGetAlternateLookup<ReadOnlySpan<char>>(out var spanLookup);
        foreach (var range in payload.AsSpan().Split(' '))
        {
            var alias = payload.AsSpan(range);
            if (alias.Length > 0 && (hasSpanLookup ? spanLookup.Contains(alias) : eventTypes.Contains(alias.ToString())))
            {
                return true;
            }
        }

        return false;
    }

    private bool IsPending => _pendingForEverybody || _pendingTypes.Count > 0;

    private async Task SendAsync()
    {
        while (true)
        {
            string payload;
            lock (_gate)
            {
                if (!IsPending)
                {
                    _sending = false;
                    return;
                }

                payload = _pendingForEverybody ? "" : string.Join(' ', _pendingTypes);
                payload = payload.Length > MaxPayloadLength ? "" : payload;
                _pendingForEverybody = false;
                _pendingTypes.Clear();
            }

            try
            {
                await using var connection = await dataSource.OpenConnectionAsync();
                await using var batch = new NpgsqlBatch(connection)
                {
                    BatchCommands =
                    {
                        new NpgsqlBatchCommand("BEGIN"),
                        // The transaction has nothing to make durable; PostgreSQL gives it an id for the notification.
                        new NpgsqlBatchCommand("SET LOCAL synchronous_commit TO off"),
                        new NpgsqlBatchCommand("SELECT pg_notify(@channel, @payload)")
                        {
                            Parameters = { new NpgsqlParameter<string>("channel", Channel), new NpgsqlParameter<string>("payload", payload) },
                        },
                        new NpgsqlBatchCommand("COMMIT"),
                    },
                };
                await batch.ExecuteNonQueryAsync();
                Interlocked.Increment(ref _sent);
            }
            catch (Exception error) when (error is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                // Only a hint: pollers find the events at their next poll.
            }
        }
    }
}
