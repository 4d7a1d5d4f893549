namespace Claims.Consensus;

/// <summary>
/// When one source later says something else about the same claim, its older mention stops voting: sources
/// revise their own figures, and counting both would pit a source against itself.
/// </summary>
public static class Supersession
{
    /// <summary>
    /// The mention that supersedes each superseded one among <paramref name="standing"/> (mentions not retracted):
    /// the latest-published mention of the same source, from another article, that disagrees with it (ties: the lowest
    /// id). Derived from the set alone, so any arrival order ends the same.
    /// </summary>
    /// <remarks>
    /// Only a mention's own source can supersede it, and each source's mentions are ordered once, newest first, with
    /// their intervals computed once: the first of them, newer than a mention, that qualifies is its superseder. A
    /// source revising its figure is found at the first step. Searching and sorting each mention's candidates anew
    /// took a sixth of reconciliation's CPU at full load, on claims with hundreds of mentions from a few outlets.
    /// </remarks>
    public static IReadOnlyDictionary<Guid, TVote> Superseders<TVote>(IReadOnlyCollection<TVote> standing, ConsensusOptions options)
        where TVote : IVote
    {
        var superseders = new Dictionary<Guid, TVote>();
        foreach (var source in standing.GroupBy(v => v.Source, StringComparer.Ordinal))
        {
            var newestFirst = source.OrderByDescending(v => v.PublishedAt).ThenBy(v => v.MentionId).ToArray();
            if (newestFirst.Length < 2)
            {
                continue;
            }
            var intervals = Array.ConvertAll(newestFirst, v => ConsensusRule.Interval(v, options));
            for (var older = 1; older < newestFirst.Length; older++)
            {
                var olderVote = newestFirst[older];
                for (var newer = 0; newer < older && newestFirst[newer].PublishedAt > olderVote.PublishedAt; newer++)
                {
                    if (!string.Equals(newestFirst[newer].ArticleId, olderVote.ArticleId, StringComparison.Ordinal)
                        && !ConsensusRule.Overlap(intervals[newer], intervals[older]))
                    {
                        superseders[olderVote.MentionId] = newestFirst[newer];
                        break;
                    }
                }
            }
        }
        return superseders;
    }
}
