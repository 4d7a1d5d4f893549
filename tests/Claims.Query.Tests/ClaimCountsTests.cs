using Claims.Contracts;
using Claims.Contracts.Events;
using Claims.EventStore;
using Claims.Query.ClaimsReadModel;
using Xunit;

namespace Claims.Query.Tests;

/// <summary>
/// Each claim's counts of voting mentions, origins and outlets, kept batch by batch by the claims projection on real
/// PostgreSQL, must always equal what counting from scratch gives (what a rebuild does at its end): through mentions
/// recorded, regrouped, superseded, reinstated and retracted, several changes to one mention in a batch, and events
/// delivered twice.
/// </summary>
public sealed class ClaimCountsTests : IAsyncLifetime
{
    private const string ReadModel = """
        SELECT claim_id || ' mentions=' || mention_count || ' origins=' || origin_count || ' sources=' || source_count FROM query.claims
        UNION ALL SELECT 'origin ' || claim_id || ' ' || origin || '=' || mentions FROM query.claim_origins
        UNION ALL SELECT 'source ' || claim_id || ' ' || source || '=' || mentions FROM query.claim_sources
        """;

    private readonly ProjectedReadModel _model = new(ClaimsProjection.Schema + ClaimsProjection.ChangesSchema, store => new ClaimsProjection(store));

    public Task InitializeAsync() => _model.InitializeAsync();

    public Task DisposeAsync() => _model.DisposeAsync();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Counts_kept_batch_by_batch_equal_counts_from_scratch_after_every_batch(int seed)
    {
        var feed = new ClaimFeed(new Random(seed));
        await _model.AssertKeptAsCountedFromScratchAsync(feed.NextBatch, ReadModel, batches: 80, $"seed {seed}");

        Assert.True(feed.Changes > 20, "too few regroupings and status changes to say anything");
    }

    [Fact]
    public async Task A_claim_counts_only_what_still_votes_and_where_it_comes_from()
    {
        var feed = new ClaimFeed(new Random(0));
        var (a, b, c) = (feed.Record("claim-1", "outlet-a", "origin-1"), feed.Record("claim-1", "outlet-b", "origin-1"), feed.Record("claim-1", "outlet-b", "origin-2"));
        await _model.ApplyAsync([a.Event, b.Event, c.Event]);
        Assert.Equal("claim-1 mentions=3 origins=2 sources=2", await CountsAsync("claim-1"));

        // b now stands for an origin of its own; c is superseded by b: outlet-b still votes, through b alone.
        await _model.ApplyAsync([feed.Regroup(b, "origin-3"), feed.Supersede(c, b.Id)]);
        Assert.Equal("claim-1 mentions=2 origins=2 sources=2", await CountsAsync("claim-1"));

        // a retracted and b superseded in one batch, then c reinstated: one mention, one origin, one outlet.
        await _model.ApplyAsync([feed.Retract(a), feed.Supersede(b, c.Id), feed.Reinstate(c)]);
        Assert.Equal("claim-1 mentions=1 origins=1 sources=1", await CountsAsync("claim-1"));

        // Delivered again, a batch changes nothing.
        await _model.ApplyAsync([a.Event, feed.Reinstate(a)]);
        Assert.Equal("claim-1 mentions=1 origins=1 sources=1", await CountsAsync("claim-1"));
    }

    private async Task<string> CountsAsync(string claimId) =>
        (await _model.RowsAsync(ReadModel)).Single(row => row.StartsWith(claimId + " ", StringComparison.Ordinal));

    private sealed record Recorded(Guid Id, string ClaimId, StoredEvent Event);

    /// <summary>A random stream of claim events over six claims, four outlets and five origins.</summary>
    private sealed class ClaimFeed(Random random)
    {
        private readonly List<Recorded> _mentions = [];
        private readonly List<StoredEvent> _delivered = [];
        private readonly Dictionary<string, long> _versions = [];
        private long _sequence;

        public int Changes { get; private set; }

        public IReadOnlyList<StoredEvent> NextBatch()
        {
            var events = new List<StoredEvent>();
            var size = random.Next(1, 9);
            while (events.Count < size)
            {
                var roll = random.NextDouble();
                if (_mentions.Count < 3 || roll < 0.40)
                {
                    events.Add(Record($"claim-{random.Next(1, 7)}", $"outlet-{random.Next(1, 5)}", $"origin-{random.Next(1, 6)}").Event);
                    continue;
                }

                var mention = _mentions[random.Next(_mentions.Count)];
                Changes++;
                events.Add(roll switch
                {
                    < 0.58 => Regroup(mention, $"origin-{random.Next(1, 6)}"),
                    < 0.73 => Supersede(mention, _mentions[random.Next(_mentions.Count)].Id),
                    < 0.86 => Reinstate(mention),
                    < 0.93 => Retract(mention),
                    _ => _delivered[random.Next(_delivered.Count)],
                });
            }

            return events;
        }

        public Recorded Record(string claimId, string outlet, string origin)
        {
            var id = Guid.NewGuid();
            var recorded = new Recorded(id, claimId, Append(claimId, EventAliases.MentionRecorded, new MentionRecorded
            {
                ClaimId = claimId,
                MentionId = id,
                Origin = origin,
                Article = new SourceArticle { ArticleId = $"article-{id:N}", Revision = 1, Source = outlet, PublishedAt = Feeds.Start, Language = "ru" },
                Mention = Feeds.Mention(claimId),
            }));
            _mentions.Add(recorded);
            return recorded;
        }

        public StoredEvent Regroup(Recorded mention, string origin) => Append(mention.ClaimId, EventAliases.MentionRegrouped,
            new MentionRegrouped { ClaimId = mention.ClaimId, MentionId = mention.Id, PreviousOrigin = "unknown", Origin = origin });

        public StoredEvent Supersede(Recorded mention, Guid by) => Append(mention.ClaimId, EventAliases.MentionSuperseded,
            new MentionSuperseded { ClaimId = mention.ClaimId, MentionId = mention.Id, SupersededBy = by });

        public StoredEvent Reinstate(Recorded mention) => Append(mention.ClaimId, EventAliases.MentionReinstated,
            new MentionReinstated { ClaimId = mention.ClaimId, MentionId = mention.Id });

        public StoredEvent Retract(Recorded mention) => Append(mention.ClaimId, EventAliases.MentionRetracted,
            new MentionRetracted { ClaimId = mention.ClaimId, MentionId = mention.Id, ArticleId = $"article-{mention.Id:N}", ByRevision = 2 });

        private StoredEvent Append(string claimId, string type, object data)
        {
            var version = _versions[claimId] = _versions.GetValueOrDefault(claimId) + 1;
            var stored = ProjectedReadModel.Stored(++_sequence, StreamIds.Claim(claimId), version, type, data);
            _delivered.Add(stored);
            return stored;
        }
    }
}
