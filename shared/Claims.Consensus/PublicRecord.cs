namespace Claims.Consensus;

/// <summary>One text of an article, and when it was published.</summary>
public sealed record PublishedRevision(string ArticleId, int Revision, DateTimeOffset PublishedAt);

/// <summary>
/// What the public record said about a claim at a moment: the mentions published by then, which of them still
/// stood (not replaced by a correction published by then, not superseded by their own source's later word), and the
/// consensus the rule decides from those.
/// </summary>
public sealed record PublicRecordAt<TVote>(
    DateTimeOffset At,
    IReadOnlyList<TVote> Published,
    IReadOnlySet<Guid> Retracted,
    IReadOnlyDictionary<Guid, TVote> Superseders,
    ConsensusDecision? Decision)
    where TVote : IVote
{
    public bool Votes(TVote vote) => !Retracted.Contains(vote.MentionId) && !Superseders.ContainsKey(vote.MentionId);
}

/// <summary>
/// The consensus rule applied to the record as it stood at a past moment, however late its articles were ingested.
/// Everything is judged with what is known now (the origin groups found since and the sources' current
/// reliabilities), so the answer is a pure function of the mentions and the moment; at a moment after every
/// publication it is exactly what reconciliation decided.
/// </summary>
public static class PublicRecord
{
    /// <param name="mentions">Every mention of the claim, retracted and superseded ones included.</param>
    /// <param name="revisions">The known revisions of the mentions' articles; a mention's own revision counts as published when it was.</param>
    public static PublicRecordAt<TVote> At<TVote>(
        IEnumerable<TVote> mentions, IEnumerable<PublishedRevision> revisions, DateTimeOffset at, ConsensusOptions options)
        where TVote : IVote
    {
        var published = mentions.Where(m => m.PublishedAt <= at).OrderBy(m => m.PublishedAt).ThenBy(m => m.MentionId).ToList();
        // The text of each article that stood then: its latest revision published by then.
        var standingRevision = revisions
            .Select(r => (r.ArticleId, r.Revision, r.PublishedAt))
            .Concat(published.Select(m => (m.ArticleId, Revision: m.ArticleRevision, m.PublishedAt)))
            .Where(r => r.PublishedAt <= at)
            .GroupBy(r => r.ArticleId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Max(r => r.Revision), StringComparer.Ordinal);
        var retracted = published.Where(m => m.ArticleRevision < standingRevision[m.ArticleId]).Select(m => m.MentionId).ToHashSet();
        var standing = published.Where(m => !retracted.Contains(m.MentionId)).ToList();
        var superseders = Supersession.Superseders(standing, options);
        var voters = standing.Where(m => !superseders.ContainsKey(m.MentionId)).Cast<IVote>().ToList();
        var decision = voters.Count == 0 ? null : ConsensusRule.Decide(voters, options);
        return new PublicRecordAt<TVote>(at, published, retracted, superseders, decision);
    }
}
