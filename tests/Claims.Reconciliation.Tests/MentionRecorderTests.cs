using Claims.Contracts;
using Claims.Contracts.Events;
using Claims.EventStore;
using Claims.Reconciliation.Consensus;
using Claims.Reconciliation.Origins;
using Claims.Reconciliation.Reliability;
using Claims.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Claims.Reconciliation.Tests;

/// <summary>The group commit's unit of work on real PostgreSQL: one batch of mentions, one transaction, every consequence in it.</summary>
public sealed class MentionRecorderTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string> s_noHeaders = [];
    private readonly PostgresDatabase _database = new();
    private EventStore.EventStore _store = null!;
    private MentionRecorder _recorder = null!;
    private ClaimDecisions _decisions = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        await using (var command = _database.DataSource.CreateCommand(ArticleFigureStore.Schema + ReliabilityStore.Schema))
        {
            await command.ExecuteNonQueryAsync();
        }
        _store = new EventStore.EventStore(_database.DataSource, new EventTypeRegistry().Register(EventCatalog.ClaimStream).Register(EventCatalog.SourceStream));
        await _store.EnsureSchemaAsync();
        // A small cache, so that claims are evicted and folded from their streams again within a test.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new(ClaimDecisions.MaxCachedMentionsKey, "4")]).Build();
        _decisions = new ClaimDecisions(_store, new ReliabilityStore(_database.DataSource), configuration, TimeProvider.System);
        _recorder = new MentionRecorder(_decisions, new ArticleFigureStore(_database.DataSource), NullLogger<MentionRecorder>.Instance);
    }

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task An_original_recorded_later_regroups_its_reprint_in_claims_the_batch_does_not_mention()
    {
        // The reprint b arrives first; its three figures happen to be read into other claims than the original's
        // (as a translation's can be). When the earlier original o arrives, b becomes part of o's origin, and the
        // claims only b speaks to are regrouped in the very transaction that recorded o.
        await RecordAsync([.. new[] { 1m, 2m, 3m }.Select(v => Mentions.InClaim(Mentions.Of("b", v * 1_000_000m, day: 1), $"reprint-{v}"))]);
        Assert.Equal("b", await OriginInClaimAsync("reprint-1", "b"));

        await RecordAsync([.. new[] { 1m, 2m, 3m }.Select(v => Mentions.InClaim(Mentions.Of("o", v * 1_000_000m, day: 0), $"original-{v}"))]);

        Assert.Equal(["o", "o", "o"], [await OriginInClaimAsync("reprint-1", "b"), await OriginInClaimAsync("reprint-2", "b"), await OriginInClaimAsync("reprint-3", "b")]);
        var regrouped = await _store.FetchStreamAsync(StreamIds.Claim("reprint-1"));
        Assert.Contains(regrouped, e => e.Data is MentionRegrouped { Origin: "o", PreviousOrigin: "b" });
    }

    [Fact]
    public async Task Two_mentions_of_a_claim_in_one_batch_record_one_consensus_change_and_a_redelivered_batch_records_nothing()
    {
        List<ClaimExtracted> batch = [Mentions.Of("p", 470_000_000m, day: 3), Mentions.Over("q", 533_000_000m, day: 4)];
        await RecordAsync(batch);
        var recorded = await _store.FetchStreamAsync(StreamIds.Claim(Mentions.ClaimId));

        await RecordAsync([.. batch, batch[0]]);

        Assert.Equal(2, recorded.Count(e => e.Data is MentionRecorded));
        var changed = Assert.Single(recorded, e => e.Data is ConsensusChanged);
        Assert.Equal(ClaimStatuses.Conflicted, ((ConsensusChanged)changed.Data!).Status);
        Assert.Equal(recorded.Select(e => e.Id), (await _store.FetchStreamAsync(StreamIds.Claim(Mentions.ClaimId))).Select(e => e.Id));
    }

    [Fact]
    public async Task The_claim_cache_holds_no_more_mentions_than_configured_and_an_evicted_claim_is_decided_from_its_stream()
    {
        // A batch caches each claim it decides as its decision left it.
        await RecordAsync([.. new[] { 1, 2, 3 }.Select(i => Mentions.InClaim(Mentions.Of($"a{i}", 470_000_000m), "a"))]);
        Assert.Equal(3, _decisions.CachedMentions);

        // b's two make five of at most four: a, used longer ago, leaves.
        await RecordAsync([.. new[] { 1, 2 }.Select(i => Mentions.InClaim(Mentions.Of($"b{i}", 470_000_000m), "b"))]);
        Assert.Equal(2, _decisions.CachedMentions);

        // a was evicted: it is folded from its stream again (b leaves in turn), and decided with every mention.
        await RecordAsync([Mentions.InClaim(Mentions.Of("a4", 470_000_000m), "a")]);
        Assert.Equal(4, _decisions.CachedMentions);
        var (state, version) = await _decisions.FoldAsync("a", CancellationToken.None);
        Assert.Equal(4, state.Mentions.Count);
        Assert.Equal(470_000_000m, state.Consensus!.Value);
        Assert.Equal(version, (await _store.FetchStreamAsync(StreamIds.Claim("a"))).Count);
    }

    [Fact]
    public async Task A_cached_claim_decided_again_counts_only_its_new_mentions_against_the_bound_and_evicts_nobody()
    {
        await RecordAsync([Mentions.InClaim(Mentions.Of("x1", 470_000_000m), "x")]);
        await RecordAsync([.. new[] { 1, 2 }.Select(i => Mentions.InClaim(Mentions.Of($"y{i}", 470_000_000m), "y"))]);
        Assert.Equal(3, _decisions.CachedMentions);

        // y, cached with two, is decided to three: four of at most four, x stays. (Counting y's mentions again as if
        // new had made six and emptied the cache.)
        await RecordAsync([Mentions.InClaim(Mentions.Of("y3", 470_000_000m), "y")]);

        Assert.Equal(4, _decisions.CachedMentions);
    }

    [Fact]
    public async Task A_claim_decided_again_in_the_background_is_not_counted_as_used_and_leaves_the_cache_first()
    {
        await RecordAsync([.. new[] { 1, 2 }.Select(i => Mentions.InClaim(Mentions.Of($"r{i}", 470_000_000m), "r"))]);
        await RecordAsync([Mentions.InClaim(Mentions.Of("s1", 470_000_000m), "s")]);
        // Rescoring decides r again, after s was last used.
        await _decisions.DecideInChunksAsync([new ClaimCommands("r", [new Reevaluate(ChangeReasons.Reliability)])], chunk: 50, CancellationToken.None);
        Assert.Equal(3, _decisions.CachedMentions);

        // t's two make five of at most four: r, last used by a recording before s, leaves; s stays. (Had the rescoring
        // counted as a use, s would have left, and r after it.)
        await RecordAsync([.. new[] { 1, 2 }.Select(i => Mentions.InClaim(Mentions.Of($"t{i}", 470_000_000m), "t"))]);

        Assert.Equal(3, _decisions.CachedMentions);
    }

    [Fact]
    public async Task A_decided_claim_is_not_read_back_from_its_stream_but_what_another_writer_appends_is()
    {
        await RecordAsync([Mentions.InClaim(Mentions.Of("d1", 470_000_000m), "d")]);
        // Alter the recorded figure where it is stored: a fold that read the decision back would now see 1.
        await using (var alter = _database.DataSource.CreateCommand(
            "UPDATE events.events SET data = jsonb_set(data, '{mention,value}', '1') WHERE stream_id = $1 AND type = 'claim.mention-recorded.v1'"))
        {
            alter.Parameters.AddWithValue(StreamIds.Claim("d"));
            Assert.Equal(1, await alter.ExecuteNonQueryAsync());
        }

        var (cached, version) = await _decisions.FoldAsync("d", CancellationToken.None);
        Assert.Equal(470_000_000m, Assert.Single(cached.Mentions.Values).Value);
        Assert.Equal(version, (await _store.FetchStreamAsync(StreamIds.Claim("d"))).Count);

        // Another writer's events (another instance, say) are read as ever.
        await using (var session = _store.OpenSession())
        {
            var retracted = new MentionRetracted { ClaimId = "d", MentionId = cached.Mentions.Keys.Single(), ArticleId = "d1", ByRevision = 2 };
            session.Append(StreamIds.Claim("d"), version, [new NewEvent(Guid.NewGuid(), retracted)], streamType: "claim");
            await session.SaveChangesAsync();
        }
        var (caughtUp, next) = await _decisions.FoldAsync("d", CancellationToken.None);
        Assert.True(Assert.Single(caughtUp.Mentions.Values).Retracted);
        Assert.Equal(version + 1, next);
    }

    [Fact]
    public async Task A_claim_shed_from_the_cache_leaves_its_snapshot_and_is_folded_from_it_and_only_the_events_after_it()
    {
        // One mention a batch from five outlets that restate and disagree, so the stream holds supersessions and
        // consensus changes too.
        for (var i = 0; i < 20; i++)
        {
            await RecordAsync([Mentions.InClaim(Mentions.Of($"big{i}", (470 + i % 3) * 1_000_000m, source: $"wire-{i % 5}", day: i), "big")]);
        }
        Assert.Empty(await _store.FetchSnapshotsAsync<ClaimSnapshot>(ClaimSnapshot.Kind, [StreamIds.Claim("big")]));

        // Another claim's batch sheds big from the cache (at most four mentions), and its state is stored as it left.
        await RecordAsync([Mentions.InClaim(Mentions.Of("other1", 470_000_000m), "other")]);
        await _decisions.StoredEvictedAsync();
        var events = await _store.FetchStreamAsync(StreamIds.Claim("big"));
        var snapshot = Assert.Single(await _store.FetchSnapshotsAsync<ClaimSnapshot>(ClaimSnapshot.Kind, [StreamIds.Claim("big")])).Value;
        Assert.Equal(events[^1].Version, snapshot.Version);
        Assert.Equal(Describe(Fold("big", events)), Describe(snapshot.State.ToState()));

        // Without the events up to the snapshot, big is still decided with all its mentions.
        await using (var delete = _database.DataSource.CreateCommand("DELETE FROM events.events WHERE stream_id = $1 AND version <= $2"))
        {
            delete.Parameters.AddWithValue(StreamIds.Claim("big"));
            delete.Parameters.AddWithValue(snapshot.Version);
            Assert.Equal(snapshot.Version, await delete.ExecuteNonQueryAsync());
        }
        await RecordAsync([Mentions.InClaim(Mentions.Of("big20", 471_000_000m, source: "wire-0", day: 20), "big")]);
        var (state, version) = await _decisions.FoldAsync("big", CancellationToken.None);

        Assert.Equal(21, state.Mentions.Count);
        Assert.Equal(Describe(Fold("big", [.. events, .. await _store.FetchStreamAsync(StreamIds.Claim("big"))])), Describe(state));
        Assert.True(version > snapshot.Version);

        // Shed again a few events later, big keeps its snapshot: rewriting the whole state would cost more than its
        // next fold reading those few events.
        Assert.False(ClaimSnapshot.IsWorthStoringWhenShed(version, snapshot.Version));
        await RecordAsync([Mentions.InClaim(Mentions.Of("other2", 470_000_000m, day: 1), "other")]);
        await _decisions.StoredEvictedAsync();
        Assert.Equal(snapshot.Version, Assert.Single(await _store.FetchSnapshotsAsync<ClaimSnapshot>(ClaimSnapshot.Kind, [StreamIds.Claim("big")])).Value.Version);
        Assert.Equal(Describe(state), Describe((await _decisions.FoldAsync("big", CancellationToken.None)).State));
    }

    [Fact]
    public async Task A_claim_that_doubled_its_stream_since_its_last_snapshot_gets_one_with_its_decision()
    {
        // A large cache here: no claim is shed, so only decisions store snapshots.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new(ClaimDecisions.MaxCachedMentionsKey, "100000")]).Build();
        var decisions = new ClaimDecisions(_store, new ReliabilityStore(_database.DataSource), configuration, TimeProvider.System);
        var recorder = new MentionRecorder(decisions, new ArticleFigureStore(_database.DataSource), NullLogger<MentionRecorder>.Instance);
        var mentions = Enumerable.Range(0, 300).Select(i => Mentions.InClaim(Mentions.Of($"grow{i}", 470_000_000m, source: $"wire-{i}", day: i % 28), "grow")).ToList();
        foreach (var batch in mentions.Chunk(50))
        {
            await recorder.RecordAsync([.. batch.Select(m => new ReceivedMention(m, s_noHeaders))], CancellationToken.None);
        }

        var events = await _store.FetchStreamAsync(StreamIds.Claim("grow"));
        var snapshot = Assert.Single(await _store.FetchSnapshotsAsync<ClaimSnapshot>(ClaimSnapshot.Kind, [StreamIds.Claim("grow")])).Value;
        // Stored by the first batch that took the stream to 256 events or more, folded up to where that batch left it.
        var storing = events.Single(e => e.Version == snapshot.Version).Tx;
        Assert.Equal(snapshot.Version, events.Where(e => e.Tx == storing).Max(e => e.Version));
        Assert.InRange(events.Where(e => e.Tx == storing).Min(e => e.Version), 1, ClaimSnapshot.MinEventsBetween);
        Assert.True(snapshot.Version >= ClaimSnapshot.MinEventsBetween);
        Assert.Equal(Describe(Fold("grow", events.Where(e => e.Version <= snapshot.Version))), Describe(snapshot.State.ToState()));
    }

    [Fact]
    public async Task The_intake_gathers_mentions_that_arrive_while_it_waits_into_one_batch()
    {
        // Two mentions of one claim, 50 ms apart: recorded in one batch they make one consensus change (conflicted);
        // recorded one after the other, the first alone would be its own decision, and then the conflict a second one.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new(MentionIntake.GatherMillisecondsKey, "500")]).Build();
        var intake = new MentionIntake(_recorder, configuration, NullLogger<MentionIntake>.Instance);
        await intake.StartAsync(CancellationToken.None);
        try
        {
            var first = intake.RecordAsync(new ReceivedMention(Mentions.Of("p", 470_000_000m, day: 3), s_noHeaders), CancellationToken.None);
            await Task.Delay(50);
            var second = intake.RecordAsync(new ReceivedMention(Mentions.Over("q", 533_000_000m, day: 4), s_noHeaders), CancellationToken.None);
            await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await intake.StopAsync(CancellationToken.None);
        }

        var recorded = await _store.FetchStreamAsync(StreamIds.Claim(Mentions.ClaimId));
        Assert.Equal(2, recorded.Count(e => e.Data is MentionRecorded));
        Assert.Equal(ClaimStatuses.Conflicted, ((ConsensusChanged)Assert.Single(recorded, e => e.Data is ConsensusChanged).Data!).Status);
    }

    private static ClaimState Fold(string claimId, IEnumerable<StoredEvent> events) =>
        events.Where(e => e.Data is not null).Select(e => e.Data!).Aggregate(ClaimState.Initial(claimId), ClaimState.Evolve);

    /// <summary>A claim state's content as text (its dictionary compares by reference).</summary>
    private static string Describe(ClaimState state) => System.Text.Json.JsonSerializer.Serialize(
        (ClaimSnapshot.Of(state) with { Mentions = [.. state.Mentions.Values.OrderBy(m => m.MentionId)] }));

    private Task RecordAsync(IEnumerable<ClaimExtracted> mentions) =>
        _recorder.RecordAsync([.. mentions.Select(m => new ReceivedMention(m, s_noHeaders))], CancellationToken.None);

    private async Task<string> OriginInClaimAsync(string claimId, string articleId)
    {
        var events = await _store.FetchStreamAsync(StreamIds.Claim(claimId));
        var state = events.Where(e => e.Data is not null).Select(e => e.Data!).Aggregate(ClaimState.Initial(claimId), ClaimState.Evolve);
        return Assert.Single(state.Mentions.Values, t => t.ArticleId == articleId).Origin;
    }
}
