using Claims.Consensus;
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

/// <summary>A claim with every mention of it; <see cref="AsOf"/> says which past state it is, when it is one.</summary>
public sealed record ClaimDetail : ClaimSummary
{
    public required IReadOnlyList<MentionView> Mentions { get; init; }

    /// <summary>
    /// The groups of agreeing origins the consensus rule finds among the voting mentions, the winner first: who
    /// stands with whom. Absent when travelling by recorded time (the groups of then are not kept, only the consensus).
    /// </summary>
    public IReadOnlyList<PositionView>? Positions { get; init; }

    public TimeTravelView? AsOf { get; init; }
}

/// <summary>
/// One side of a claim: a group of mentions whose intervals agree, the value it stands for (its most precise
/// mention's), and its weight (each independent origin once, by source reliability and precision).
/// </summary>
public sealed record PositionView
{
    public required decimal Value { get; init; }
    public required string Unit { get; init; }
    public required string Qualifier { get; init; }
    public decimal? Lower { get; init; }
    public decimal? Upper { get; init; }
    /// <summary>True for the winning group, whose value is the consensus; false for the groups that lost to it.</summary>
    public bool? AgreesWithConsensus { get; init; }
    public required double Weight { get; init; }
    public required int OriginCount { get; init; }
    public required IReadOnlyList<string> Origins { get; init; }
    public required IReadOnlyList<string> Sources { get; init; }
    public required IReadOnlyList<MentionView> Mentions { get; init; }
}

/// <summary>Which past state a <see cref="ClaimDetail"/> shows.</summary>
/// <param name="At">The asOf time asked for.</param>
/// <param name="By"><c>recorded</c> or <c>published</c>.</param>
/// <param name="Version">
/// By recorded: the claim version whose consensus and status are shown. By published: the latest version caused by an
/// article published by then.
/// </param>
/// <param name="ConsensusIncludesLaterArticles">
/// Always false. By publication, the consensus is decided again from the articles published by then, so no later
/// article is ever in it; the field stays for the clients that read it.
/// </param>
public sealed record TimeTravelView(DateTimeOffset At, string By, long Version, bool ConsensusIncludesLaterArticles);

/// <summary>One mention of a claim, with the article it was read from and the origin group it counts in.</summary>
public sealed record MentionView : IVote
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
    /// <summary>No longer votes: the same source said something else later, or the article was corrected (then also <see cref="Retracted"/>).</summary>
    public required bool Superseded { get; init; }
    /// <summary>The article was corrected and this mention's text is gone from it.</summary>
    public bool Retracted { get; init; }
    public required DateTimeOffset RecordedAt { get; init; }

    /// <summary>Whether the mention's interval overlaps the consensus's; null while the claim has no consensus.</summary>
    public bool? AgreesWithConsensus { get; init; }
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

public sealed record ClaimPage(IReadOnlyList<ClaimSummary> Items, long Total, int Page, int PageSize, string Sort);

/// <summary>A value of a filter and how many claims have it.</summary>
public sealed record FacetCount(string Value, int Count);

/// <summary>The metrics and subjects claims have, for filter menus.</summary>
public sealed record ClaimFacets(IReadOnlyList<FacetCount> Metrics, IReadOnlyList<FacetCount> Subjects, IReadOnlyList<FacetCount> Statuses);
