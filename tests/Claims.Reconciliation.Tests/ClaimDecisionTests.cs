using Claims.Contracts;
using Claims.Contracts.Events;
using Claims.Reconciliation.Consensus;
using Xunit;

namespace Claims.Reconciliation.Tests;

public sealed class ClaimDecisionTests
{
    private const string ClaimId = "trade_turnover:AZ+KZ:2024";
    private static readonly DateTimeOffset s_now = new(2025, 10, 25, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_first_mention_is_recorded_and_sets_a_single_source_consensus()
    {
        var events = Claim.Decide(ClaimState.Initial(ClaimId), new RecordMention(Mention("a1", 470_000_000m)), s_now);

        Assert.IsType<MentionRecorded>(events[0]);
        var changed = Assert.IsType<ConsensusChanged>(events[1]);
        Assert.Null(changed.Previous);
        Assert.Equal(470_000_000m, changed.Current.Value);
        Assert.Equal(ClaimStatuses.SingleSource, changed.Status);
        Assert.Equal(1.0, changed.Current.Confidence);
    }

    [Fact]
    public void A_mention_already_recorded_changes_nothing()
    {
        var mention = Mention("a1", 470_000_000m);
        var state = Fold(mention);

        Assert.Empty(Claim.Decide(state, new RecordMention(mention), s_now));
    }

    [Fact]
    public void A_recorded_mention_has_a_stable_event_id_of_its_own()
    {
        var mention = Mention("a1", 470_000_000m);

        var once = Claim.EventId(Claim.Decide(ClaimState.Initial(ClaimId), new RecordMention(mention), s_now)[0]);
        var again = Claim.EventId(Claim.Decide(ClaimState.Initial(ClaimId), new RecordMention(mention), s_now.AddHours(1))[0]);

        // Event ids are unique across the whole log, and the mention id already names ingestion's ClaimExtracted event.
        Assert.NotEqual(mention.MentionId, once);
        Assert.Equal(once, again);
    }

    [Fact]
    public void Agreeing_mentions_from_two_articles_corroborate_the_claim()
    {
        var state = Fold(Mention("a1", 470_000_000m));

        var events = Claim.Decide(state, new RecordMention(Mention("a2", 470_000_000m)), s_now);

        var changed = Assert.IsType<ConsensusChanged>(events[1]);
        Assert.Equal(ClaimStatuses.Corroborated, changed.Status);
        Assert.Equal(ClaimStatuses.SingleSource, changed.PreviousStatus);
    }

    [Fact]
    public void An_over_bound_agrees_with_a_larger_exact_figure()
    {
        var over = Mention("a1", 3_500_000m, Qualifiers.Over, lower: 3_500_000m, upper: null);
        var exact = Mention("a2", 3_600_000m, lower: 3_550_000m, upper: 3_650_000m);

        var decision = ConsensusRule.Decide([ToRecorded(over), ToRecorded(exact)]);

        Assert.Equal(ClaimStatuses.Corroborated, decision.Status);
        Assert.Equal(3_600_000m, decision.Consensus.Value);
    }

    [Fact]
    public void Disagreeing_figures_conflict_and_the_better_supported_one_wins()
    {
        var decision = ConsensusRule.Decide([
            ToRecorded(Mention("a1", 470_000_000m)),
            ToRecorded(Mention("a2", 470_000_000m)),
            ToRecorded(Mention("a3", 533_000_000m, Qualifiers.Over, lower: 533_000_000m, upper: null)),
        ]);

        Assert.Equal(ClaimStatuses.Conflicted, decision.Status);
        Assert.Equal(470_000_000m, decision.Consensus.Value);
        Assert.Equal(2.0 / 3, decision.Consensus.Confidence, 3);
    }

    [Fact]
    public void A_target_does_not_vote_against_a_fact()
    {
        var decision = ConsensusRule.Decide([
            ToRecorded(Mention("a1", 470_000_000m)),
            ToRecorded(Mention("a2", 1_000_000_000m, Qualifiers.Target, lower: null, upper: null)),
        ]);

        Assert.Equal(ClaimStatuses.SingleSource, decision.Status);
        Assert.Equal(470_000_000m, decision.Consensus.Value);
    }

    [Fact]
    public void The_consensus_does_not_depend_on_the_order_mentions_arrive_in()
    {
        ClaimExtracted[] mentions =
        [
            Mention("a1", 470_000_000m),
            Mention("a2", 533_000_000m, Qualifiers.Over, lower: 533_000_000m, upper: null),
            Mention("a3", 470_000_000m, Qualifiers.Approx, lower: 446_500_000m, upper: 493_500_000m),
            Mention("a4", 540_000_000m),
        ];
        var outcomes = Permutations(mentions)
            .Select(order => Fold(order))
            .Select(state => (state.Consensus, state.Status))
            .Distinct()
            .ToList();

        Assert.Single(outcomes);
    }

    private static ClaimState Fold(params ClaimExtracted[] mentions)
    {
        var state = ClaimState.Initial(ClaimId);
        foreach (var mention in mentions)
        {
            foreach (var e in Claim.Decide(state, new RecordMention(mention), s_now))
            {
                state = ClaimState.Evolve(state, e);
            }
        }
        return state;
    }

    private static MentionRecorded ToRecorded(ClaimExtracted mention) =>
        (MentionRecorded)Claim.Decide(ClaimState.Initial(ClaimId), new RecordMention(mention), s_now)[0];

    private static IEnumerable<T[]> Permutations<T>(T[] items) =>
        items.Length <= 1 ? [items] : items.SelectMany((item, i) => Permutations(items.Where((_, j) => j != i).ToArray()).Select(rest => new[] { item }.Concat(rest).ToArray()));

    private static ClaimExtracted Mention(string articleId, decimal value, string qualifier = Qualifiers.Exact, decimal? lower = -1, decimal? upper = -1) => new()
    {
        MentionId = EventStore.DeterministicGuid.Create(articleId, value.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Article = new SourceArticle
        {
            ArticleId = articleId,
            Revision = 1,
            Source = "source-" + articleId,
            PublishedAt = new DateTimeOffset(2025, 10, 18, 0, 0, 0, TimeSpan.Zero).AddDays(articleId.Length),
            Language = "ru",
        },
        Mention = new ClaimMention
        {
            ClaimId = ClaimId,
            Metric = "trade_turnover",
            Subjects = ["AZ", "KZ"],
            Period = "2024",
            Value = value,
            Unit = "USD",
            Qualifier = qualifier,
            Lower = lower == -1 ? value - 500_000m : lower,
            Upper = upper == -1 ? value + 500_000m : upper,
            Evidence = new Evidence { Text = "...", Start = 0, End = 3 },
            Confidence = 0.9,
        },
    };
}
