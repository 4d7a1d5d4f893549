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
    /// <summary>Why: one of <see cref="ChangeReasons"/>.</summary>
    public required string Reason { get; init; }
    /// <summary>The mention that caused it, when one did.</summary>
    public Guid? CausedByMentionId { get; init; }
    /// <summary>Publication time of the article behind the cause, for time travel by publication.</summary>
    public DateTimeOffset? CausePublishedAt { get; init; }
    /// <summary>When reconciliation decided it.</summary>
    public required DateTimeOffset ChangedAt { get; init; }
}

/// <summary>Stored when a mention is counted in another independent-origin group (a reprint or translation was recognised).</summary>
public sealed record MentionRegrouped
{
    /// <summary>The claim.</summary>
    public required string ClaimId { get; init; }
    /// <summary>The mention.</summary>
    public required Guid MentionId { get; init; }
    /// <summary>The origin group it counted in until now.</summary>
    public required string PreviousOrigin { get; init; }
    /// <summary>The origin group it counts in from now on.</summary>
    public required string Origin { get; init; }
}

/// <summary>Stored when a mention no longer stands because its article was corrected (the same url, a new text).</summary>
public sealed record MentionRetracted
{
    /// <summary>The claim.</summary>
    public required string ClaimId { get; init; }
    /// <summary>The mention of the old revision.</summary>
    public required Guid MentionId { get; init; }
    /// <summary>The corrected article.</summary>
    public required string ArticleId { get; init; }
    /// <summary>The revision that replaced the one the mention was read from.</summary>
    public required int ByRevision { get; init; }
}

/// <summary>Stored when the same source later said something else about the same claim: its older mention stops voting.</summary>
public sealed record MentionSuperseded
{
    /// <summary>The claim.</summary>
    public required string ClaimId { get; init; }
    /// <summary>The older mention.</summary>
    public required Guid MentionId { get; init; }
    /// <summary>The later mention of the same source.</summary>
    public required Guid SupersededBy { get; init; }
}

/// <summary>Stored when a superseded mention votes again (the later mention that superseded it was itself retracted or outdated).</summary>
public sealed record MentionReinstated
{
    /// <summary>The claim.</summary>
    public required string ClaimId { get; init; }
    /// <summary>The mention.</summary>
    public required Guid MentionId { get; init; }
}

/// <summary>One group of agreeing origins behind a value.</summary>
public sealed record ValueGroup
{
    /// <summary>The group's most precise value.</summary>
    public required decimal Value { get; init; }
    /// <summary>Lower bound of that value; null is open.</summary>
    public decimal? Lower { get; init; }
    /// <summary>Upper bound of that value; null is open.</summary>
    public decimal? Upper { get; init; }
    /// <summary>The origin groups that state it.</summary>
    public required IReadOnlyList<string> Origins { get; init; }
    /// <summary>The mentions in it.</summary>
    public required IReadOnlyList<Guid> Mentions { get; init; }
    /// <summary>Its weight: each origin once, by source reliability and precision.</summary>
    public required double Weight { get; init; }
}

/// <summary>Stored when two or more disagreeing groups each carry real weight.</summary>
public sealed record ConflictDetected
{
    /// <summary>The claim.</summary>
    public required string ClaimId { get; init; }
    /// <summary>The winning group first, then the others, heaviest first.</summary>
    public required IReadOnlyList<ValueGroup> Groups { get; init; }
}

/// <summary>Stored when a conflicted claim no longer is.</summary>
public sealed record ConflictResolved
{
    /// <summary>The claim.</summary>
    public required string ClaimId { get; init; }
    /// <summary>Why: the reason of the consensus change that resolved it.</summary>
    public required string Reason { get; init; }
}

/// <summary>Stored in a source's stream when reconciliation's estimate of its reliability changes.</summary>
public sealed record SourceReliabilityChanged
{
    /// <summary>The source (outlet).</summary>
    public required string Source { get; init; }
    /// <summary>Claims where it agreed with the consensus.</summary>
    public required int Agreements { get; init; }
    /// <summary>Claims where it disagreed.</summary>
    public required int Disagreements { get; init; }
    /// <summary>The estimate before; null the first time.</summary>
    public double? Previous { get; init; }
    /// <summary>The estimate now, in (0, 1).</summary>
    public required double Reliability { get; init; }
    /// <summary>When it was computed.</summary>
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
    /// <summary><see cref="MentionRegrouped"/>.</summary>
    public const string MentionRegrouped = "claim.mention-regrouped.v1";
    /// <summary><see cref="MentionRetracted"/>.</summary>
    public const string MentionRetracted = "claim.mention-retracted.v1";
    /// <summary><see cref="MentionSuperseded"/>.</summary>
    public const string MentionSuperseded = "claim.mention-superseded.v1";
    /// <summary><see cref="MentionReinstated"/>.</summary>
    public const string MentionReinstated = "claim.mention-reinstated.v1";
    /// <summary><see cref="SourceReliabilityChanged"/>.</summary>
    public const string SourceReliabilityChanged = "source.reliability-changed.v1";
    /// <summary><see cref="ConflictDetected"/>.</summary>
    public const string ConflictDetected = "claim.conflict-detected.v1";
    /// <summary><see cref="ConflictResolved"/>.</summary>
    public const string ConflictResolved = "claim.conflict-resolved.v1";
}

/// <summary>The stored event types by stream kind, for registering them with an event store in one go.</summary>
public static class EventCatalog
{
    /// <summary>What an article stream holds.</summary>
    public static IReadOnlyList<(string Alias, Type Type)> ArticleStream { get; } =
    [
        (EventAliases.ArticleReceived, typeof(ArticleReceived)),
        (EventAliases.ClaimExtracted, typeof(ClaimExtracted)),
    ];

    /// <summary>What a claim stream holds.</summary>
    public static IReadOnlyList<(string Alias, Type Type)> ClaimStream { get; } =
    [
        (EventAliases.MentionRecorded, typeof(MentionRecorded)),
        (EventAliases.MentionRegrouped, typeof(MentionRegrouped)),
        (EventAliases.MentionRetracted, typeof(MentionRetracted)),
        (EventAliases.MentionSuperseded, typeof(MentionSuperseded)),
        (EventAliases.MentionReinstated, typeof(MentionReinstated)),
        (EventAliases.ConsensusChanged, typeof(ConsensusChanged)),
        (EventAliases.ConflictDetected, typeof(ConflictDetected)),
        (EventAliases.ConflictResolved, typeof(ConflictResolved)),
    ];

    /// <summary>What a source stream holds.</summary>
    public static IReadOnlyList<(string Alias, Type Type)> SourceStream { get; } =
    [
        (EventAliases.SourceReliabilityChanged, typeof(SourceReliabilityChanged)),
    ];
}

/// <summary>Why a claim's consensus changed.</summary>
public static class ChangeReasons
{
    /// <summary>A new mention arrived.</summary>
    public const string MentionRecorded = "mention-recorded";
    /// <summary>A mention's article was corrected.</summary>
    public const string MentionRetracted = "mention-retracted";
    /// <summary>Reprints or translations were recognised, so origins were counted anew.</summary>
    public const string Origins = "origins";
    /// <summary>Source reliabilities changed.</summary>
    public const string Reliability = "reliability";
}

/// <summary>Stream ids: one stream per article and one per claim.</summary>
public static class StreamIds
{
    /// <summary>The stream of an article.</summary>
    public static string Article(string articleId) => "article-" + articleId;
    /// <summary>The stream of a claim.</summary>
    public static string Claim(string claimId) => "claim-" + claimId;
    /// <summary>The claim whose stream this is (<see cref="Claim"/> undone).</summary>
    public static string ClaimIdOf(string streamId) =>
        streamId.StartsWith("claim-", StringComparison.Ordinal) ? streamId["claim-".Length..] : throw new ArgumentException($"Not a claim stream: {streamId}", nameof(streamId));
    /// <summary>The stream of a source's reliability.</summary>
    public static string Source(string source) => "source-" + source;
}
