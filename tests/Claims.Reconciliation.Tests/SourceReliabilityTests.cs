using Claims.Consensus;
using Claims.Contracts;
using Claims.Contracts.Events;
using Claims.Reconciliation.Consensus;
using Claims.Reconciliation.Reliability;
using Xunit;
using static Claims.Reconciliation.Tests.Mentions;

namespace Claims.Reconciliation.Tests;

public sealed class SourceReliabilityTests
{
    [Fact]
    public void A_source_never_scored_starts_at_the_prior_and_moves_with_its_record()
    {
        Assert.Equal(0.8, ReliabilityEstimate.Of(0, 0));
        Assert.True(ReliabilityEstimate.Of(10, 0) > 0.9);
        Assert.True(ReliabilityEstimate.Of(0, 10) < 0.3);
    }

    [Fact]
    public void The_uncertainty_of_a_reliability_shrinks_with_the_votes_behind_it()
    {
        var spreads = new[] { (0, 0), (8, 2), (80, 20), (400, 100) }.Select(v => ReliabilityEstimate.Spread(v.Item1, v.Item2)).ToList();

        Assert.InRange(spreads[0], 0.15, 0.17);
        Assert.InRange(spreads[^1], 0.015, 0.02);
        Assert.Equal(spreads.OrderByDescending(s => s), spreads);
    }

    [Fact]
    public void A_source_votes_once_per_claim_for_or_against_its_consensus()
    {
        var state = Record([Of("a1", 470_000_000m, source: "Trend"), Of("a2", 470_000_000m, source: "Kazinform"), Over("a3", 533_000_000m)]);

        var votes = SourceReliability.Votes(state, ConsensusOptions.Default);

        Assert.True(votes["Trend"]);
        Assert.True(votes["Kazinform"]);
        Assert.False(votes["source-a3"]);
    }

    [Fact]
    public void A_reliable_source_outweighs_an_unreliable_one_and_the_flip_is_recorded_as_reliability()
    {
        // Two single-origin claims tie 470 against 480; a third and fourth claim show "Wire" agreeing with others
        // and "Tabloid" standing alone against them.
        var tie = Record([Of("t1", 470_000_000m, source: "Wire", day: 1), Of("t2", 480_000_000m, source: "Tabloid", day: 2)]);
        Assert.Equal(480_000_000m, tie.Consensus!.Value);

        var options = ConsensusOptions.Default with { Reliability = s => s == "Wire" ? 0.95 : 0.4 };
        var events = Claim.Decide(tie, new Reevaluate(ChangeReasons.Reliability), Now, options);

        var changed = Assert.Single(events.OfType<ConsensusChanged>());
        Assert.Equal((470_000_000m, ChangeReasons.Reliability), (changed.Current.Value, changed.Reason));
        Assert.Empty(Claim.Decide(Apply(tie, events), new Reevaluate(ChangeReasons.Reliability), Now, options));
    }

    [Fact]
    public void A_claim_whose_mentions_all_agree_stands_whatever_the_sources_weigh()
    {
        // 470 million, "about 470 million" and "over 460 million" all overlap; 533 million would not.
        var agreed = Record([
            Of("a1", 470_000_000m, source: "Trend", day: 1),
            Of("a2", 470_000_000m, Qualifiers.Approx, source: "Kazinform", day: 2),
            Of("a3", 460_000_000m, Qualifiers.Over, 460_000_000m, null, source: "Tabloid", day: 3),
        ]);
        var contested = Record([Of("t1", 470_000_000m, source: "Wire", day: 1), Of("t2", 533_000_000m, source: "Tabloid", day: 2)]);
        var voters = (ClaimState state) => (IReadOnlyCollection<Claims.Consensus.IVote>)[.. state.Mentions.Values.Where(t => t.Votes)];

        Assert.True(ConsensusRule.IsUnanimous(voters(agreed), ConsensusOptions.Default));
        Assert.False(ConsensusRule.IsUnanimous(voters(contested), ConsensusOptions.Default));
        var reweighted = ConsensusOptions.Default with { Reliability = s => s == "Tabloid" ? 0.99 : 0.05 };
        Assert.Empty(Claim.Decide(agreed, new Reevaluate(ChangeReasons.Reliability), Now, reweighted));
        Assert.Equal(agreed.Consensus, ConsensusRule.Decide(voters(agreed), reweighted).Consensus);
        // The same weights do move the contested claim.
        Assert.Single(Claim.Decide(contested, new Reevaluate(ChangeReasons.Reliability), Now, reweighted).OfType<ConsensusChanged>());
    }

    [Fact]
    public void No_weighting_of_sources_changes_the_decision_about_mentions_that_all_agree()
    {
        // Random claims of up to six mentions drawn near one value, in every qualifier, decided under random
        // reliabilities: wherever the shortcut applies, the rule itself reaches the same consensus and status.
        var random = new Random(20261122);
        string[] qualifiers = [Qualifiers.Exact, Qualifiers.Approx, Qualifiers.Over, Qualifiers.Under, Qualifiers.Range, Qualifiers.Target];
        var unanimous = 0;
        for (var trial = 0; trial < 2_000; trial++)
        {
            var mentions = Enumerable.Range(0, random.Next(1, 7)).Select(i =>
            {
                var value = 100m + random.Next(-8, 9);
                var qualifier = qualifiers[random.Next(qualifiers.Length)];
                var (lower, upper) = qualifier switch
                {
                    Qualifiers.Over => ((decimal?)value, (decimal?)null),
                    Qualifiers.Under => (null, value),
                    Qualifiers.Range => (value - random.Next(0, 5), value + random.Next(0, 5)),
                    _ => (value, value),
                };
                return Of($"r{trial}-{i}", value, qualifier, lower, upper, source: $"outlet-{random.Next(4)}", day: random.Next(3));
            });
            var voters = (IReadOnlyCollection<Claims.Consensus.IVote>)[.. Record(mentions).Mentions.Values.Where(t => t.Votes)];
            if (voters.Count == 0 || !ConsensusRule.IsUnanimous(voters, ConsensusOptions.Default))
            {
                continue;
            }
            unanimous++;
            var weights = Enumerable.Range(0, 4).Select(_ => 0.01 + random.NextDouble()).ToArray();
            var reweighted = ConsensusOptions.Default with { Reliability = s => weights[s[^1] - '0'] };
            var before = ConsensusRule.Decide(voters, ConsensusOptions.Default);
            var after = ConsensusRule.Decide(voters, reweighted);
            Assert.Equal((before.Consensus, before.Status), (after.Consensus, after.Status));
        }
        // Enough of both kinds for the check to mean something.
        Assert.InRange(unanimous, 300, 1_700);
    }

    [Fact]
    public void The_full_recompute_is_a_pure_function_of_the_claims_and_learns_who_agrees()
    {
        var claims = Enumerable.Range(1, 6).Select(i => Record([
            Of($"w{i}", 100_000_000m * i, source: "Wire", day: 1),
            Of($"k{i}", 100_000_000m * i, source: "Kazinform", day: 1),
            Of($"t{i}", (100_000_000m * i) + 50_000_000m, source: "Tabloid", day: 3),
        ])).ToList();

        var once = SourceReliability.Recompute(claims, ConsensusOptions.Default, Now);
        var again = SourceReliability.Recompute([.. claims.AsEnumerable().Reverse()], ConsensusOptions.Default, Now);

        Assert.Equal(once.OrderBy(p => p.Key), again.OrderBy(p => p.Key));
        Assert.Equal(new SourceTrack("Wire", 6, 0), once["Wire"]);
        Assert.Equal(new SourceTrack("Tabloid", 0, 6), once["Tabloid"]);
        Assert.True(once["Wire"].Reliability > once["Tabloid"].Reliability);
    }
}
