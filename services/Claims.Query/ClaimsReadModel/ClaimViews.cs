using Claims.Contracts;

namespace Claims.Query.ClaimsReadModel;

/// <summary>A claim's current consensus and counts: <c>ClaimSummary</c> of the public contract.</summary>
public record ClaimSummary
{
    public required string ClaimId { get; init; }
    public required string Metric { get; init; }
    public required IReadOnlyList<string> Subjects { get; init; }
    public string? Direction { get; init; }
    public string? Period { get; init; }
    public required string Unit { get; init; }
    public ConsensusValue? Consensus { get; init; }
    public string? Status { get; init; }
    public required int MentionCount { get; init; }
    public required int OriginCount { get; init; }
    public required int SourceCount { get; init; }
    public required long Version { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A claim with every mention of it.</summary>
public sealed record ClaimDetail : ClaimSummary
{
    public required IReadOnlyList<MentionView> Mentions { get; init; }
}

/// <summary>One mention of a claim, with the article it was read from and the origin group it counts in.</summary>
public sealed record MentionView
{
    public required Guid MentionId { get; init; }
    public required string ArticleId { get; init; }
    public required int ArticleRevision { get; init; }
    public required string Source { get; init; }
    public string? Url { get; init; }
    public required DateTimeOffset PublishedAt { get; init; }
    public required string Language { get; init; }
    public required decimal Value { get; init; }
    public required string Unit { get; init; }
    public required string Qualifier { get; init; }
    public decimal? Lower { get; init; }
    public decimal? Upper { get; init; }
    public required Evidence Evidence { get; init; }
    public required string Origin { get; init; }
    public required bool Superseded { get; init; }
    public required DateTimeOffset RecordedAt { get; init; }
}

/// <summary>One version of a claim's stream.</summary>
public sealed record ClaimVersion
{
    public required long Version { get; init; }
    public required DateTimeOffset RecordedAt { get; init; }
    public DateTimeOffset? PublishedAt { get; init; }
    public required string Kind { get; init; }
    public ConsensusValue? Consensus { get; init; }
    public string? Status { get; init; }
    public Guid? MentionId { get; init; }
}

public sealed record ClaimHistory(string ClaimId, IReadOnlyList<ClaimVersion> Versions);

public sealed record ClaimPage(IReadOnlyList<ClaimSummary> Items, long Total, int Page, int PageSize);
