using Claims.Contracts;
using Claims.Extraction.Metrics;
using Claims.Extraction.Quantities;
using Claims.Extraction.Subjects;
using Claims.Extraction.Text;

namespace Claims.Extraction;

/// <summary>
/// Finds quantitative claims (money, tonnage, percentages, counts of a known metric) in Russian,
/// Kazakh and English news text and keys each by a claim id that is the same for the same fact in
/// any language. Immutable after construction and thread-safe; <see cref="Extract"/> does no I/O
/// and runs in time linear in the text length (bounded look-around per token, no regular expressions).
/// </summary>
public sealed class ClaimExtractor
{
    private static readonly HashSet<string> _languages = new(StringComparer.Ordinal) { "ru", "kk", "en" };

    private readonly EntityFinder _entityFinder;
    private readonly FigureResolver _figureResolver;

    /// <summary>Creates an extractor over a metric catalog and gazetteer; null takes the embedded defaults.</summary>
    public ClaimExtractor(MetricCatalog? catalog = null, Gazetteer? gazetteer = null)
    {
        Catalog = catalog ?? MetricCatalog.Default;
        Gazetteer = gazetteer ?? Gazetteer.Default;
        _entityFinder = new EntityFinder(Gazetteer);
        _figureResolver = new FigureResolver(new MetricMatcher(Catalog), new QuantityReader(Catalog));
    }

    /// <summary>The metrics this extractor recognises.</summary>
    public MetricCatalog Catalog { get; }

    /// <summary>The entities this extractor recognises.</summary>
    public Gazetteer Gazetteer { get; }

    /// <summary>Extracts the claims of an article, in text order.</summary>
    public ExtractionResult Extract(ArticleText article)
    {
        ArgumentNullException.ThrowIfNull(article);
        var text = article.Text ?? "";
        var language = article.Language?.Trim().ToLowerInvariant() is { } given && _languages.Contains(given)
            ? given
            : LanguageDetector.Detect(text);

        var publishedAt = article.PublishedAt;
        var bodyStart = 0;
        if (DateLine.TryParse(text, out var lineDate, out var dateLineLength))
        {
            bodyStart = dateLineLength;
            publishedAt ??= lineDate;
        }

        var sentences = SentenceSplitter.Split(text, bodyStart).Select(span => Analyse(text, span)).ToArray();
        var reading = new ArticleReading(language, publishedAt, MainCountries(sentences));
        var claims = new List<ClaimMention>();
        var seen = new HashSet<(string, int, decimal)>();
        var context = ParagraphContext.Start(-1);
        foreach (var sentence in sentences)
        {
            if (sentence.Span.Paragraph != context.Paragraph)
            {
                context = ParagraphContext.Start(sentence.Span.Paragraph);
            }

            var figures = _figureResolver.Resolve(sentence, reading, context);
            foreach (var figure in figures.Where(figure => seen.Add((figure.ClaimId, sentence.Span.Start, figure.Value))))
            {
                claims.Add(ToMention(text, sentence.Span, figure));
            }

            context = context.After(sentence, figures);
        }

        return new ExtractionResult(language, claims);
    }

    private AnalysedSentence Analyse(string text, SentenceSpan span)
    {
        var tokens = Tokenizer.Tokenize(text, span.Start, span.End);
        return new AnalysedSentence(span, tokens, _entityFinder.Find(tokens), _entityFinder.FindPairCues(tokens));
    }

    /// <summary>
    /// The countries the article is about: the two named most often (ties go to the one named
    /// first), which is what "между странами" and "екі ел арасындағы" refer to.
    /// </summary>
    private static IReadOnlyList<string> MainCountries(IReadOnlyList<AnalysedSentence> sentences) =>
        [.. sentences
            .SelectMany(sentence => sentence.Entities)
            .Select(entity => entity.Country)
            .OfType<string>()
            .Select((country, order) => (country, order))
            .GroupBy(mention => mention.country)
            .OrderByDescending(group => group.Count())
            .ThenBy(group => group.Min(mention => mention.order))
            .Take(2)
            .Select(group => group.Key)
            .Order(StringComparer.Ordinal)];

    private static ClaimMention ToMention(string text, SentenceSpan span, Figure figure) => new()
    {
        ClaimId = figure.ClaimId,
        Metric = figure.Metric,
        Subjects = figure.Subjects,
        Direction = figure.Direction,
        Period = figure.Period,
        Value = figure.Value,
        Unit = figure.Unit,
        Noun = figure.Noun,
        Qualifier = figure.Qualifier,
        Lower = figure.Lower,
        Upper = figure.Upper,
        Evidence = new Evidence { Text = text[span.Start..span.End], Start = span.Start, End = span.End },
        Confidence = figure.Confidence,
    };
}
