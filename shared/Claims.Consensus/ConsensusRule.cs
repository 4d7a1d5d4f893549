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
        var voters = Voters(mentions).OrderBy(m => m.MentionId).ToList();
        var groups = new Gathering(voters, options).Groups();

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

    /// <summary>
    /// Whether the mentions that would vote all agree with one another, so that no weighting of sources can change
    /// the decision: every candidate then gathers every voter into one group with no dissent, and the consensus is its
    /// most precise mention (by width, publication and id), whatever the weights, as long as they are positive.
    /// Intervals on a line overlap pairwise exactly when the highest lower bound is at most the lowest upper bound.
    /// </summary>
    public static bool IsUnanimous(IReadOnlyCollection<IVote> mentions, ConsensusOptions options)
    {
        var voters = Voters(mentions);
        decimal? highestLow = null;
        decimal? lowestHigh = null;
        foreach (var voter in voters)
        {
            if (!(options.Reliability(voter.Source) > 0))
            {
                return false;
            }
            var (low, high) = Interval(voter, options);
            if (low is { } l && (highestLow is null || l > highestLow))
            {
                highestLow = l;
            }
            if (high is { } h && (lowestHigh is null || h < lowestHigh))
            {
                lowestHigh = h;
            }
        }
        return voters.Count > 0 && (highestLow is null || lowestHigh is null || highestLow <= lowestHigh);
    }

    /// <summary>Targets and forecasts vote only when no fact exists.</summary>
    private static List<IVote> Voters(IReadOnlyCollection<IVote> mentions)
    {
        var facts = mentions.Where(m => m.Qualifier is not (Qualifiers.Target or Qualifiers.Forecast)).ToList();
        return facts.Count > 0 ? facts : [.. mentions];
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

    /// <summary>Whether two intervals overlap; a missing bound is open.</summary>
    internal static bool Overlap((decimal? Low, decimal? High) a, (decimal? Low, decimal? High) b) =>
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

    /// <summary>
    /// The groups of agreeing mentions, winner first: each candidate gathers every remaining mention whose interval
    /// overlaps its own; the heaviest gathering becomes a group and leaves, and the rest gather again, until none is
    /// left. Ties go to the most recent publication, then the most precise best mention, then its id.
    /// </summary>
    /// <remarks>
    /// A claim repeated by hundreds of articles is decided again with each batch that touches it, so this works on
    /// precomputed intervals, weights and bit sets of who agrees with whom, and gathers again only the candidates that
    /// agreed with a group that left (the figure compared with every other one, each time anew, took a fifth of
    /// reconciliation's CPU under load). Sums run in the order the plain definition runs them, so weights are equal
    /// to the last bit.
    /// </remarks>
    private sealed class Gathering
    {
        private readonly IReadOnlyList<IVote> _voters;
        private readonly double[] _weights;
        private readonly decimal[] _widths;
        private readonly int[] _origins;
        private readonly ulong[][] _agreeing;
        private readonly ulong[] _remaining;

        // Scratch space of one gathering: each origin's heaviest mention so far, the origins in the order they first
        // appear, and which gathering last saw each origin (so that nothing needs clearing between gatherings).
        private readonly double[] _originWeights;
        private readonly int[] _originSeen;
        private readonly List<int> _originOrder = [];
        private int _gathering;

        public Gathering(IReadOnlyList<IVote> voters, ConsensusOptions options)
        {
            _voters = voters;
            var count = voters.Count;
            var intervals = voters.Select(v => Interval(v, options)).ToArray();
            _weights = [.. voters.Select(v => Weight(v, options))];
            _widths = [.. voters.Select(v => Width(v, options))];
            var origins = new Dictionary<string, int>(StringComparer.Ordinal);
            _origins = [.. voters.Select(v => origins.TryGetValue(v.Origin, out var index) ? index : origins[v.Origin] = origins.Count)];
            _agreeing = new ulong[count][];
            for (var i = 0; i < count; i++)
            {
                _agreeing[i] = new ulong[Words(count)];
            }
            for (var i = 0; i < count; i++)
            {
                for (var j = i; j < count; j++)
                {
                    if (Overlap(intervals[i], intervals[j]))
                    {
                        _agreeing[i][j >> 6] |= 1UL << j;
                        _agreeing[j][i >> 6] |= 1UL << i;
                    }
                }
            }
            _remaining = new ulong[Words(count)];
            for (var i = 0; i < count; i++)
            {
                _remaining[i >> 6] |= 1UL << i;
            }
            _originWeights = new double[origins.Count];
            _originSeen = new int[origins.Count];
        }

        public List<ValueGroup> Groups()
        {
            var groups = new List<ValueGroup>();
            var gathered = new Group?[_voters.Count];
            while (_remaining.Any(word => word != 0))
            {
                Group? best = null;
                foreach (var candidate in Members(_remaining))
                {
                    var group = gathered[candidate] ??= Gather(candidate);
                    if (best is null || Precedes(group, best))
                    {
                        best = group;
                    }
                }
                groups.Add(best!.ToValueGroup(_voters));
                for (var w = 0; w < _remaining.Length; w++)
                {
                    _remaining[w] &= ~best.Members[w];
                }
                // Only the candidates that agreed with a member of the group that left gather differently now.
                foreach (var left in Members(best.Members))
                {
                    foreach (var affected in Members(_agreeing[left]))
                    {
                        gathered[affected] = null;
                    }
                }
            }
            return groups;
        }

        private Group Gather(int candidate)
        {
            _gathering++;
            var members = new ulong[_remaining.Length];
            for (var w = 0; w < members.Length; w++)
            {
                members[w] = _agreeing[candidate][w] & _remaining[w];
            }
            // Each origin counts once, with its heaviest mention; origins summed in the order they first appear.
            _originOrder.Clear();
            var latest = DateTimeOffset.MinValue;
            var best = -1;
            foreach (var member in Members(members))
            {
                var origin = _origins[member];
                if (_originSeen[origin] != _gathering)
                {
                    _originSeen[origin] = _gathering;
                    _originOrder.Add(origin);
                    _originWeights[origin] = _weights[member];
                }
                else if (_weights[member] > _originWeights[origin])
                {
                    _originWeights[origin] = _weights[member];
                }
                var published = _voters[member].PublishedAt;
                latest = published > latest ? published : latest;
                if (best < 0 || MorePrecise(member, best))
                {
                    best = member;
                }
            }
            var weight = 0d;
            foreach (var origin in _originOrder)
            {
                weight += _originWeights[origin];
            }
            return new Group(members, weight, latest, best);
        }

        /// <summary>The narrowest interval, then the most recent publication, then the lowest id.</summary>
        private bool MorePrecise(int a, int b)
        {
            var byWidth = _widths[a].CompareTo(_widths[b]);
            if (byWidth != 0)
            {
                return byWidth < 0;
            }
            var byPublication = _voters[a].PublishedAt.CompareTo(_voters[b].PublishedAt);
            return byPublication != 0 ? byPublication > 0 : _voters[a].MentionId.CompareTo(_voters[b].MentionId) < 0;
        }

        private bool Precedes(Group a, Group b)
        {
            if (a.Weight != b.Weight)
            {
                return a.Weight > b.Weight;
            }
            if (a.Latest != b.Latest)
            {
                return a.Latest > b.Latest;
            }
            var byWidth = _widths[a.Best].CompareTo(_widths[b.Best]);
            return byWidth != 0 ? byWidth < 0 : _voters[a.Best].MentionId.CompareTo(_voters[b.Best].MentionId) < 0;
        }

        private static int Words(int count) => (count + 63) >> 6;

        private static IEnumerable<int> Members(ulong[] set)
        {
            for (var w = 0; w < set.Length; w++)
            {
                for (var word = set[w]; word != 0; word &= word - 1)
                {
                    yield return (w << 6) + System.Numerics.BitOperations.TrailingZeroCount(word);
                }
            }
        }

        private sealed record Group(ulong[] Members, double Weight, DateTimeOffset Latest, int Best)
        {
            public ValueGroup ToValueGroup(IReadOnlyList<IVote> voters)
            {
                var best = voters[Best];
                var members = Gathering.Members(Members).Select(i => voters[i]).ToList();
                return new ValueGroup
                {
                    Value = best.Value,
                    Lower = best.Lower,
                    Upper = best.Upper,
                    Origins = [.. members.Select(m => m.Origin).Distinct().Order(StringComparer.Ordinal)],
                    // The best mention first: it carries the group's value.
                    Mentions = [best.MentionId, .. members.Where(m => m != best).Select(m => m.MentionId).Order()],
                    Weight = Math.Round(Weight, 6),
                };
            }
        }
    }

    /// <summary>The values a mention admits: its rounding, hedge band or open end (<see cref="Agree(IVote, IVote, ConsensusOptions)"/>).</summary>
    internal static (decimal? Low, decimal? High) Interval(IVote m, ConsensusOptions options) => Interval(m.Qualifier, m.Value, m.Lower, m.Upper, options);

    /// <summary>An approximate figure gets the configured band around it, whatever band the extractor read.</summary>
    private static (decimal? Low, decimal? High) Interval(string qualifier, decimal value, decimal? lower, decimal? upper, ConsensusOptions options) => qualifier switch
    {
        Qualifiers.Over => (lower ?? value, upper),
        Qualifiers.Under => (lower, upper ?? value),
        Qualifiers.Approx => (value * (1 - options.ApproxTolerance), value * (1 + options.ApproxTolerance)),
        _ => (lower ?? value, upper ?? value),
    };

    /// <summary>The width of a mention's interval: the narrowest is the most precise; an open one the least.</summary>
    public static decimal Width(IVote m, ConsensusOptions options)
    {
        var (low, high) = Interval(m, options);
        return low is null || high is null ? decimal.MaxValue : high.Value - low.Value;
    }
}
