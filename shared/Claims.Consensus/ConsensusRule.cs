using Claims.Contracts;
using Claims.Contracts.Events;

namespace Claims.Consensus;

/// <summary>The consensus of a claim, its status, and the groups of agreeing origins behind them (winner first).</summary>
public sealed record ConsensusDecision(ConsensusValue Consensus, string Status, IReadOnlyList<ValueGroup> Groups);

/// <summary>
/// Values are intervals (an exact figure carries its rounding, a hedge its band, "over" an open end); two mentions
/// agree when their intervals overlap. Each candidate value gathers the mentions that agree with it; a group
/// weighs the sum over its independent origins of the heaviest mention each contributes (reliability times
/// precision), so a reprint or a translation never counts twice. The heaviest group wins (ties: the most recent
/// publication, then the most precise figure); the consensus value is the most precise mention in it. Targets and
/// forecasts vote only when no fact exists. The result depends only on the set of mentions.
/// </summary>
public static class ConsensusRule
{
    public static ConsensusDecision Decide(IReadOnlyCollection<IVote> mentions, ConsensusOptions options)
    {
        if (mentions.Count == 0)
        {
            throw new ArgumentException("A consensus needs at least one voting mention.", nameof(mentions));
        }
        var facts = mentions.Where(m => m.Qualifier is not (Qualifiers.Target or Qualifiers.Forecast)).ToList();
        var voters = (facts.Count > 0 ? facts : [.. mentions]).OrderBy(m => m.MentionId).ToList();

        var groups = new List<ValueGroup>();
        var remaining = voters;
        // The winner first, then the heaviest group among what is left, and so on: the shape of a conflict.
        while (remaining.Count > 0)
        {
            var best = remaining
                .Select(candidate => Gather(candidate, remaining, options))
                .OrderByDescending(g => g.Weight)
                .ThenByDescending(g => g.Latest)
                .ThenBy(g => Width(g.Best, options))
                .ThenBy(g => g.Best.MentionId)
                .First();
            groups.Add(best.ToValueGroup());
            remaining = [.. remaining.Where(m => !best.Members.Contains(m))];
        }

        var winner = groups[0];
        var winnerOrigins = winner.Origins.ToHashSet();
        // An origin with a mention in the winning group stands with it, whatever else it said; every other origin
        // dissents with the weight of its heaviest mention.
        var dissent = voters
            .Where(m => !winnerOrigins.Contains(m.Origin))
            .GroupBy(m => m.Origin)
            .Sum(origin => origin.Max(m => Weight(m, options)));
        var status = dissent >= options.ConflictShare * winner.Weight ? ClaimStatuses.Conflicted
            : winner.Origins.Count >= 2 ? ClaimStatuses.Corroborated
            : ClaimStatuses.SingleSource;
        var bestMention = voters.First(m => m.MentionId == winner.Mentions[0]);
        var consensus = new ConsensusValue
        {
            Value = bestMention.Value,
            Unit = bestMention.Unit,
            Qualifier = bestMention.Qualifier,
            Lower = bestMention.Lower,
            Upper = bestMention.Upper,
            // To the percent: a slight reweighting of sources must not republish every conflicted claim.
            Confidence = Math.Round(winner.Weight / (winner.Weight + dissent), 2),
        };
        return new ConsensusDecision(consensus, status, groups);
    }

    /// <summary>Two mentions agree when their intervals overlap; a missing bound is open.</summary>
    public static bool Agree(IVote a, IVote b, ConsensusOptions options) => Overlap(Interval(a, options), Interval(b, options));

    /// <summary>Whether a mention agrees with a consensus value (their intervals overlap).</summary>
    public static bool Agree(IVote mention, ConsensusValue consensus, ConsensusOptions options) =>
        Agree(mention.Qualifier, mention.Value, mention.Lower, mention.Upper, consensus, options);

    /// <summary>Whether a stated figure agrees with a consensus value (their intervals overlap).</summary>
    public static bool Agree(string qualifier, decimal value, decimal? lower, decimal? upper, ConsensusValue consensus, ConsensusOptions options) =>
        Overlap(
            Interval(qualifier, value, lower, upper, options),
            Interval(consensus.Qualifier, consensus.Value, consensus.Lower, consensus.Upper, options));

    private static bool Overlap((decimal? Low, decimal? High) a, (decimal? Low, decimal? High) b) =>
        (a.Low is null || b.High is null || a.Low <= b.High) && (b.Low is null || a.High is null || b.Low <= a.High);

    public static double Precision(IVote mention, ConsensusOptions options) => mention.Qualifier switch
    {
        Qualifiers.Exact => options.ExactWeight,
        Qualifiers.Range => options.RangeWeight,
        Qualifiers.Approx => options.ApproxWeight,
        Qualifiers.Over or Qualifiers.Under => options.BoundWeight,
        // Targets and forecasts only vote among themselves, where they weigh as what they are hedged as.
        _ => mention.Lower == mention.Upper ? options.ExactWeight : options.ApproxWeight,
    };

    private static double Weight(IVote m, ConsensusOptions options) => options.Reliability(m.Source) * Precision(m, options);

    private sealed record Group(IReadOnlyList<IVote> Members, double Weight, DateTimeOffset Latest, IVote Best)
    {
        public ValueGroup ToValueGroup() => new()
        {
            Value = Best.Value,
            Lower = Best.Lower,
            Upper = Best.Upper,
            Origins = [.. Members.Select(m => m.Origin).Distinct().Order(StringComparer.Ordinal)],
            // The best mention first: it carries the group's value.
            Mentions = [Best.MentionId, .. Members.Where(m => m != Best).Select(m => m.MentionId).Order()],
            Weight = Math.Round(Weight, 6),
        };
    }

    private static Group Gather(IVote candidate, IReadOnlyList<IVote> voters, ConsensusOptions options)
    {
        var members = voters.Where(v => Agree(candidate, v, options)).ToList();
        var weight = members
            .GroupBy(m => m.Origin)
            .Sum(origin => origin.Max(m => Weight(m, options)));
        var best = members
            .OrderBy(m => Width(m, options))
            .ThenByDescending(m => m.PublishedAt)
            .ThenBy(m => m.MentionId)
            .First();
        return new Group(members, weight, members.Max(m => m.PublishedAt), best);
    }

    private static (decimal? Low, decimal? High) Interval(IVote m, ConsensusOptions options) => Interval(m.Qualifier, m.Value, m.Lower, m.Upper, options);

    /// <summary>An approximate figure gets the configured band around it, whatever band the extractor read.</summary>
    private static (decimal? Low, decimal? High) Interval(string qualifier, decimal value, decimal? lower, decimal? upper, ConsensusOptions options) => qualifier switch
    {
        Qualifiers.Over => (lower ?? value, upper),
        Qualifiers.Under => (lower, upper ?? value),
        Qualifiers.Approx => (value * (1 - options.ApproxTolerance), value * (1 + options.ApproxTolerance)),
        _ => (lower ?? value, upper ?? value),
    };

    /// <summary>The narrowest interval is the most precise; an open one the least.</summary>
    private static decimal Width(IVote m, ConsensusOptions options)
    {
        var (low, high) = Interval(m, options);
        return low is null || high is null ? decimal.MaxValue : high.Value - low.Value;
    }
}
