using Claims.Contracts;
using Claims.Reconciliation.Consensus;
using Xunit;
using Xunit.Abstractions;
using static Claims.Reconciliation.Tests.Mentions;

namespace Claims.Reconciliation.Tests;

/// <summary>
/// Property tests (FsCheck does not restore here, so a seeded generator stands in): for random sets of mentions —
/// agreeing, conflicting, bounded, hedged, corrected, repeated by one source — every arrival order, with
/// duplicate deliveries and origins learned late, ends in the same consensus, status, confidence and votes.
/// </summary>
public sealed class DeterminismTests(ITestOutputHelper output)
{
    private const int Cases = 300;

    [Fact]
    public void Any_arrival_order_with_duplicates_and_late_origins_gives_the_same_claim()
    {
        for (var seed = 1; seed <= Cases; seed++)
        {
            var random = new Random(seed);
            var (mentions, origins) = RandomClaim(random);
            var reference = Settle(Record(mentions, origins), mentions, origins);

            for (var trial = 0; trial < 5; trial++)
            {
                var arrivals = Shuffle(mentions.Concat(mentions.Where(_ => random.Next(3) == 0)), random);
                // Origins are learned as articles arrive: early mentions count in their own article's origin.
                var known = new Dictionary<string, string>();
                var state = ClaimState.Initial(ClaimId);
                foreach (var mention in arrivals)
                {
                    var origin = known.GetValueOrDefault(mention.Article.ArticleId) ?? mention.Article.ArticleId;
                    state = Apply(state, Claim.Decide(state, new RecordMention(mention, origin), Now));
                    if (random.Next(4) == 0)
                    {
                        foreach (var (article, group) in origins.Where(_ => random.Next(2) == 0))
                        {
                            known[article] = group;
                        }
                        state = Apply(state, Claim.Decide(state, new Regroup(known), Now));
                    }
                }
                var settled = Settle(state, mentions, origins);

                Assert.True(Same(reference, settled), $"seed {seed}, trial {trial}: {Describe(reference)} != {Describe(settled)}");
            }
        }
        output.WriteLine($"{Cases} random claims x 5 arrival orders agreed");
    }

    [Fact]
    public void Replaying_the_decided_events_rebuilds_the_same_state()
    {
        for (var seed = 1; seed <= 50; seed++)
        {
            var random = new Random(seed);
            var (mentions, origins) = RandomClaim(random);
            var events = new List<object>();
            var state = ClaimState.Initial(ClaimId);
            foreach (var mention in mentions)
            {
                var decided = Claim.Decide(state, new RecordMention(mention, origins[mention.Article.ArticleId]), Now);
                events.AddRange(decided);
                state = Apply(state, decided);
            }

            var replayed = Apply(ClaimState.Initial(ClaimId), events);

            Assert.True(Same(state, replayed), $"seed {seed}");
        }
    }

    /// <summary>What origin detection eventually tells every claim: the final origins. (Retractions travel with the mentions themselves.)</summary>
    private static ClaimState Settle(ClaimState state, IReadOnlyList<ClaimExtracted> mentions, IReadOnlyDictionary<string, string> origins)
    {
        _ = mentions;
        return Apply(state, Claim.Decide(state, new Regroup(origins), Now));
    }

    private static bool Same(ClaimState a, ClaimState b) =>
        a.Consensus == b.Consensus
        && a.Status == b.Status
        && Votes(a).SetEquals(Votes(b))
        && a.Mentions.Values.All(t => b.Mentions[t.MentionId].Origin == t.Origin && b.Mentions[t.MentionId].Retracted == t.Retracted);

    private static HashSet<Guid> Votes(ClaimState state) => [.. state.Mentions.Values.Where(t => t.Votes).Select(t => t.MentionId)];

    private static string Describe(ClaimState s) =>
        $"{s.Consensus?.Value} {s.Consensus?.Qualifier} {s.Consensus?.Confidence} {s.Status} votes [{string.Join(",", Votes(s).Select(v => v.ToString()[..4]).Order())}]";

    private static (IReadOnlyList<ClaimExtracted> Mentions, IReadOnlyDictionary<string, string> Origins) RandomClaim(Random random)
    {
        var articles = Enumerable.Range(1, random.Next(1, 8)).Select(i => $"a{i}").ToList();
        var sources = new[] { "Trend", "Kazinform", "Day.Az", "Zakon.kz" };
        var values = new[] { 470_000_000m, 470_000_000m, 480_000_000m, 533_000_000m, 547_000_000m };
        var mentions = new List<ClaimExtracted>();
        foreach (var article in articles)
        {
            var source = sources[random.Next(sources.Length)];
            var day = random.Next(30);
            var revisions = random.Next(5) == 0 ? 2 : 1;
            for (var revision = 1; revision <= revisions; revision++)
            {
                var value = values[random.Next(values.Length)];
                mentions.Add(random.Next(6) switch
                {
                    0 => Of(article, value, Qualifiers.Over, value, null, source, day, revision),
                    1 => Of(article, value, Qualifiers.Approx, value * 0.95m, value * 1.05m, source, day, revision),
                    2 => Of(article, value, Qualifiers.Under, null, value, source, day, revision),
                    3 => Of(article, 1_000_000_000m, Qualifiers.Target, null, null, source, day, revision),
                    _ => Of(article, value, Qualifiers.Exact, value - 500_000m, value + 500_000m, source, day, revision),
                });
            }
        }
        // Some articles are reprints of others: they share an origin named by one of them.
        var origins = articles.ToDictionary(a => a, a => random.Next(3) == 0 ? articles[random.Next(articles.Count)] : a);
        return (mentions, origins);
    }

    private static List<T> Shuffle<T>(IEnumerable<T> items, Random random)
    {
        var list = items.ToList();
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
        return list;
    }
}
