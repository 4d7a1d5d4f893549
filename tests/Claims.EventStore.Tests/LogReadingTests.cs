using Npgsql;

namespace Claims.EventStore.Tests;

public sealed class LogReadingTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task A_transaction_that_commits_after_later_ones_is_still_read_by_a_reader_already_past_them()
    {
        var store = await db.CreateStoreAsync();
        var events = $"{store.Options.Schema}.events";

        // A draws its sequence number first, as a slow writer does, and begins before B and C.
        long seqOfA;
        await using (var next = db.DataSource.CreateCommand($"SELECT nextval(pg_get_serial_sequence('{events}', 'seq'))"))
        {
            seqOfA = (long)(await next.ExecuteScalarAsync())!;
        }

        await using var connectionOfA = await db.DataSource.OpenConnectionAsync();
        await using var a = await connectionOfA.BeginTransactionAsync();
        // A writes its rows by hand, so it says first that it appends, as the store does for an append of its own.
        await store.PrepareForAppendsAsync(a);
        await using (var begin = new NpgsqlCommand("SELECT pg_current_xact_id_if_assigned()", connectionOfA, a))
        {
            Assert.Null(await begin.ExecuteScalarAsync() as ulong?);
        }

        var b = await AppendAsync(store, "claim-b");
        var c = await AppendAsync(store, "claim-c");
        var reader = await ReadUntilAsync(store, LogPosition.Start, 2);
        Assert.Equal([b.Id, c.Id], reader.Events.Select(e => e.Id));

        // Then A writes and commits, last.
        var idOfA = Guid.NewGuid();
        await using (var insert = new NpgsqlCommand(
            $$"""
            INSERT INTO {{store.Options.Schema}}.streams (id, version, created, updated) VALUES ('claim-a', 1, now(), now());
            INSERT INTO {{events}} (seq, id, stream_id, version, type, data, recorded_at) OVERRIDING SYSTEM VALUE
            VALUES ({{seqOfA}}, '{{idOfA}}', 'claim-a', 1, '{{TestEvents.NotedType}}', '{"author":"a","number":1}', now());
            """,
            connectionOfA,
            a))
        {
            await insert.ExecuteNonQueryAsync();
        }

        Assert.Empty(await store.ReadLogAsync(reader.Position, 100));
        await a.CommitAsync();

        // A reader ordered by sequence number alone would be past A's number now and skip it for good.
        Assert.True(seqOfA < c.Seq);
        var afterA = await ReadUntilAsync(store, reader.Position, 1);
        var readA = Assert.Single(afterA.Events);
        Assert.Equal((idOfA, seqOfA), (readA.Id, readA.Seq));
        Assert.Equal(new Noted("a", 1), readA.Data);
    }

    [Fact]
    public async Task The_reader_never_returns_events_of_an_uncommitted_transaction_and_never_skips_them()
    {
        var store = await db.CreateStoreAsync();
        var before = await AppendAsync(store, "claim-0");
        var start = await ReadUntilAsync(store, LogPosition.Start, 1);

        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using var open = await connection.BeginTransactionAsync();
        IReadOnlyList<StoredEvent> pending;
        await using (var session = store.OpenSession())
        {
            session.Append("claim-a", ExpectedVersion.NoStream, TestEvents.Notes(2, "a"));
            pending = await session.SaveChangesAsync(open, CancellationToken.None);
        }

        var b = await AppendAsync(store, "claim-b");
        var c = await AppendAsync(store, "claim-c");
        var rolledBack = await AppendAndRollBackAsync(store, "claim-d");

        // While A is open nothing after it is readable, not even the committed B and C: reading them now would
        // move a checkpoint past A's events, which sort before them.
        Assert.Empty(await store.ReadLogAsync(start.Position, 100));
        Assert.Empty(await store.ReadLogAsync(start.Position, 100));

        await open.CommitAsync();
        var after = await ReadUntilAsync(store, start.Position, 4);

        Assert.Equal([.. pending.Select(e => e.Id), b.Id, c.Id], after.Events.Select(e => e.Id));
        Assert.DoesNotContain(after.Events, e => rolledBack.Contains(e.Id));
        Assert.Equal(before.Id, Assert.Single(start.Events).Id);
        Assert.Empty(await store.ReadLogAsync(after.Position, 100));
    }

    [Fact]
    public async Task A_transaction_that_never_appends_does_not_hold_readers_back()
    {
        var store = await db.CreateStoreAsync();
        var other = await db.CreateStoreAsync();

        // One writes elsewhere (as a projection's batch does), one is about to append to another schema's log:
        // both have transaction ids older than B's, and under xmin alone either would hold B back until it ended.
        await using var writer = await db.DataSource.OpenConnectionAsync();
        await using var writing = await writer.BeginTransactionAsync();
        await TakeTransactionIdAsync(writing);
        await using var otherAppender = await db.DataSource.OpenConnectionAsync();
        await using var appendingElsewhere = await otherAppender.BeginTransactionAsync();
        await other.PrepareForAppendsAsync(appendingElsewhere);
        await TakeTransactionIdAsync(appendingElsewhere);

        var b = await AppendAsync(store, "claim-b");

        // Read while both are still open (a moment's retry only for transactions of other tests ending meanwhile).
        Assert.Equal([b.Id], (await ReadUntilAsync(store, LogPosition.Start, 1)).Events.Select(e => e.Id));
        await writing.RollbackAsync();
        await appendingElsewhere.RollbackAsync();
    }

    [Fact]
    public async Task A_declared_appender_holds_readers_back_from_before_its_first_append()
    {
        var store = await db.CreateStoreAsync();
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using var appender = await connection.BeginTransactionAsync();
        await store.PrepareForAppendsAsync(appender);
        await TakeTransactionIdAsync(appender);

        var b = await AppendAsync(store, "claim-b");
        Assert.Empty(await store.ReadLogAsync(LogPosition.Start, 100));
        // Declared for any type, it holds back readers of some types too.
        Assert.Empty(await store.ReadLogAsync(LogPosition.Start, 100, new HashSet<string> { TestEvents.NotedType }));

        await using (var session = store.OpenSession())
        {
            session.Append("claim-a", ExpectedVersion.NoStream, TestEvents.Notes(1, "a"));
            var a = Assert.Single(await session.SaveChangesAsync(appender, CancellationToken.None));
            Assert.Empty(await store.ReadLogAsync(LogPosition.Start, 100));
            await appender.CommitAsync();

            // Its event sorts first: its transaction id is older than B's.
            Assert.Equal([a.Id, b.Id], (await ReadUntilAsync(store, LogPosition.Start, 2)).Events.Select(e => e.Id));
        }
    }

    [Fact]
    public async Task An_open_appender_of_other_types_does_not_hold_back_a_reader_of_some_types_but_holds_back_readers_of_its_own()
    {
        var store = await db.CreateStoreAsync();
        var notes = new HashSet<string> { TestEvents.NotedType };
        var remarks = new HashSet<string> { TestEvents.RemarkedType };

        // A long batch that appends remarks only, as reconciliation's appends claim events only, with a transaction id
        // older than the commits that follow.
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using var remarking = await connection.BeginTransactionAsync();
        await store.PrepareForAppendsAsync(remarking, [TestEvents.RemarkedType]);
        await TakeTransactionIdAsync(remarking);
        var note = await AppendAsync(store, "claim-n");
        var remark = await AppendRemarkAsync(store, "claim-r", "later");

        IReadOnlyList<StoredEvent> read = [];
        await Eventually.HoldsAsync(async () => (read = await store.ReadLogAsync(LogPosition.Start, 100, notes)).Count == 1, "the note is readable");
        Assert.Equal(note.Id, read[0].Id);
        Assert.Empty(await store.ReadLogAsync(LogPosition.Start, 100, remarks));
        Assert.Empty(await store.ReadLogAsync(LogPosition.Start, 100));

        // What it appends sorts before the remark it held back, and nobody skipped it.
        var own = Assert.Single(await AppendInAsync(store, remarking, "claim-first", NewEvent.Create(new Remarked("first"))));

        await remarking.CommitAsync();
        await Eventually.HoldsAsync(async () => (read = await store.ReadLogAsync(LogPosition.Start, 100, remarks)).Count == 2, "both remarks are readable");
        Assert.Equal([own.Id, remark.Id], read.Select(e => e.Id));
    }

    [Fact]
    public async Task During_a_rolling_upgrade_an_appender_of_the_previous_release_holds_back_readers_of_every_kind()
    {
        var store = await db.CreateStoreAsync();
        // Services from before typed declarations held one one-key lock for any type before their first write.
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using var oldAppender = await connection.BeginTransactionAsync();
        await using (var declare = new NpgsqlCommand(
            $"SELECT pg_advisory_xact_lock_shared(hashtextextended('{store.Options.Schema}:appenders', 0))", connection, oldAppender))
        {
            await declare.ExecuteScalarAsync();
        }
        await TakeTransactionIdAsync(oldAppender);

        await AppendAsync(store, "claim-after");
        Assert.Empty(await store.ReadLogAsync(LogPosition.Start, 100));
        Assert.Empty(await store.ReadLogAsync(LogPosition.Start, 100, new HashSet<string> { TestEvents.NotedType }));

        await oldAppender.RollbackAsync();
        Assert.Single((await ReadUntilAsync(store, LogPosition.Start, 1)).Events);
    }

    [Fact]
    public async Task During_a_rolling_upgrade_a_declared_appender_is_seen_by_readers_of_the_previous_release()
    {
        var store = await db.CreateStoreAsync();
        var notes = new HashSet<string> { TestEvents.NotedType };
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using var remarking = await connection.BeginTransactionAsync();
        await store.PrepareForAppendsAsync(remarking, [TestEvents.RemarkedType]);

        // Readers from before typed declarations counted the holders of the one-key lock: it is held...
        await using var probe = await db.DataSource.OpenConnectionAsync();
        await using var tryExclusive = new NpgsqlCommand(
            $"SELECT pg_try_advisory_lock(hashtextextended('{store.Options.Schema}:appenders', 0))", probe);
        Assert.False((bool)(await tryExclusive.ExecuteScalarAsync())!);

        // ...while this release's readers still judge the appender by the types it declared.
        await TakeTransactionIdAsync(remarking);
        var note = await AppendAsync(store, "claim-n");
        IReadOnlyList<StoredEvent> read = [];
        await Eventually.HoldsAsync(async () => (read = await store.ReadLogAsync(LogPosition.Start, 100, notes)).Count == 1, "the note is readable");
        Assert.Equal(note.Id, read[0].Id);
        await remarking.RollbackAsync();
    }

    [Fact]
    public async Task Types_declared_again_before_the_first_write_add_up()
    {
        var store = await db.CreateStoreAsync();
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await store.PrepareForAppendsAsync(transaction, [TestEvents.RemarkedType]);
        await store.PrepareForAppendsAsync(transaction, [TestEvents.NotedType]);
        await TakeTransactionIdAsync(transaction);

        // The second declaration holds back the readers of notes too.
        await AppendAsync(store, "claim-later");
        Assert.Empty(await store.ReadLogAsync(LogPosition.Start, 100, new HashSet<string> { TestEvents.NotedType }));
        Assert.Equal(2, (await AppendInAsync(store, transaction, "claim-both", [.. TestEvents.Notes(1), NewEvent.Create(new Remarked("both"))])).Count);

        await transaction.CommitAsync();
        Assert.Equal(2, await store.FetchStreamVersionAsync("claim-both"));
    }

    [Fact]
    public async Task A_transaction_of_the_callers_that_did_not_declare_itself_may_append_several_times_whatever_the_types()
    {
        var store = await db.CreateStoreAsync();
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await AppendInAsync(store, transaction, "claim-n", TestEvents.Notes(1));

        // Its first append declared it an appender of any type, since more may follow: it holds back readers of any type.
        await AppendRemarkAsync(store, "claim-later", "later");
        Assert.Empty(await store.ReadLogAsync(LogPosition.Start, 100, new HashSet<string> { TestEvents.RemarkedType }));
        Assert.Single(await AppendInAsync(store, transaction, "claim-r", NewEvent.Create(new Remarked("then"))));

        await transaction.CommitAsync();
        Assert.Equal((1, 1), (await store.FetchStreamVersionAsync("claim-n"), await store.FetchStreamVersionAsync("claim-r")));
    }

    [Fact]
    public async Task An_append_of_a_type_not_declared_before_the_first_write_is_refused()
    {
        var store = await db.CreateStoreAsync();
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await store.PrepareForAppendsAsync(transaction, [TestEvents.RemarkedType]);
        await TakeTransactionIdAsync(transaction);

        // Readers of notes do not wait for this transaction, so a note from it could sort before one they already read.
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => AppendInAsync(store, transaction, "claim-n", TestEvents.Notes(1)));
        Assert.Contains(nameof(EventStore.PrepareForAppendsAsync), refused.Message);

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.PrepareForAppendsAsync(transaction, [TestEvents.NotedType]));
        Assert.Single(await AppendInAsync(store, transaction, "claim-r", NewEvent.Create(new Remarked("declared"))));

        await transaction.CommitAsync();
        Assert.Equal((0, 1), (await store.FetchStreamVersionAsync("claim-n"), await store.FetchStreamVersionAsync("claim-r")));
    }

    [Fact]
    public async Task An_append_from_a_transaction_that_wrote_without_declaring_itself_is_refused()
    {
        var store = await db.CreateStoreAsync();
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await TakeTransactionIdAsync(transaction);

        await using var session = store.OpenSession();
        session.Append("claim-a", ExpectedVersion.NoStream, TestEvents.Notes(1, "a"));
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => session.SaveChangesAsync(transaction, CancellationToken.None));
        Assert.Contains(nameof(EventStore.PrepareForAppendsAsync), refused.Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.PrepareForAppendsAsync(transaction));
        await transaction.RollbackAsync();

        Assert.Equal(0, await store.FetchStreamVersionAsync("claim-a"));
    }

    [Fact]
    public async Task An_append_whose_transaction_is_older_than_the_streams_last_writer_is_a_conflict_not_a_reordering()
    {
        var store = await db.CreateStoreAsync();
        await AppendAsync(store, "claim-a");

        // The older transaction writes first (and so has the older id), then waits while a newer one appends v2.
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using var older = await connection.BeginTransactionAsync();
        await store.PrepareForAppendsAsync(older);
        await TakeTransactionIdAsync(older);
        var v2 = await AppendAsync(store, "claim-a");

        await using (var session = store.OpenSession())
        {
            // Its v3 would sort before v2 in the log: readers would apply the stream's versions out of order.
            session.Append("claim-a", ExpectedVersion.Any, TestEvents.Notes(1, "late"));
            var conflict = await Assert.ThrowsAsync<ConcurrencyException>(() => session.SaveChangesAsync(older, CancellationToken.None));
            Assert.Equal("claim-a", conflict.StreamId);
        }
        await older.RollbackAsync();

        // Decided again in a new transaction that writes first too, it appends after v2, in log order too.
        await using var again = await connection.BeginTransactionAsync();
        await store.PrepareForAppendsAsync(again);
        await TakeTransactionIdAsync(again);
        StoredEvent v3;
        await using (var session = store.OpenSession())
        {
            session.Append("claim-a", 2, TestEvents.Notes(1, "again"));
            v3 = Assert.Single(await session.SaveChangesAsync(again, CancellationToken.None));
        }
        await again.CommitAsync();
        var log = (await ReadUntilAsync(store, LogPosition.Start, 3)).Events;
        Assert.Equal([1L, 2L, 3L], log.Select(e => e.Version));
        Assert.Equal([v2.Id, v3.Id], log.Skip(1).Select(e => e.Id));
    }

    [Fact]
    public async Task Reading_some_types_returns_only_those()
    {
        var store = await db.CreateStoreAsync();
        await using (var session = store.OpenSession())
        {
            session.Append("claim-1", ExpectedVersion.NoStream,
                NewEvent.Create(new Noted("a", 1)), NewEvent.Create(new Remarked("hi")), NewEvent.Create(new Noted("b", 2)));
            await session.SaveChangesAsync();
        }

        IReadOnlyList<StoredEvent> read = [];
        await Eventually.HoldsAsync(
            async () => (read = await store.ReadLogAsync(LogPosition.Start, 10, new HashSet<string> { TestEvents.RemarkedType })).Count == 1,
            "the remark is readable");

        var remark = Assert.Single(read);
        Assert.Equal(new Remarked("hi"), remark.Data);
        Assert.Equal(2, remark.Version);
    }

    [Fact]
    public async Task Events_of_an_unregistered_type_are_read_without_data()
    {
        var store = await db.CreateStoreAsync();
        await using (var session = store.OpenSession())
        {
            session.Append("claim-1", ExpectedVersion.NoStream, TestEvents.Notes(1));
            await session.SaveChangesAsync();
        }

        var reader = new EventStore(db.DataSource, new EventTypeRegistry(), store.Options);
        var stored = Assert.Single(await reader.FetchStreamAsync("claim-1"));

        Assert.Equal(TestEvents.NotedType, stored.Type);
        Assert.Null(stored.Data);
    }

    private static async Task<StoredEvent> AppendAsync(EventStore store, string streamId)
    {
        await using var session = store.OpenSession();
        session.Append(streamId, ExpectedVersion.Any, TestEvents.Notes(1, streamId));
        return Assert.Single(await session.SaveChangesAsync());
    }

    /// <summary>Appends to a new stream in the caller's <paramref name="transaction"/>.</summary>
    private static async Task<IReadOnlyList<StoredEvent>> AppendInAsync(EventStore store, NpgsqlTransaction transaction, string streamId, params NewEvent[] events)
    {
        await using var session = store.OpenSession();
        session.Append(streamId, ExpectedVersion.NoStream, events);
        return await session.SaveChangesAsync(transaction, CancellationToken.None);
    }

    private static async Task<StoredEvent> AppendRemarkAsync(EventStore store, string streamId, string text)
    {
        await using var session = store.OpenSession();
        session.Append(streamId, ExpectedVersion.Any, NewEvent.Create(new Remarked(text)));
        return Assert.Single(await session.SaveChangesAsync());
    }

        private static async Task TakeTransactionIdAsync(NpgsqlTransaction transaction)
    {
        await using var command = new NpgsqlCommand("SELECT pg_current_xact_id()", transaction.Connection, transaction);
        await command.ExecuteScalarAsync();
    }

    private async Task<HashSet<Guid>> AppendAndRollBackAsync(EventStore store, string streamId)
    {
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var session = store.OpenSession();
        session.Append(streamId, ExpectedVersion.Any, TestEvents.Notes(3, streamId));
        var appended = await session.SaveChangesAsync(transaction, CancellationToken.None);
        await transaction.RollbackAsync();
        return [.. appended.Select(e => e.Id)];
    }

    /// <summary>Reads until <paramref name="count"/> events are readable: other tests' open transactions can hold readers back for a moment.</summary>
    private static async Task<(IReadOnlyList<StoredEvent> Events, LogPosition Position)> ReadUntilAsync(EventStore store, LogPosition after, int count)
    {
        IReadOnlyList<StoredEvent> read = [];
        await Eventually.HoldsAsync(async () => (read = await store.ReadLogAsync(after, 100)).Count >= count, $"{count} events are readable");
        Assert.Equal(count, read.Count);
        return (read, read[^1].Position);
    }
}
