using Claims.Benchmarks.Profiling;

namespace Claims.Benchmarks.Pipeline;

/// <summary>The saturated phase: what the whole pipeline carries when it always has work.</summary>
public sealed record SustainedFigures(
    double WarmupSeconds,
    double Seconds,
    int Clients,
    int MaxBacklogClaims,
    double VisibleClaimsPerSecond,
    double AcceptedClaimsPerSecond,
    double ArticlesPerSecond,
    double MeanClaimsPerArticle,
    double ClaimChangedPerSecond,
    LatencySummary? PostAnswered,
    int DistinctClaimIds,
    long AcceptedClaims,
    long Undrained,
    double DrainSeconds,
    int Failures,
    IReadOnlyList<TimelinePoint> Timeline);

/// <summary>Claims per second in one slice of the saturated phase (seconds from its start, warm-up and drain included).</summary>
public sealed record TimelinePoint(double FromSecond, double VisiblePerSecond, double AcceptedPerSecond);

/// <summary>The open-loop phase at half the sustained rate: how long a claim takes to show.</summary>
public sealed record LatencyFigures(
    double TargetClaimsPerSecond,
    double ArticlesPerSecond,
    double Seconds,
    int Articles,
    int Claims,
    long BacklogAtStart,
    double VisibleClaimsPerSecond,
    int LateSends,
    LatencySummary? PostAnswered,
    LatencySummary? PostToVisible,
    LatencySummary? PostToClaimChanged,
    int MentionsThatChangedAClaim,
    long Undrained,
    double DrainSeconds,
    int Failures);

/// <summary>Ingestion alone, flooded without a backlog limit at the end of the run: the first stage's capacity.</summary>
public sealed record IngestionFigures(
    double Seconds,
    int Clients,
    double AcceptedClaimsPerSecond,
    double ArticlesPerSecond,
    LatencySummary? PostAnswered,
    double RelayedClaimsPerSecond,
    long RelayLagAtEnd,
    ProfileWindow Profile);

/// <summary>How the load spread over claims: a claim's mentions are reconciled one at a time.</summary>
public sealed record ClaimSpread(
    int DistinctClaimIds,
    double MeanMentionsPerClaim,
    IReadOnlyList<KeyValuePair<string, int>> Hottest,
    long ArticlesTakenForReprints,
    long LargestOriginGroup);

/// <summary>Everything the pipeline phases measured, with the profile of each window and what it says.</summary>
public sealed record PipelineFigures(
    GeneratorCheck Generator,
    SustainedFigures Sustained,
    LatencyFigures Latency,
    IngestionFigures IngestionOnly,
    ClaimSpread Spread,
    IReadOnlyDictionary<string, double> PeakMemoryMb,
    IReadOnlyDictionary<string, MemorySnapshot> MemoryAfterSaturation,
    IReadOnlyDictionary<string, double> CompilingCoresWhileSaturated,
    ProfileWindow IdleProfile,
    IReadOnlyList<double> IdleClaimChangedPerSecond,
    ProfileWindow SaturatedProfile,
    ProfileWindow HalfLoadProfile,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> ClaimChangedPerSecondByCause,
    IReadOnlyList<string> Findings,
    IReadOnlyList<string> Errors,
    int StreamReconnects,
    RebuildFigures Rebuild);
