namespace Claims.Contracts.Events;

/// <summary>
/// Stored in an article's stream when a text is accepted: revision 1 at the first post, the next one at each
/// correction (the same url with a different text). Its claims follow as <see cref="ClaimExtracted"/> events.
/// </summary>
public sealed record ArticleReceived
{
    /// <summary>The article's id, derived from its url (or from its text when it has none).</summary>
    public required string ArticleId { get; init; }
    /// <summary>1, 2, ... per correction.</summary>
    public required int Revision { get; init; }
    /// <summary>SHA-256 of the text: an identical repost is recognised by it.</summary>
    public required string ContentHash { get; init; }
    /// <summary>The outlet.</summary>
    public required string Source { get; init; }
    /// <summary>The article's url, when posted with one.</summary>
    public string? Url { get; init; }
    /// <summary>The headline, when posted with one.</summary>
    public string? Title { get; init; }
    /// <summary>When the article was published.</summary>
    public required DateTimeOffset PublishedAt { get; init; }
    /// <summary><c>ru</c>, <c>kk</c> or <c>en</c>.</summary>
    public required string Language { get; init; }
    /// <summary>The text that evidence offsets refer to (the main text when HTML was posted).</summary>
    public required string Text { get; init; }
    /// <summary>When ingestion accepted it.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }
}
