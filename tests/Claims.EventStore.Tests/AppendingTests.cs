using System.Diagnostics;
using Npgsql;

namespace Claims.EventStore.Tests;

public sealed class AppendingTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task Many_concurrent_appenders_to_one_stream_get_contiguous_versions_and_lose_nothing()
    {
        const int writers = 16;
        const int appendsEach = 25;
        var store = await db.CreateStoreAsync();
        var conflicts = 0;

        await Task.WhenAll(Enumerable.Range(0, writers).Select(writer => Task.Run(async () =>
        {
            for (var n = 1; n <= appendsEach; n++)
            {
                while (true)
                {
                    var version = await store.FetchStreamVersionAsync("claim-1");
                    await using var session = store.OpenSession();
                    session.Append("claim-1", version, NewEvent.Create(new Noted($"writer-{writer}", n)));
                    try
                    {
                        await session.SaveChangesAsync();
                        break;
                    }
                    catch (ConcurrencyException)
                    {
                        Interlocked.Increment(ref conflicts);
                    }
                }
            }
        })));

        var events = await store.FetchStreamAsync("claim-1");
        Assert.Equal(Enumerable.Range(1, writers * appendsEach).Select(v => (long)v), events.Select(e => e.Version));
        var written = events.Select(e => (Noted)e.Data!).ToList();
        Assert.Equal(writers * appendsEach, written.Distinct().Count());
        Assert.All(Enumerable.Range(0, writers), writer =>
            Assert.Equal(Enumerable.Range(1, appendsEach), written.Where(w => w.Author == $"writer-{writer}").Select(w => w.Number)));
        Assert.Equal(writers * appendsEach, await store.FetchStreamVersionAsync("claim-1"));
        Assert.True(conflicts > 0, "The writers never collided, so the test proved nothing about conflicts.");

        // The stream locks make the log order agree with the version order.
        IReadOnlyList<StoredEvent> log = [];
        await Eventually.HoldsAsync(async () => (log = await store.ReadLogAsync(LogPosition.Start, 10_000)).Count == events.Count, "the log shows every event");
        Assert.Equal(events.Select(e => e.Version), log.Select(e => e.Version));
    }

    [Fact]
    public async Task A_wrong_expected_version_is_a_concurrency_exception()
    {
        var store = await db.CreateStoreAsync();
        await using var session = store.OpenSession();
        session.Append("claim-1", ExpectedVersion.NoStream, TestEvents.Notes(2));
        await session.SaveChangesAsync();

        session.Append("claim-1", 1, TestEvents.Notes(1, first: 3));
        var stale = await Assert.ThrowsAsync<ConcurrencyException>(() => session.SaveChangesAsync());
        Assert.Equal(("claim-1", 1L, 2L), (stale.StreamId, stale.ExpectedVersion, stale.ActualVersion));

        session.Append("claim-1", 7, TestEvents.Notes(1, first: 3));
        await Assert.ThrowsAsync<ConcurrencyException>(() => session.SaveChangesAsync());

        session.Append("claim-1", 2, TestEvents.Notes(1, first: 3));
        var stored = await session.SaveChangesAsync();
        Assert.Equal(3, Assert.Single(stored).Version);

        session.Append("claim-1", ExpectedVersion.Any, TestEvents.Notes(1, first: 4));
        Assert.Equal(4, Assert.Single(await session.SaveChangesAsync()).Version);
    }

    [Fact]
    public async Task Appending_with_no_stream_to_an_existing_stream_is_a_concurrency_exception()
    {
        var store = await db.CreateStoreAsync();
        await using var session = store.OpenSession();
        session.Append("claim-1", ExpectedVersion.NoStream, TestEvents.Notes(1));
        await session.SaveChangesAsync();

        session.Append("claim-1", ExpectedVersion.NoStream, TestEvents.Notes(1, first: 2));
        var conflict = await Assert.ThrowsAsync<ConcurrencyException>(() => session.SaveChangesAsync());

        Assert.Equal((0L, 1L), (conflict.ExpectedVersion, conflict.ActualVersion));
        Assert.Single(await store.FetchStreamAsync("claim-1"));
    }

    [Fact]
    public async Task A_failed_unit_of_work_stores_none_of_its_appends()
    {
        var store = await db.CreateStoreAsync();
        await using var session = store.OpenSession();
        session.Append("claim-1", ExpectedVersion.NoStream, TestEvents.Notes(1));
        await session.SaveChangesAsync();

        session.Append("claim-2", ExpectedVersion.NoStream, TestEvents.Notes(1));
        session.Append("claim-1", ExpectedVersion.NoStream, TestEvents.Notes(1));
        await Assert.ThrowsAsync<ConcurrencyException>(() => session.SaveChangesAsync());

        Assert.Equal(0, await store.FetchStreamVersionAsync("claim-2"));
    }

    [Fact]
    public async Task A_version_taken_by_a_writer_that_skipped_the_stream_lock_is_a_concurrency_exception()
    {
        var store = await db.CreateStoreAsync();
        await using var session = store.OpenSession();
        session.Append("claim-1", ExpectedVersion.NoStream, TestEvents.Notes(1));
        await session.SaveChangesAsync();
        await using (var rogue = db.DataSource.CreateCommand(
            $"INSERT INTO {store.Options.Schema}.events (id, stream_id, version, type, data, recorded_at) VALUES (gen_random_uuid(), 'claim-1', 2, '{TestEvents.NotedType}', '{{}}', now())"))
        {
            await rogue.ExecuteNonQueryAsync();
        }

        session.Append("claim-1", 1, TestEvents.Notes(1, first: 2));
        var conflict = await Assert.ThrowsAsync<ConcurrencyException>(() => session.SaveChangesAsync());

        Assert.Equal("claim-1", conflict.StreamId);
        Assert.IsType<PostgresException>(conflict.InnerException);
    }

    [Fact]
    public async Task Re_appending_an_event_with_the_same_id_is_a_no_op()
    {
        var store = await db.CreateStoreAsync();
        var first = NewEvent.Create(new Noted("a", 1));
        var second = NewEvent.Create(new Noted("a", 2));
        await using (var session = store.OpenSession())
        {
            session.Append("claim-1", ExpectedVersion.NoStream, first);
            Assert.Single(await session.SaveChangesAsync());
        }

        // A redelivered message replays the same append, with the version it read back then.
        await using (var session = store.OpenSession())
        {
            session.Append("claim-1", ExpectedVersion.NoStream, first);
            Assert.Empty(await session.SaveChangesAsync());
        }

        // Only the new event of a partly stored append is written, and its version check applies.
        await using (var session = store.OpenSession())
        {
            session.Append("claim-1", 1, first, second, second);
            var stored = Assert.Single(await session.SaveChangesAsync());
            Assert.Equal((second.Id, 2L), (stored.Id, stored.Version));
        }

        Assert.Equal([first.Id, second.Id], (await store.FetchStreamAsync("claim-1")).Select(e => e.Id));
    }

    [Fact]
    public async Task An_identical_append_racing_in_another_transaction_ends_as_a_no_op()
    {
        var store = await db.CreateStoreAsync();
        var shared = NewEvent.Create(new Noted("a", 1));
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using var first = await connection.BeginTransactionAsync();
        await using (var session = store.OpenSession())
        {
            session.Append("claim-1", ExpectedVersion.NoStream, shared);
            await session.SaveChangesAsync(first, CancellationToken.None);
        }

        // Another stream, so no stream lock serializes the two: the second insert waits on the unique id index.
        await using var racing = store.OpenSession();
        racing.Append("claim-2", ExpectedVersion.NoStream, shared);
        var second = racing.SaveChangesAsync();
        await Eventually.HoldsAsync(async () => await CountWaitingForLocksAsync() > 0, "the racing append waits for the first");

        await first.CommitAsync();

        Assert.Empty(await second);
        Assert.Equal(0, await store.FetchStreamVersionAsync("claim-2"));
        Assert.Equal(shared.Id, Assert.Single(await store.FetchStreamAsync("claim-1")).Id);
    }

    [Fact]
    public async Task Appended_events_carry_the_session_headers_and_the_current_trace()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "test",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using var source = new ActivitySource("test");
        var store = await db.CreateStoreAsync();

        using (var activity = source.StartActivity("handle command"))
        {
            Assert.NotNull(activity);
            activity.TraceStateString = "vendor=1";
            await using var session = store.OpenSession();
            session.Headers["correlation-id"] = "c-1";
            session.Append("claim-1", ExpectedVersion.NoStream, TestEvents.Notes(1));
            await session.SaveChangesAsync();

            var stored = Assert.Single(await store.FetchStreamAsync("claim-1"));
            Assert.Equal("c-1", stored.Headers["correlation-id"]);
            Assert.Equal(activity.Context.TraceId, stored.ParentContext?.TraceId);
            Assert.Equal(activity.Context.SpanId, stored.ParentContext?.SpanId);
            Assert.Equal("vendor=1", stored.ParentContext?.TraceState);
        }
    }

    [Fact]
    public async Task Appending_an_unregistered_event_type_fails_at_the_append()
    {
        var store = await db.CreateStoreAsync();
        await using var session = store.OpenSession();

        var error = Assert.Throws<ArgumentException>(() => session.Append("claim-1", ExpectedVersion.NoStream, NewEvent.Create(new { Unregistered = true })));

        Assert.Contains("not registered", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Creating_the_schema_from_several_processes_at_once_is_safe()
    {
        var store = new EventStore(db.DataSource, TestEvents.Registry(), new EventStoreOptions { Schema = $"s_{Guid.NewGuid():N}"[..20] });

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => store.EnsureSchemaAsync())));
        await store.EnsureSchemaAsync();

        await using var session = store.OpenSession();
        session.Append("claim-1", ExpectedVersion.NoStream, TestEvents.Notes(1));
        Assert.Single(await session.SaveChangesAsync());
    }

    private async Task<long> CountWaitingForLocksAsync()
    {
        await using var command = db.DataSource.CreateCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
