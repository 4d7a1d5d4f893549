namespace Claims.Consensus;

/// <summary>
/// When one source later says something else about the same claim, its older mention stops voting: sources
/// revise their own figures, and counting both would pit a source against itself.
/// </summary>
public static class Supersession
{
    /// <summary>
    /// The mention that supersedes each superseded one among <paramref name="standing"/> (mentions not retracted):
    /// the latest-published mention of the same source, from another article, that disagrees with it. Derived from
    /// the set alone, so any arrival order ends the same.
    /// </summary>
    public static IReadOnlyDictionary<Guid, TVote> Superseders<TVote>(IReadOnlyCollection<TVote> standing, ConsensusOptions options)
        where TVote : IVote
    {
        // Only a mention's own source can supersede it: comparing within sources keeps a claim with hundreds of
        // mentions from costing the square of them at every decision.
        var bySource = standing.ToLookup(v => v.Source, StringComparer.Ordinal);
        var superseders = new Dictionary<Guid, TVote>();
        foreach (var older in standing)
        {
            var newer = bySource[older.Source]
                .Where(n => n.ArticleId != older.ArticleId && n.PublishedAt > older.PublishedAt && !ConsensusRule.Agree(n, older, options))
                .OrderByDescending(n => n.PublishedAt)
                .ThenBy(n => n.MentionId)
                .FirstOrDefault();
            if (newer is not null)
            {
                superseders[older.MentionId] = newer;
            }
        }
        return superseders;
    }
}
