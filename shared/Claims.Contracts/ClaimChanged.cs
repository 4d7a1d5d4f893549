namespace Claims.Contracts;

/// <summary>
/// Published by reconciliation for every change of a claim's consensus or status.
/// The message id is the id of the stored consensus-changed event, so subscribers can deduplicate.
/// </summary>
public sealed record ClaimChanged
{
    /// <summary>The claim that changed.</summary>
    public required string ClaimId { get; init; }
    /// <summary>The claim stream's version after the change.</summary>
    public required long Version { get; init; }
    /// <summary>The consensus before the change; null for a new claim.</summary>
    public ConsensusValue? Previous { get; init; }
    /// <summary>The consensus after the change.</summary>
    public required ConsensusValue Current { get; init; }
    /// <summary>The status before the change; null for a new claim.</summary>
    public string? PreviousStatus { get; init; }
    /// <summary>One of <see cref="ClaimStatuses"/>.</summary>
    public required string Status { get; init; }
    /// <summary>Why it changed (for example <c>mention-recorded</c>).</summary>
    public required string Cause { get; init; }
    /// <summary>The mention whose arrival caused the change, when one did.</summary>
    public Guid? CausedByMentionId { get; init; }
    /// <summary>When reconciliation decided it.</summary>
    public required DateTimeOffset ChangedAt { get; init; }
}

/// <summary>The value a claim currently stands at, with the bounds and confidence behind it.</summary>
public sealed record ConsensusValue
{
    /// <summary>The consensus value in base units.</summary>
    public required decimal Value { get; init; }
    /// <summary>The unit of <see cref="Value"/>.</summary>
    public required string Unit { get; init; }
    /// <summary>The qualifier of the mention the value was taken from.</summary>
    public required string Qualifier { get; init; }
    /// <summary>Lower bound; null is open.</summary>
    public decimal? Lower { get; init; }
    /// <summary>Upper bound; null is open.</summary>
    public decimal? Upper { get; init; }
    /// <summary>The winning group's share of the weight, in [0, 1], to two decimals.</summary>
    public required double Confidence { get; init; }
}

/// <summary>The statuses a claim can have.</summary>
public static class ClaimStatuses
{
    /// <summary>Only one independent origin states it.</summary>
    public const string SingleSource = "single-source";
    /// <summary>Two or more independent origins agree and none carries real weight against them.</summary>
    public const string Corroborated = "corroborated";
    /// <summary>Two or more disagreeing groups each carry real weight.</summary>
    public const string Conflicted = "conflicted";
}

/// <summary>RabbitMQ exchange names, for subscribers that do not use MassTransit.</summary>
public static class Exchanges
{
    /// <summary>Fanout exchange carrying <see cref="ClaimExtracted"/>.</summary>
    public const string ClaimExtracted = "claims.claim-extracted";
    /// <summary>Fanout exchange carrying <see cref="ClaimChanged"/>.</summary>
    public const string ClaimChanged = "claims.claim-changed";
}
