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
