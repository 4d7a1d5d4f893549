using System.Globalization;
using System.Text;
using Claims.Contracts;

namespace Claims.Extraction.Tests.Corpus;

/// <summary>An expected claim paired with the mention the extractor gave for it.</summary>
public sealed record ScoredPair(AnnotatedDocument Document, ExpectedClaim Expected, ClaimMention Extracted);

/// <summary>Precision, recall and F1 of one field: a pair counts for the field only when that field is right.</summary>
public sealed record FieldScore(string Field, int Correct, int Pairs, int Extracted, int Expected)
{
    public double Precision => Extracted == 0 ? 1 : Correct / (double)Extracted;

    public double Recall => Expected == 0 ? 1 : Correct / (double)Expected;

    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);

    /// <summary>Among the claims found, how many have this field right.</summary>
    public double Accuracy => Pairs == 0 ? 1 : Correct / (double)Pairs;
}

/// <summary>
/// Scores the extractor against the annotated corpus. An expected claim is paired with an
/// extracted mention of the same sentence (the one whose evidence contains the quote) with the same
/// value and unit, preferring one of the same metric; mentions left over are false positives,
/// expected claims left over are misses. Each field is then scored over the pairs: a pair is a
/// true positive of a field when the field is right, so a field's precision is over everything the
/// extractor gave and its recall over everything annotated.
/// </summary>
public sealed class CorpusScore
{
    public static readonly IReadOnlyList<string> Fields =
        ["value+unit", "metric", "subjects", "direction", "period", "qualifier", "bounds", "noun", "claimId"];

    private CorpusScore(IReadOnlyList<ScoredPair> pairs, IReadOnlyList<(AnnotatedDocument Document, ExpectedClaim Claim)> missed,
        IReadOnlyList<(AnnotatedDocument Document, ClaimMention Claim)> spurious, IReadOnlyList<(AnnotatedDocument Document, string Detected)> languages)
    {
        Pairs = pairs;
        Missed = missed;
        Spurious = spurious;
        Languages = languages;
    }

    public IReadOnlyList<ScoredPair> Pairs { get; }

    public IReadOnlyList<(AnnotatedDocument Document, ExpectedClaim Claim)> Missed { get; }

    public IReadOnlyList<(AnnotatedDocument Document, ClaimMention Claim)> Spurious { get; }

    /// <summary>Each document with the language the extractor detected for it.</summary>
    public IReadOnlyList<(AnnotatedDocument Document, string Detected)> Languages { get; }

    public static CorpusScore Compute(ClaimExtractor extractor, IEnumerable<AnnotatedDocument> documents)
    {
        var pairs = new List<ScoredPair>();
        var missed = new List<(AnnotatedDocument, ExpectedClaim)>();
        var spurious = new List<(AnnotatedDocument, ClaimMention)>();
        var languages = new List<(AnnotatedDocument, string)>();
        foreach (var document in documents)
        {
            var result = extractor.Extract(new ArticleText(document.Text, null, document.PublishedAt));
            languages.Add((document, result.Language));
            var unused = result.Claims.ToList();
            foreach (var expected in document.Claims)
            {
                var anchor = expected.Quote is null ? (int?)null : Anchor(document, expected.Quote);
                var candidates = unused
                    .Where(claim => anchor is not { } at || (claim.Evidence.Start <= at && at < claim.Evidence.End))
                    .Where(claim => claim.Value == expected.Value && claim.Unit == expected.Unit)
                    .ToArray();
                var chosen = candidates.FirstOrDefault(claim => claim.Metric == expected.Metric) ?? candidates.FirstOrDefault();
                if (chosen is null)
                {
                    missed.Add((document, expected));
                    continue;
                }

                unused.Remove(chosen);
                pairs.Add(new ScoredPair(document, expected, chosen));
            }

            spurious.AddRange(unused.Select(claim => (document, claim)));
        }

        return new CorpusScore(pairs, missed, spurious, languages);
    }

    /// <summary>The scores of the documents of one part, one language, or everything (null).</summary>
    public CorpusScore Of(Func<AnnotatedDocument, bool> selects) => new(
        [.. Pairs.Where(pair => selects(pair.Document))],
        [.. Missed.Where(miss => selects(miss.Document))],
        [.. Spurious.Where(extra => selects(extra.Document))],
        [.. Languages.Where(language => selects(language.Document))]);

    public int ExtractedCount => Pairs.Count + Spurious.Count;

    public int ExpectedCount => Pairs.Count + Missed.Count;

    public double LanguageAccuracy => Languages.Count == 0 ? 1 : Languages.Count(entry => entry.Detected == entry.Document.Language) / (double)Languages.Count;

    public FieldScore Field(string field) => new(field, Pairs.Count(pair => IsRight(field, pair)), Pairs.Count, ExtractedCount, ExpectedCount);

    public static bool IsRight(string field, ScoredPair pair)
    {
        var (expected, extracted) = (pair.Expected, pair.Extracted);
        return field switch
        {
            "value+unit" => true,
            "metric" => expected.Metric == extracted.Metric,
            "subjects" => expected.Subjects.SequenceEqual(extracted.Subjects),
            "direction" => expected.Direction == extracted.Direction,
            "period" => expected.Period == extracted.Period,
            "qualifier" => expected.Qualifier == extracted.Qualifier,
            "bounds" => expected.Lower == extracted.Lower && expected.Upper == extracted.Upper,
            "noun" => expected.Noun == extracted.Noun,
            "claimId" => expected.ClaimId == extracted.ClaimId,
            _ => throw new ArgumentOutOfRangeException(nameof(field), field, "Unknown field."),
        };
    }

    /// <summary>Extracted ids that stand for more than one annotated fact (a fact is an expected claim id).</summary>
    public IReadOnlyList<(string ExtractedId, IReadOnlyList<string> Facts)> SharedIds() =>
        [.. Pairs.GroupBy(pair => pair.Extracted.ClaimId)
            .Select(group => (group.Key, (IReadOnlyList<string>)[.. group.Select(pair => pair.Expected.ClaimId).Distinct().Order(StringComparer.Ordinal)]))
            .Where(entry => entry.Item2.Count > 1)];

    /// <summary>Annotated facts the extractor gave under more than one id.</summary>
    public IReadOnlyList<(string Fact, IReadOnlyList<string> ExtractedIds)> SplitFacts() =>
        [.. Pairs.GroupBy(pair => pair.Expected.ClaimId)
            .Select(group => (group.Key, (IReadOnlyList<string>)[.. group.Select(pair => pair.Extracted.ClaimId).Distinct().Order(StringComparer.Ordinal)]))
            .Where(entry => entry.Item2.Count > 1)];

    public string Report(string title)
    {
        var builder = new StringBuilder();
        builder.AppendLine(CultureInfo.InvariantCulture, $"== {title}: {Languages.Count} documents, {ExpectedCount} expected, {ExtractedCount} extracted, "
            + $"{Pairs.Count} paired, {Missed.Count} missed, {Spurious.Count} spurious; language detected right {LanguageAccuracy:P0}");
        builder.AppendLine(CultureInfo.InvariantCulture, $"   {"field",-11} {"P",6} {"R",6} {"F1",6} {"acc",6}");
        foreach (var field in Fields.Select(Field))
        {
            builder.AppendLine(CultureInfo.InvariantCulture,
                $"   {field.Field,-11} {field.Precision,6:0.000} {field.Recall,6:0.000} {field.F1,6:0.000} {field.Accuracy,6:0.000}");
        }

        return builder.ToString();
    }

    /// <summary>Every error, for the test log: misses, spurious mentions and wrong fields.</summary>
    public string Errors()
    {
        var builder = new StringBuilder();
        foreach (var (document, claim) in Missed)
        {
            builder.AppendLine(CultureInfo.InvariantCulture, $"   missed   {document.Id}: {claim.ClaimId} = {claim.Value} {claim.Unit} {claim.Qualifier} ({claim.Quote ?? Shorten(document.Text)})");
        }

        foreach (var (document, claim) in Spurious)
        {
            builder.AppendLine(CultureInfo.InvariantCulture, $"   spurious {document.Id}: {claim.ClaimId} = {claim.Value} {claim.Unit} {claim.Qualifier} ({Shorten(claim.Evidence.Text)})");
        }

        foreach (var pair in Pairs)
        {
            var wrong = Fields.Where(field => !IsRight(field, pair)).ToArray();
            if (wrong.Length > 0)
            {
                var e = pair.Expected;
                var x = pair.Extracted;
                builder.AppendLine(CultureInfo.InvariantCulture,
                    $"   wrong    {pair.Document.Id}: [{string.Join(",", wrong)}] expected {e.ClaimId} {e.Qualifier} [{e.Lower}..{e.Upper}] {e.Noun}, got {x.ClaimId} {x.Qualifier} [{x.Lower}..{x.Upper}] {x.Noun}");
            }
        }

        foreach (var (document, detected) in Languages.Where(entry => entry.Detected != entry.Document.Language))
        {
            builder.AppendLine(CultureInfo.InvariantCulture, $"   language {document.Id}: expected {document.Language}, detected {detected}");
        }

        return builder.ToString();
    }

    private static int Anchor(AnnotatedDocument document, string quote)
    {
        var at = document.Text.IndexOf(quote, StringComparison.Ordinal);
        if (at < 0 || document.Text.IndexOf(quote, at + 1, StringComparison.Ordinal) >= 0)
        {
            throw new InvalidDataException($"The quote \"{quote}\" of {document.Id} must occur exactly once in its text.");
        }

        return at;
    }

    private static string Shorten(string text) => text.Length > 90 ? text[..90] + "…" : text;
}
