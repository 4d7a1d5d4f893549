namespace Claims.Consensus;

/// <summary>
/// What the consensus rule reads of a mention: the figure stated, who stated it and when, and the independent origin
/// it counts in. Reconciliation's tracked mentions and the query service's mention views both are votes.
/// </summary>
public interface IVote
{
    Guid MentionId { get; }
    string ArticleId { get; }
    /// <summary>Which text of the article the mention was read from: 1, then 2 after its first correction, and so on.</summary>
    int ArticleRevision { get; }
    /// <summary>The outlet; its reliability weighs the vote.</summary>
    string Source { get; }
    DateTimeOffset PublishedAt { get; }
    /// <summary>The independent-origin group: reprints and translations of one piece share it and count once.</summary>
    string Origin { get; }
    decimal Value { get; }
    string Unit { get; }
    string Qualifier { get; }
    decimal? Lower { get; }
    decimal? Upper { get; }
}
