using Claims.Reconciliation.Consensus;

namespace Claims.Reconciliation.Reliability;

/// <summary>How often a source agrees with the consensus of the claims it speaks to.</summary>
public sealed record SourceTrack(string Source, int Agreements, int Disagreements)
{
    public double Reliability => SourceReliability.Estimate(Agreements, Disagreements);

    /// <summary>How uncertain <see cref="Reliability"/> still is (the estimate's standard deviation).</summary>
    public double Spread => SourceReliability.Spread(Agreements, Disagreements);
}

/// <summary>
/// Source reliability as a Beta estimate of the chance that a source agrees with consensus: every source starts at
/// the prior (4 agreements, 1 disagreement: 0.8) and moves with what it says claim by claim, so a new outlet is
/// neither trusted blindly nor dismissed. The full recompute is a fixed point in the manner of CRH (truth
/// discovery): decide every claim, score every source against the decisions, decide again with the new weights.
/// </summary>
public static class SourceReliability
{
    public const double PriorAgreements = 4;
    public const double PriorDisagreements = 1;
    public const int MaxRounds = 10;

    public static double Estimate(int agreements, int disagreements) =>
        Math.Round((agreements + PriorAgreements) / (agreements + disagreements + PriorAgreements + PriorDisagreements), 4);

    /// <summary>
    /// The standard deviation of the Beta estimate: about 0.16 for a new source, 0.02 after 500 votes. A move smaller
    /// than this is noise, and acting on it would re-decide every claim of the source for nothing.
    /// </summary>
    public static double Spread(int agreements, int disagreements)
    {
        var (a, b) = (agreements + PriorAgreements, disagreements + PriorDisagreements);
        return Math.Sqrt(a * b / ((a + b) * (a + b) * (a + b + 1)));
    }

    /// <summary>Whether each source that votes in the claim agrees with its consensus (a source counts once per claim).</summary>
    public static IReadOnlyDictionary<string, bool> Votes(ClaimState state, ConsensusOptions options)
    {
        if (state.Consensus is not { } consensus)
        {
            return new Dictionary<string, bool>();
        }
        return state.Mentions.Values
            .Where(t => t.Votes && t.Mention.Qualifier is not (Contracts.Qualifiers.Target or Contracts.Qualifiers.Forecast))
            .GroupBy(t => t.Article.Source)
            .ToDictionary(g => g.Key, g => g.Any(t => ConsensusRule.Agree(t.Mention, consensus, options)));
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
            var weighted = options with { Reliability = source => current.TryGetValue(source, out var t) ? t.Reliability : Estimate(0, 0) };
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
