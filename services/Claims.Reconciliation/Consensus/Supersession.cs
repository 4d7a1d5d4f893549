using Claims.Contracts.Events;

namespace Claims.Reconciliation.Consensus;

/// <summary>
/// When one source later says something else about the same claim, its older mention stops voting: sources
/// revise their own figures, and counting both would pit a source against itself.
/// </summary>
public static class Supersession
{
    /// <summary>
    /// What the state implies but does not record yet: mentions to supersede (or supersede by a later one) and
    /// mentions to reinstate. Derived from the standing mentions alone, so any arrival order ends the same.
    /// </summary>
    public static IEnumerable<object> Of(ClaimState state, ConsensusOptions options)
    {
        var standing = state.Mentions.Values.Where(t => !t.Retracted).ToList();
        // Only a mention's own source can supersede it: comparing within sources keeps a claim with hundreds of
        // mentions from costing the square of them at every decision.
        var bySource = standing.ToLookup(t => t.Article.Source, StringComparer.Ordinal);
        foreach (var older in standing.OrderBy(t => t.MentionId))
        {
            var newer = bySource[older.Article.Source]
                .Where(n => n.Article.ArticleId != older.Article.ArticleId
                    && n.Article.PublishedAt > older.Article.PublishedAt
                    && !ConsensusRule.Agree(n.Mention, older.Mention, options))
                .OrderByDescending(n => n.Article.PublishedAt)
                .ThenBy(n => n.MentionId)
                .FirstOrDefault();
            if (newer?.MentionId == older.SupersededBy)
            {
                continue;
            }
            yield return newer is null
                ? new MentionReinstated { ClaimId = state.ClaimId, MentionId = older.MentionId }
                : new MentionSuperseded { ClaimId = state.ClaimId, MentionId = older.MentionId, SupersededBy = newer.MentionId };
        }
    }
}
