namespace Claims.Contracts;

/// <summary>
/// Published by ingestion for every claim mention it stores: the mention exactly as in the public API, and the
/// article it was read from. The message id is the id of the stored event, so subscribers can deduplicate.
/// </summary>
public sealed record ClaimExtracted
{
    /// <summary>Identity of this mention: the same article revision and evidence always give the same id.</summary>
    public required Guid MentionId { get; init; }

    /// <summary>Where the mention was read.</summary>
    public required SourceArticle Article { get; init; }

    /// <summary>The claim as the extractor read it.</summary>
    public required ClaimMention Mention { get; init; }
}

/// <summary>The article a mention was read from.</summary>
public sealed record SourceArticle
{
    /// <summary>The article's id.</summary>
    public required string ArticleId { get; init; }
    /// <summary>1 for the first text posted at a url, 2 after its first correction, and so on.</summary>
    public required int Revision { get; init; }
    /// <summary>The outlet, as posted (for example <c>Kazinform</c>).</summary>
    public required string Source { get; init; }
    /// <summary>The article's url, when posted with one.</summary>
    public string? Url { get; init; }
    /// <summary>When the article was published.</summary>
    public required DateTimeOffset PublishedAt { get; init; }
    /// <summary><c>ru</c>, <c>kk</c> or <c>en</c>.</summary>
    public required string Language { get; init; }
    /// <summary>
    /// How many mentions ingestion read from this revision (one message each); null from publishers that do not say.
    /// A batch of reconciliation may see only some of them: it measures the article by this count, not by what it has
    /// seen so far, or a few common figures would make a partly seen article a reprint of every article stating them.
    /// </summary>
    public int? MentionCount { get; init; }
}
