using System.Collections.Concurrent;
using Claims.Testing;
using Npgsql;

namespace Claims.EventStore.Tests;

/// <summary>
/// Notifications leave after the commit, in a transaction of their own: an appending transaction sends none itself
/// (PostgreSQL would hold one database-wide lock through its WAL flush), and signals coalesce.
/// </summary>
public sealed class CommitNotifierTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>
{
    private static readonly TimeSpan s_quiet = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task An_append_in_the_callers_transaction_notifies_nobody_until_the_caller_says_it_committed()
    {
        var store = await db.CreateStoreAsync();
        await using var listener = await Listener.StartAsync(db.DataSource, store.Sql.NotifyChannel);

        await using (var connection = await db.DataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await using var session = store.OpenSession();
            session.Append("note-1", ExpectedVersion.Any, TestEvents.Notes(2));
            await session.SaveChangesAsync(transaction, CancellationToken.None);
            await transaction.CommitAsync();
        }

        await Task.Delay(s_quiet);
        Assert.Equal(0, listener.Received);

        store.NotifyCommitted();
        await Eventually.HoldsAsync(() => listener.Received == 1, "the notification after NotifyCommitted");
    }

    [Fact]
    public async Task An_append_the_store_commits_notifies_after_its_commit()
    {
        var store = await db.CreateStoreAsync();
        await using var listener = await Listener.StartAsync(db.DataSource, store.Sql.NotifyChannel);

        await using (var session = store.OpenSession())
        {
            session.Append("note-2", ExpectedVersion.Any, TestEvents.Notes(1));
            await session.SaveChangesAsync();
        }

        await Eventually.HoldsAsync(() => listener.Received >= 1, "the notification of the append");
    }

    [Fact]
    public async Task Signals_while_a_notification_is_under_way_coalesce_into_one_more()
    {
        var channel = "commit_notifier_" + Guid.NewGuid().ToString("N")[..8];
        await using var listener = await Listener.StartAsync(db.DataSource, channel);
        var notifier = new CommitNotifier(db.DataSource, channel);

        for (var i = 0; i < 200; i++)
        {
            notifier.Signal();
        }

        await Eventually.HoldsAsync(() => notifier.Sent >= 1 && listener.Received == notifier.Sent, "the notifications to arrive");
        await Task.Delay(s_quiet);
        Assert.InRange(notifier.Sent, 1, 20);
        Assert.Equal(notifier.Sent, listener.Received);

        // Idle again: the next signal sends again.
        var before = notifier.Sent;
        notifier.Signal();
        await Eventually.HoldsAsync(() => notifier.Sent == before + 1 && listener.Received == before + 1, "a notification after the pause");
    }

    [Fact]
    public async Task A_notification_names_the_event_types_of_its_commit()
    {
        var channel = "commit_notifier_" + Guid.NewGuid().ToString("N")[..8];
        await using var listener = await Listener.StartAsync(db.DataSource, channel);
        var notifier = new CommitNotifier(db.DataSource, channel);

        notifier.Signal(["claim.b.v1", "claim.a.v1", "claim.b.v1"]);
        await Eventually.HoldsAsync(() => listener.Received == 1, "the notification");
        notifier.Signal();
        await Eventually.HoldsAsync(() => listener.Received == 2, "the notification for everybody");

        Assert.Equal(["claim.a.v1 claim.b.v1", ""], listener.Payloads);
    }

    [Theory]
    [InlineData("", "claim.a.v1", true)]
    [InlineData("claim.a.v1 claim.b.v1", null, true)]
    [InlineData("claim.a.v1 claim.b.v1", "claim.b.v1", true)]
    [InlineData("claim.a.v1 claim.b.v1", "claim.c.v1 claim.a.v", false)]
    [InlineData("claim.a.v1", "CLAIM.A.V1", false)]
    public void A_notification_concerns_listeners_of_one_of_its_types_and_everybody_when_it_names_none(string payload, string? readTypes, bool concerns)
    {
        var types = readTypes?.Split(' ').ToHashSet(StringComparer.Ordinal);

        Assert.Equal(concerns, CommitNotifier.Concerns(payload, types));
        // A set without a span lookup (a sorted set) is asked the same way.
        Assert.Equal(concerns, CommitNotifier.Concerns(payload, types is null ? null : new SortedSet<string>(types, StringComparer.Ordinal)));
    }

    /// <summary>A connection that LISTENs on a channel and counts what arrives.</summary>
    private sealed class Listener : IAsyncDisposable
    {
        private readonly NpgsqlConnection _connection;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _waiting;
        private readonly ConcurrentQueue<string> _payloads = new();
        private int _received;

        private Listener(NpgsqlConnection connection)
        {
            _connection = connection;
            _connection.Notification += (_, notification) =>
            {
                _payloads.Enqueue(notification.Payload);
                Interlocked.Increment(ref _received);
            };
            _waiting = WaitAsync();
        }

        public int Received => Volatile.Read(ref _received);

        public IReadOnlyList<string> Payloads => [.. _payloads];

        public static async Task<Listener> StartAsync(NpgsqlDataSource dataSource, string channel)
        {
            var connection = await dataSource.OpenConnectionAsync();
            await using (var listen = new NpgsqlCommand($"LISTEN \"{channel}\"", connection))
            {
                await listen.ExecuteNonQueryAsync();
            }
            return new Listener(connection);
        }

        private async Task WaitAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                await _connection.WaitAsync(100);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _waiting;
            await _connection.DisposeAsync();
            _stop.Dispose();
        }
    }
}
