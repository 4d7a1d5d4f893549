namespace Claims.Contracts;

/// <summary>
/// Published by ingestion for every claim mention it stores: the mention as in <see cref="ClaimMention"/>
/// plus where it was read. The message id is the id of the stored event, so subscribers can deduplicate.
/// </summary>
public sealed record ClaimExtracted
{
    /// <summary>Identity of this mention: the same article revision and evidence always give the same id.</summary>
    public required Guid MentionId { get; init; }
    /// <summary>The article the mention was read from.</summary>
    public required string ArticleId { get; init; }
    /// <summary>1 for the first text posted at a url, 2 after its first correction, and so on.</summary>
    public required int ArticleRevision { get; init; }
    /// <summary>The outlet, as posted (for example <c>Kazinform</c>).</summary>
    public required string Source { get; init; }
    /// <summary>The article's url, when posted with one.</summary>
    public string? Url { get; init; }
    /// <summary>When the article was published.</summary>
    public required DateTimeOffset PublishedAt { get; init; }
    /// <summary><c>ru</c>, <c>kk</c> or <c>en</c>.</summary>
    public required string Language { get; init; }

    /// <inheritdoc cref="ClaimMention.ClaimId"/>
    public required string ClaimId { get; init; }
    /// <inheritdoc cref="ClaimMention.Metric"/>
    public required string Metric { get; init; }
    /// <inheritdoc cref="ClaimMention.Subjects"/>
    public required IReadOnlyList<string> Subjects { get; init; }
    /// <inheritdoc cref="ClaimMention.Direction"/>
    public string? Direction { get; init; }
    /// <inheritdoc cref="ClaimMention.Period"/>
    public string? Period { get; init; }
    /// <inheritdoc cref="ClaimMention.Value"/>
    public required decimal Value { get; init; }
    /// <inheritdoc cref="ClaimMention.Unit"/>
    public required string Unit { get; init; }
    /// <inheritdoc cref="ClaimMention.Noun"/>
    public string? Noun { get; init; }
    /// <inheritdoc cref="ClaimMention.Qualifier"/>
    public required string Qualifier { get; init; }
    /// <inheritdoc cref="ClaimMention.Lower"/>
    public decimal? Lower { get; init; }
    /// <inheritdoc cref="ClaimMention.Upper"/>
    public decimal? Upper { get; init; }
    /// <inheritdoc cref="ClaimMention.Evidence"/>
    public required Evidence Evidence { get; init; }
    /// <inheritdoc cref="ClaimMention.Confidence"/>
    public required double Confidence { get; init; }
}
