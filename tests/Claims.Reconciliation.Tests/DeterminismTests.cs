using Claims.Contracts;
using Claims.Reconciliation.Consensus;
using FsCheck;
using FsCheck.Fluent;
using Xunit;
using static Claims.Reconciliation.Tests.Mentions;

namespace Claims.Reconciliation.Tests;

/// <summary>
/// Property-based tests with FsCheck: for generated sets of mentions — agreeing, conflicting, bounded, hedged,
/// targets, corrected articles, one outlet repeating itself, reprints sharing an origin — every arrival order, with
/// duplicate deliveries and origins learned late, ends in the same consensus, status, confidence and votes.
/// </summary>
public sealed class DeterminismTests
{
    private static readonly string[] s_sources = ["Trend", "Kazinform", "Day.Az", "Zakon.kz"];
    private static readonly decimal[] s_values = [470_000_000m, 470_000_000m, 480_000_000m, 533_000_000m, 547_000_000m];

    /// <summary>A claim's mentions and the origins its articles end up in.</summary>
    public sealed record Scenario(IReadOnlyList<ClaimExtracted> Mentions, IReadOnlyDictionary<string, string> Origins)
    {
        public override string ToString() =>
            string.Join("; ", Mentions.Select(m => $"{m.Article.ArticleId}r{m.Article.Revision} {m.Article.Source} d{m.Article.PublishedAt.Day} {m.Mention.Qualifier} {m.Mention.Value}"))
            + " | origins " + string.Join(",", Origins.Select(o => $"{o.Key}->{o.Value}"));
    }

    /// <summary>One way the scenario can reach a reconciliation instance.</summary>
    public sealed record Delivery(IReadOnlyList<ClaimExtracted> Arrivals, IReadOnlyList<bool> LearnOriginsAfter);

    [Fact]
    public void Any_arrival_order_with_duplicates_and_late_origins_gives_the_same_claim()
    {
        var property = Prop.ForAll(Arb.From(ScenarioWithDeliveries()), input =>
        {
            var (scenario, deliveries) = input;
            var reference = Settle(Mentions.Record(scenario.Mentions, scenario.Origins), scenario.Origins);
            return deliveries.All(delivery => Same(reference, Settle(Deliver(delivery, scenario.Origins), scenario.Origins)));
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), property);
    }

    [Fact]
    public void Mentions_decided_in_batches_of_any_size_give_the_same_claim_as_one_at_a_time_with_one_consensus_change_per_batch()
    {
        var property = Prop.ForAll(Arb.From(ScenarioWithBatches()), input =>
        {
            var (scenario, delivery, sizes) = input;
            var reference = Settle(Mentions.Record(scenario.Mentions, scenario.Origins), scenario.Origins);
            var state = ClaimState.Initial(ClaimId);
            var taken = 0;
            var oneChangeEach = true;
            foreach (var size in sizes.TakeWhile(_ => taken < delivery.Arrivals.Count))
            {
                List<object> commands = [.. delivery.Arrivals.Skip(taken).Take(size).Select(m => new RecordMention(m, scenario.Origins[m.Article.ArticleId]))];
                commands.Add(new Regroup(scenario.Origins));
                var decided = Claim.Decide(state, commands, Now);
                oneChangeEach &= decided.OfType<Contracts.Events.ConsensusChanged>().Count() <= 1;
                state = Apply(state, decided);
                taken += size;
            }
            return oneChangeEach && Same(reference, state);
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), property);
    }

    [Fact]
    public void Replaying_the_decided_events_rebuilds_the_same_state()
    {
        var property = Prop.ForAll(Arb.From(Scenarios()), scenario =>
        {
            var events = new List<object>();
            var state = ClaimState.Initial(ClaimId);
            foreach (var mention in scenario.Mentions)
            {
                var decided = Claim.Decide(state, new RecordMention(mention, scenario.Origins[mention.Article.ArticleId]), Now);
                events.AddRange(decided);
                state = Apply(state, decided);
            }
            return Same(state, Apply(ClaimState.Initial(ClaimId), events));
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(200), property);
    }

    internal static Gen<Scenario> Scenarios() =>
        from articleCount in Gen.Choose(1, 7)
        from articles in Gen.CollectToList(Enumerable.Range(1, articleCount), i => ArticleMentions($"a{i}"))
        from origins in Gen.CollectToList(Enumerable.Range(1, articleCount), i =>
            Gen.Frequency((2, Gen.Constant($"a{i}")), (1, Gen.Choose(1, articleCount).Select(j => $"a{j}"))))
        select new Scenario(
            [.. articles.SelectMany(a => a)],
            Enumerable.Range(1, articleCount).ToDictionary(i => $"a{i}", i => origins[i - 1]));

    private static Gen<(Scenario, IReadOnlyList<Delivery>)> ScenarioWithDeliveries() =>
        from scenario in Scenarios()
        from deliveries in Gen.ListOf(DeliveryOf(scenario), 4)
        select (scenario, (IReadOnlyList<Delivery>)deliveries);

    private static Gen<(Scenario, Delivery, IReadOnlyList<int>)> ScenarioWithBatches() =>
        from scenario in Scenarios()
        from delivery in DeliveryOf(scenario)
        from sizes in Gen.ListOf(Gen.Choose(1, 6), delivery.Arrivals.Count)
        select (scenario, delivery, (IReadOnlyList<int>)sizes);

    private static Gen<Delivery> DeliveryOf(Scenario scenario) =>
        from duplicates in Gen.SubListOf((IEnumerable<ClaimExtracted>)scenario.Mentions)
        from arrivals in Gen.Shuffle(scenario.Mentions.Concat(duplicates))
        from learn in Gen.ArrayOf(Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true))), arrivals.Length)
        select new Delivery(arrivals, learn);

    /// <summary>One or two revisions of an article's mention of the claim.</summary>
    private static Gen<List<ClaimExtracted>> ArticleMentions(string articleId) =>
        from source in Gen.Elements(s_sources)
        from day in Gen.Choose(0, 29)
        from revisions in Gen.Frequency((4, Gen.Constant(1)), (1, Gen.Constant(2)))
        from figures in Gen.ListOf(Figure(), revisions)
        select figures.Select((f, i) => f(articleId, source, day, i + 1)).ToList();

    private static Gen<Func<string, string, int, int, ClaimExtracted>> Figure() =>
        from value in Gen.Elements(s_values)
        from kind in Gen.Choose(0, 5)
        select (Func<string, string, int, int, ClaimExtracted>)((article, source, day, revision) => kind switch
        {
            0 => Of(article, value, Qualifiers.Over, value, null, source, day, revision),
            1 => Of(article, value, Qualifiers.Approx, value * 0.95m, value * 1.05m, source, day, revision),
            2 => Of(article, value, Qualifiers.Under, null, value, source, day, revision),
            3 => Of(article, 1_000_000_000m, Qualifiers.Target, null, null, source, day, revision),
            _ => Of(article, value, Qualifiers.Exact, value - 500_000m, value + 500_000m, source, day, revision),
        });

    /// <summary>Records the arrivals in order; origins are learned at the scheduled points, early mentions count in their own article.</summary>
    private static ClaimState Deliver(Delivery delivery, IReadOnlyDictionary<string, string> origins)
    {
        var known = new Dictionary<string, string>();
        var state = ClaimState.Initial(ClaimId);
        for (var i = 0; i < delivery.Arrivals.Count; i++)
        {
            var mention = delivery.Arrivals[i];
            var origin = known.GetValueOrDefault(mention.Article.ArticleId) ?? mention.Article.ArticleId;
            state = Apply(state, Claim.Decide(state, new RecordMention(mention, origin), Now));
            if (delivery.LearnOriginsAfter[i])
            {
                foreach (var (article, group) in origins.Where(o => o.Key.GetHashCode(StringComparison.Ordinal) % 2 == i % 2))
                {
                    known[article] = group;
                }
                state = Apply(state, Claim.Decide(state, new Regroup(known), Now));
            }
        }
        return state;
    }

    /// <summary>What origin detection eventually tells every claim: the final origins. (Retractions travel with the mentions themselves.)</summary>
    internal static ClaimState Settle(ClaimState state, IReadOnlyDictionary<string, string> origins) =>
        Apply(state, Claim.Decide(state, new Regroup(origins), Now));

    internal static bool Same(ClaimState a, ClaimState b) =>
        a.Consensus == b.Consensus
        && a.Status == b.Status
        && Votes(a).SetEquals(Votes(b))
        && a.Mentions.Values.All(t => b.Mentions[t.MentionId].Origin == t.Origin && b.Mentions[t.MentionId].Retracted == t.Retracted);

    private static HashSet<Guid> Votes(ClaimState state) => [.. state.Mentions.Values.Where(t => t.Votes).Select(t => t.MentionId)];
}
