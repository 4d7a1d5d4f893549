namespace Claims.Consensus;

/// <summary>The tunables of the consensus rule.</summary>
public sealed record ConsensusOptions
{
    public static readonly ConsensusOptions Default = new();

    /// <summary>
    /// The configuration key of <see cref="ApproxTolerance"/>. Every service that applies the rule reads the same key,
    /// so the query service judges agreement exactly as reconciliation does.
    /// </summary>
    public const string ApproxToleranceKey = "Reconciliation:ApproxTolerance";

    /// <summary>How much a mention weighs by how precise it is: an exact figure says more than a hedge or a bound.</summary>
    public double ExactWeight { get; init; } = 1.0;
    public double RangeWeight { get; init; } = 0.8;
    public double ApproxWeight { get; init; } = 0.7;
    public double BoundWeight { get; init; } = 0.5;

    /// <summary>The band an approximate figure ("about 470 million") allows on either side, as a share of it.</summary>
    public decimal ApproxTolerance { get; init; } = 0.05m;

    /// <summary>A losing side is a real conflict when it weighs at least this share of the winning group.</summary>
    public double ConflictShare { get; init; } = 0.25;

    /// <summary>The reliability of a source, in (0, 1]; every source counts fully until reliabilities are learned.</summary>
    public Func<string, double> Reliability { get; init; } = _ => 1.0;
}
