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
/// </remarks>
public sealed class CommitNotifier(NpgsqlDataSource dataSource, string channel)
{
    private const int Idle = 0;
    private const int Sending = 1;
    private const int SendingAndAgain = 2;

    private int _state;
    private long _sent;

    /// <summary>Notifications sent so far (not signals: those coalesce).</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>The channel listeners <c>LISTEN</c> on.</summary>
    public string Channel { get; } = channel;

    /// <summary>Asks for a notification soon; returns at once. Call it after the commit that listeners should see.</summary>
    public void Signal()
    {
        while (true)
        {
            var state = Volatile.Read(ref _state);
            if (state == SendingAndAgain)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _state, state + 1, state) == state)
            {
                if (state == Idle)
                {
                    _ = Task.Run(SendAsync);
                }

                return;
            }
        }
    }

    private async Task SendAsync()
    {
        do
        {
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
                        new NpgsqlBatchCommand("SELECT pg_notify(@channel, '')") { Parameters = { new NpgsqlParameter<string>("channel", Channel) } },
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
        while (Interlocked.Decrement(ref _state) != Idle);
    }
}
