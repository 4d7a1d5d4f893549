namespace Claims.EventStore.Tests;

public sealed class AggregationTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>
{
    private static readonly DateTimeOffset _monday = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_stream_folds_to_its_state_as_of_a_version()
    {
        var store = await db.CreateStoreAsync();
        await AppendAsync(store, TestEvents.Notes(4));

        var now = await store.AggregateStreamAsync("claim-1", Total.Empty, Total.Evolve);
        var then = await store.AggregateStreamAsync("claim-1", Total.Empty, Total.Evolve, toVersion: 2);

        Assert.Equal((new Total(10, 4), 4L), now);
        Assert.Equal((new Total(3, 2), 2L), then);
    }

    [Fact]
    public async Task A_stream_folds_to_what_we_believed_at_a_time()
    {
        var clock = new ManualClock(_monday);
        var store = await db.CreateStoreAsync(clock);
        await AppendAsync(store, TestEvents.Notes(2));
        clock.Advance(TimeSpan.FromDays(1));
        await AppendAsync(store, TestEvents.Notes(1, first: 3));
        clock.Advance(TimeSpan.FromDays(1));
        await AppendAsync(store, TestEvents.Notes(1, first: 4));

        var mondayEvening = await store.AggregateStreamAsync("claim-1", Total.Empty, Total.Evolve, recordedBefore: _monday.AddHours(12));
        var tuesdayEvening = await store.AggregateStreamAsync("claim-1", Total.Empty, Total.Evolve, recordedBefore: _monday.AddDays(1).AddHours(12));
        var beforeAnything = await store.AggregateStreamAsync("claim-1", Total.Empty, Total.Evolve, recordedBefore: _monday);

        Assert.Equal((new Total(3, 2), 2L), mondayEvening);
        Assert.Equal((new Total(6, 3), 3L), tuesdayEvening);
        Assert.Equal((Total.Empty, 0L), beforeAnything);
        Assert.Equal(_monday.AddDays(2), (await store.FetchStreamAsync("claim-1"))[^1].RecordedAt);
    }

    [Fact]
    public async Task A_state_folded_up_to_a_version_catches_up_with_only_the_later_events()
    {
        var store = await db.CreateStoreAsync();
        await AppendAsync(store, TestEvents.Notes(2));
        var cached = await store.AggregateStreamAsync("claim-1", Total.Empty, Total.Evolve);
        await AppendAsync(store, TestEvents.Notes(2, first: 3));

        var caughtUp = await store.AggregateStreamAsync("claim-1", cached.State, cached.Version, Total.Evolve);
        var unchanged = await store.AggregateStreamAsync("claim-1", caughtUp.State, caughtUp.Version, Total.Evolve);

        Assert.Equal((new Total(10, 4), 4L), caughtUp);
        Assert.Equal(caughtUp, unchanged);
        Assert.Equal([3L, 4L], (await store.FetchStreamAsync("claim-1", fromVersion: 3)).Select(e => e.Version));
    }

    [Fact]
    public async Task A_missing_stream_folds_to_the_initial_state_at_version_zero()
    {
        var store = await db.CreateStoreAsync();

        Assert.Equal((Total.Empty, 0L), await store.AggregateStreamAsync("nobody", Total.Empty, Total.Evolve));
        Assert.Equal(0, await store.FetchStreamVersionAsync("nobody"));
    }

    [Fact]
    public async Task Many_streams_catch_up_in_one_read_each_from_its_own_version()
    {
        var store = await db.CreateStoreAsync();
        await AppendAsync(store, TestEvents.Notes(3));
        await AppendAsync(store, TestEvents.Notes(2, first: 10), "claim-2");
        var cachedOne = await store.AggregateStreamAsync("claim-1", Total.Empty, Total.Evolve, toVersion: 1);

        var caughtUp = await store.AggregateStreamsAsync(
            new Dictionary<string, (Total, long)> { ["claim-1"] = cachedOne, ["claim-2"] = (Total.Empty, 0L), ["nobody"] = (Total.Empty, 0L) },
            Total.Evolve);

        Assert.Equal((new Total(6, 3), 3L), caughtUp["claim-1"]);
        Assert.Equal((new Total(21, 2), 2L), caughtUp["claim-2"]);
        Assert.Equal((Total.Empty, 0L), caughtUp["nobody"]);
        Assert.Equal(await store.AggregateStreamAsync("claim-2", Total.Empty, Total.Evolve), caughtUp["claim-2"]);
    }

    [Fact]
    public async Task Many_streams_read_in_a_transaction_see_its_own_uncommitted_appends()
    {
        var store = await db.CreateStoreAsync();
        await using var connection = await store.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var session = store.OpenSession())
        {
            session.Append("claim-1", ExpectedVersion.NoStream, TestEvents.Notes(2));
            session.Append("claim-2", ExpectedVersion.NoStream, TestEvents.Notes(1, first: 5));
            await session.SaveChangesAsync(transaction, CancellationToken.None);
        }

        var inside = await store.AggregateStreamsAsync(
            new Dictionary<string, (Total, long)> { ["claim-1"] = (Total.Empty, 0L), ["claim-2"] = (Total.Empty, 0L) }, Total.Evolve, transaction);
        var outside = await store.AggregateStreamsAsync(new Dictionary<string, (Total, long)> { ["claim-1"] = (Total.Empty, 0L) }, Total.Evolve);

        Assert.Equal((new Total(3, 2), 2L), inside["claim-1"]);
        Assert.Equal((new Total(5, 1), 1L), inside["claim-2"]);
        Assert.Equal((Total.Empty, 0L), outside["claim-1"]);
    }

    [Fact]
    public async Task A_snapshot_stays_until_a_newer_one_of_its_kind_and_never_runs_ahead_of_its_stream()
    {
        var store = await db.CreateStoreAsync();
        await AppendAsync(store, TestEvents.Notes(4));
        await AppendAsync(store, TestEvents.Notes(1, first: 10), "claim-2");

        await StoreSnapshotAsync(store, "total-1", new StreamSnapshot<Total>("claim-1", 2, new Total(3, 2)));
        await StoreSnapshotAsync(store, "total-1", new StreamSnapshot<Total>("claim-1", 1, new Total(1, 1)));
        await StoreSnapshotAsync(store, "total-2", new StreamSnapshot<Total>("claim-1", 4, new Total(100, 4)));
        await StoreSnapshotAsync(store, "total-1", new StreamSnapshot<Total>("claim-2", 2, new Total(21, 2)));
        var kept = await store.FetchSnapshotsAsync<Total>("total-1", ["claim-1", "claim-2", "nobody"]);
        await StoreSnapshotAsync(store, "total-1", new StreamSnapshot<Total>("claim-1", 4, new Total(10, 4)));
        var replaced = await store.FetchSnapshotsAsync<Total>("total-1", ["claim-1"]);

        // The older one did not replace it, another kind is apart, and claim-2 has one event, not two.
        Assert.Equal(new StreamSnapshot<Total>("claim-1", 2, new Total(3, 2)), Assert.Single(kept).Value);
        Assert.Equal(new StreamSnapshot<Total>("claim-1", 4, new Total(10, 4)), replaced["claim-1"]);
        Assert.Equal(new Total(100, 4), (await store.FetchSnapshotsAsync<Total>("total-2", ["claim-1"]))["claim-1"].State);
    }

    [Fact]
    public async Task A_snapshot_commits_with_its_transaction_or_not_at_all_and_an_unreadable_one_is_passed_over()
    {
        var store = await db.CreateStoreAsync();
        await AppendAsync(store, TestEvents.Notes(2));
        await AppendAsync(store, TestEvents.Notes(2), "claim-2");
        await using (var connection = await store.DataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await store.StoreSnapshotsAsync("total-1", [new StreamSnapshot<Total>("claim-1", 2, new Total(3, 2))], transaction, CancellationToken.None);
            await transaction.RollbackAsync();
        }
        await StoreSnapshotAsync(store, "total-1", new StreamSnapshot<Total>("claim-2", 2, new Total(3, 2)));
        await using (var corrupt = store.DataSource.CreateCommand($"UPDATE \"{store.Options.Schema}\".snapshots SET data = '\\x7b7b'::bytea"))
        {
            Assert.Equal(1, await corrupt.ExecuteNonQueryAsync());
        }

        Assert.Empty(await store.FetchSnapshotsAsync<Total>("total-1", ["claim-1", "claim-2"]));
    }

    private static async Task StoreSnapshotAsync<T>(EventStore store, string kind, StreamSnapshot<T> snapshot)
    {
        await using var connection = await store.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await store.StoreSnapshotsAsync(kind, [snapshot], transaction, CancellationToken.None);
        await transaction.CommitAsync();
    }

    private static async Task AppendAsync(EventStore store, NewEvent[] events, string streamId = "claim-1")
    {
        await using var session = store.OpenSession();
        session.Append(streamId, ExpectedVersion.Any, events);
        await session.SaveChangesAsync();
    }

    private sealed record Total(int Sum, int Count)
    {
        public static readonly Total Empty = new(0, 0);

        public static Total Evolve(Total state, object e) => e switch
        {
            Noted noted => state with { Sum = state.Sum + noted.Number, Count = state.Count + 1 },
            _ => state,
        };
    }
}
