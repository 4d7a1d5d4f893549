using Claims.Consensus;
using Claims.Reconciliation.Consensus;

namespace Claims.Reconciliation.Reliability;

/// <summary>How often a source agrees with the consensus of the claims it speaks to.</summary>
public sealed record SourceTrack(string Source, int Agreements, int Disagreements)
{
    public double Reliability => ReliabilityEstimate.Of(Agreements, Disagreements);

    /// <summary>How uncertain <see cref="Reliability"/> still is (the estimate's standard deviation).</summary>
    public double Spread => ReliabilityEstimate.Spread(Agreements, Disagreements);
}

/// <summary>
/// Source reliability as a Beta estimate (<see cref="ReliabilityEstimate"/>) of the chance that a source agrees with
/// consensus, counted claim by claim. The full recompute is a fixed point in the manner of CRH (truth
/// discovery): decide every claim, score every source against the decisions, decide again with the new weights.
/// </summary>
public static class SourceReliability
{
    public const int MaxRounds = 10;

    /// <summary>Whether each source that votes in the claim agrees with its consensus (a source counts once per claim).</summary>
    public static IReadOnlyDictionary<string, bool> Votes(ClaimState state, ConsensusOptions options)
    {
        if (state.Consensus is not { } consensus)
        {
            return new Dictionary<string, bool>();
        }
        return state.Mentions.Values
            .Where(t => t.Votes && t.Qualifier is not (Contracts.Qualifiers.Target or Contracts.Qualifiers.Forecast))
            .GroupBy(t => t.Source)
            .ToDictionary(g => g.Key, g => g.Any(t => ConsensusRule.Agree(t, consensus, options)));
    }

    /// <summary>Counts agreements and disagreements over all claims.</summary>
    public static IReadOnlyDictionary<string, SourceTrack> Score(IEnumerable<ClaimState> claims, ConsensusOptions options) => claims
        .SelectMany(claim => Votes(claim, options))
        .GroupBy(vote => vote.Key)
        .ToDictionary(g => g.Key, g => new SourceTrack(g.Key, g.Count(v => v.Value), g.Count(v => !v.Value)));

    /// <summary>
    /// Reliabilities from scratch: a pure function of the claims' mentions. Starts every source at the prior and
    /// alternates deciding and scoring until no reliability moves (or <see cref="MaxRounds"/>).
    /// </summary>
    public static IReadOnlyDictionary<string, SourceTrack> Recompute(IReadOnlyList<ClaimState> claims, ConsensusOptions options, DateTimeOffset now)
    {
        var tracks = new Dictionary<string, SourceTrack>();
        for (var round = 0; round < MaxRounds; round++)
        {
            var current = tracks;
            var weighted = options with { Reliability = source => current.TryGetValue(source, out var t) ? t.Reliability : ReliabilityEstimate.Prior };
            var decided = claims.Select(claim => Claim.Decide(claim, new Reevaluate(Contracts.Events.ChangeReasons.Reliability), now, weighted)
                .Aggregate(claim, ClaimState.Evolve));
            var next = Score(decided, weighted).ToDictionary();
            if (next.Count == tracks.Count && next.All(n => tracks.TryGetValue(n.Key, out var t) && t == n.Value))
            {
                break;
            }
            tracks = next;
        }
        return tracks;
    }
}
