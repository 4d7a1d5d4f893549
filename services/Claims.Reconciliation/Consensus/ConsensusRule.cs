using Claims.Contracts;
using Claims.Contracts.Events;

namespace Claims.Reconciliation.Consensus;

/// <summary>The consensus of a claim and the status that goes with it.</summary>
public sealed record ConsensusDecision(ConsensusValue Consensus, string Status);

/// <summary>
/// The first consensus rule. Values are intervals (an exact figure carries its rounding, a hedge its band, "over"
/// an open end); two mentions agree when their intervals overlap. The candidate whose agreeing mentions come from
/// the most independent origins wins (ties: the most recent publication, then the most precise figure); the
/// consensus value is the most precise mention in that group. Targets and forecasts vote only when no fact exists.
/// The result depends only on the set of mentions, never on their arrival order.
/// </summary>
public static class ConsensusRule
{
    public static ConsensusDecision Decide(IEnumerable<MentionRecorded> mentions)
    {
        var all = mentions.OrderBy(m => m.MentionId).ToList();
        if (all.Count == 0)
        {
            throw new ArgumentException("A claim has at least one mention.", nameof(mentions));
        }
        var facts = all.Where(m => m.Mention.Qualifier is not (Qualifiers.Target or Qualifiers.Forecast)).ToList();
        var voters = facts.Count > 0 ? facts : all;

        var groups = voters
            .Select(candidate => voters.Where(v => Agree(candidate, v)).ToList())
            .Select(group => new
            {
                Members = group,
                Origins = group.Select(m => m.Origin).Distinct().Count(),
                Latest = group.Max(m => m.Article.PublishedAt),
                Best = MostPrecise(group),
            })
            .OrderByDescending(g => g.Origins)
            .ThenByDescending(g => g.Latest)
            .ThenBy(g => Width(g.Best))
            .ThenBy(g => g.Best.MentionId)
            .ToList();
        var winner = groups[0];
        var totalOrigins = voters.Select(m => m.Origin).Distinct().Count();
        var dissenting = voters.Except(winner.Members).Select(m => m.Origin).Except(winner.Members.Select(m => m.Origin)).Count();

        var status = dissenting > 0 ? ClaimStatuses.Conflicted
            : winner.Origins >= 2 ? ClaimStatuses.Corroborated
            : ClaimStatuses.SingleSource;
        var best = winner.Best;
        var consensus = new ConsensusValue
        {
            Value = best.Mention.Value,
            Unit = best.Mention.Unit,
            Qualifier = best.Mention.Qualifier,
            Lower = best.Mention.Lower,
            Upper = best.Mention.Upper,
            Confidence = Math.Round((double)winner.Origins / totalOrigins, 4),
        };
        return new ConsensusDecision(consensus, status);
    }

    /// <summary>Two mentions agree when their intervals overlap; a missing bound is open.</summary>
    public static bool Agree(MentionRecorded a, MentionRecorded b)
    {
        var (aLow, aHigh) = Interval(a);
        var (bLow, bHigh) = Interval(b);
        return (aLow is null || bHigh is null || aLow <= bHigh) && (bLow is null || aHigh is null || bLow <= aHigh);
    }

    private static (decimal? Low, decimal? High) Interval(MentionRecorded recorded) => Interval(recorded.Mention);

    private static (decimal? Low, decimal? High) Interval(ClaimMention m) => m.Qualifier switch
    {
        Qualifiers.Over => (m.Lower ?? m.Value, m.Upper),
        Qualifiers.Under => (m.Lower, m.Upper ?? m.Value),
        _ => (m.Lower ?? m.Value, m.Upper ?? m.Value),
    };

    /// <summary>The narrowest interval; an open one is the least precise. Ties go to the latest, then by id.</summary>
    private static MentionRecorded MostPrecise(IEnumerable<MentionRecorded> group) => group
        .OrderBy(Width)
        .ThenByDescending(m => m.Article.PublishedAt)
        .ThenBy(m => m.MentionId)
        .First();

    private static decimal Width(MentionRecorded m)
    {
        var (low, high) = Interval(m);
        return low is null || high is null ? decimal.MaxValue : high.Value - low.Value;
    }
}
