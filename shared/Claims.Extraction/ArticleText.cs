using Claims.Contracts;

namespace Claims.Extraction;

/// <summary>An article to extract claims from.</summary>
/// <param name="Text">The text as posted; evidence offsets refer to it.</param>
/// <param name="Language"><c>ru</c>, <c>kk</c> or <c>en</c>; null to detect it from the text.</param>
/// <param name="PublishedAt">
/// Publication date, against which "в прошлом году", "былтыр" and "last year" resolve. When null, the
/// <c> date YYYY-MM-DD</c> first line of the text is used if present; otherwise relative periods stay null.
/// </param>
public sealed record ArticleText(string Text, string? Language, DateOnly? PublishedAt);

/// <summary>The claims found in an article and the language it was read as.</summary>
/// <param name="Language"><c>ru</c>, <c>kk</c> or <c>en</c> (as given, or detected).</param>
/// <param name="Claims">Mentions in text order.</param>
public sealed record ExtractionResult(string Language, IReadOnlyList<ClaimMention> Claims);
