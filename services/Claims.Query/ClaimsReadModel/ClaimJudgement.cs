using Claims.Consensus;
using Claims.Contracts;

namespace Claims.Query.ClaimsReadModel;

/// <summary>
/// Reconciliation's consensus rule (<c>Claims.Consensus</c>), applied by the reader to explain a claim: whether a
/// figure agrees with the consensus, which origins stand together, and what the public record said at a past time.
/// Reconciliation stays the one that decides and records consensus; the same rule with the same tolerance here means
/// the page never contradicts it.
/// </summary>
public sealed class ClaimJudgement(ConsensusOptions options)
{
    /// <summary>Reads the tolerance from the key reconciliation reads it from.</summary>
    public static ClaimJudgement FromConfiguration(IConfiguration configuration) => new(ConsensusOptions.Default with
    {
        ApproxTolerance = configuration.GetValue(ConsensusOptions.ApproxToleranceKey, ConsensusOptions.Default.ApproxTolerance),
    });

    /// <summary>The rule weighing sources by the reliabilities reconciliation published; an unjudged source has the prior.</summary>
    public ConsensusOptions WithReliabilities(IReadOnlyDictionary<string, double> reliabilities) =>
        options with { Reliability = source => reliabilities.TryGetValue(source, out var reliability) ? reliability : ReliabilityEstimate.Prior };

    public bool? Agrees(string qualifier, decimal value, decimal? lower, decimal? upper, ConsensusValue? consensus) =>
        consensus is null ? null : ConsensusRule.Agree(qualifier, value, lower, upper, consensus, options);

    /// <summary>The mention judged against a consensus.</summary>
    public MentionView Judged(MentionView mention, ConsensusValue? consensus) =>
        mention with { AgreesWithConsensus = Agrees(mention.Qualifier, mention.Value, mention.Lower, mention.Upper, consensus) };

    /// <summary>The groups of agreeing origins among the voting mentions, the winner first; none without voters.</summary>
    public static IReadOnlyList<PositionView> Positions(IReadOnlyList<MentionView> mentions, ConsensusOptions weighted)
    {
        var voters = mentions.Where(m => !m.Superseded).ToList();
        return voters.Count == 0 ? [] : Positions(voters, ConsensusRule.Decide(voters, weighted));
    }

    /// <summary>The decision's groups as views of the mentions in them.</summary>
    public static IReadOnlyList<PositionView> Positions(IReadOnlyList<MentionView> voters, ConsensusDecision decision)
    {
        var byId = voters.ToDictionary(m => m.MentionId);
        return [.. decision.Groups.Select((group, index) =>
        {
            var members = group.Mentions.Select(id => byId[id]).ToList();
            var best = members[0];
            return new PositionView
            {
                Value = best.Value,
                Unit = best.Unit,
                Qualifier = best.Qualifier,
                Lower = best.Lower,
                Upper = best.Upper,
                AgreesWithConsensus = index == 0,
                Weight = group.Weight,
                OriginCount = group.Origins.Count,
                Origins = group.Origins,
                Sources = [.. members.Select(m => m.Source).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
                // The mention that carries the group's value first, then the rest as they were published.
                Mentions = [best, .. members.Skip(1).OrderBy(m => m.PublishedAt).ThenBy(m => m.MentionId)],
            };
        })];
    }
}
