namespace Claims.Contracts.Events;

/// <summary>Stored in a claim's stream when reconciliation records a mention of it.</summary>
public sealed record MentionRecorded
{
    /// <summary>The claim.</summary>
    public required string ClaimId { get; init; }
    /// <summary>The mention's id (from ingestion), the key that makes recording idempotent.</summary>
    public required Guid MentionId { get; init; }
    /// <summary>Where the mention was read.</summary>
    public required SourceArticle Article { get; init; }
    /// <summary>The mention as extracted.</summary>
    public required ClaimMention Mention { get; init; }
    /// <summary>The independent-origin group the mention counts in.</summary>
    public required string Origin { get; init; }
}

/// <summary>Stored in a claim's stream when its consensus value or status changes.</summary>
public sealed record ConsensusChanged
{
    /// <summary>The claim.</summary>
    public required string ClaimId { get; init; }
    /// <summary>The consensus before; null for a new claim.</summary>
    public ConsensusValue? Previous { get; init; }
    /// <summary>The consensus after.</summary>
    public required ConsensusValue Current { get; init; }
    /// <summary>The status before; null for a new claim.</summary>
    public string? PreviousStatus { get; init; }
    /// <summary>The status after.</summary>
    public required string Status { get; init; }
    /// <summary>Why: <c>mention-recorded</c> and, later, <c>mention-retracted</c>, <c>reliability</c>.</summary>
    public required string Reason { get; init; }
    /// <summary>The mention that caused it, when one did.</summary>
    public Guid? CausedByMentionId { get; init; }
    /// <summary>Publication time of the article behind the cause, for time travel by publication.</summary>
    public DateTimeOffset? CausePublishedAt { get; init; }
    /// <summary>When reconciliation decided it.</summary>
    public required DateTimeOffset ChangedAt { get; init; }
}

/// <summary>Stable aliases of the stored event types: the names in the log, never CLR type names.</summary>
public static class EventAliases
{
    /// <summary><see cref="ArticleReceived"/>.</summary>
    public const string ArticleReceived = "article.received.v1";
    /// <summary><see cref="Contracts.ClaimExtracted"/>, stored in the article stream.</summary>
    public const string ClaimExtracted = "article.claim-extracted.v1";
    /// <summary><see cref="MentionRecorded"/>.</summary>
    public const string MentionRecorded = "claim.mention-recorded.v1";
    /// <summary><see cref="ConsensusChanged"/>.</summary>
    public const string ConsensusChanged = "claim.consensus-changed.v1";
}

/// <summary>Stream ids: one stream per article and one per claim.</summary>
public static class StreamIds
{
    /// <summary>The stream of an article.</summary>
    public static string Article(string articleId) => "article-" + articleId;
    /// <summary>The stream of a claim.</summary>
    public static string Claim(string claimId) => "claim-" + claimId;
}
