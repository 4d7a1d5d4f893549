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

    private static async Task AppendAsync(EventStore store, NewEvent[] events)
    {
        await using var session = store.OpenSession();
        session.Append("claim-1", ExpectedVersion.Any, events);
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
