using Claims.Contracts;
using Claims.Extraction.Metrics;
using Claims.Extraction.Periods;
using Claims.Extraction.Quantities;
using Claims.Extraction.Subjects;
using Claims.Extraction.Text;

namespace Claims.Extraction;

/// <summary>
/// Finds quantitative claims (money, tonnage, percentages, factors, counts of a known metric, and
/// figures of metrics outside the catalog by their head noun) in Russian, Kazakh and English news
/// text and keys each by a claim id that is the same for the same fact in any language. Immutable
/// after construction and thread-safe; <see cref="Extract"/> does no I/O and runs in time linear in
/// the text length: one scan of every sentence, then a full reading of the sentences that may state
/// a figure, with bounded look-around per token and no regular expressions.
/// </summary>
public sealed class ClaimExtractor
{
    private static readonly HashSet<string> _languages = new(StringComparer.Ordinal) { "ru", "kk", "en" };

    private readonly ArticleScanner _scanner;
    private readonly Tokenizer _tokenizer;
    private readonly FigureResolver _figureResolver;

    /// <summary>Creates an extractor over a metric catalog and gazetteer; null takes the embedded defaults.</summary>
    public ClaimExtractor(MetricCatalog? catalog = null, Gazetteer? gazetteer = null)
    {
        Catalog = catalog ?? MetricCatalog.Default;
        Gazetteer = gazetteer ?? Gazetteer.Default;
        var vocabulary = new Vocabulary(Catalog, Gazetteer);
        _scanner = new ArticleScanner(vocabulary);
        _tokenizer = new Tokenizer(vocabulary.Index);
        _figureResolver = new FigureResolver(new MetricMatcher(vocabulary), new QuantityReader(vocabulary.Index), new PeriodReader(vocabulary.Index));
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

        // One cheap pass over every sentence; only those that may state a figure are tokenized and read in full.
        SentenceScan[] sentences;
        using (var marks = WordMarks.Of(text))
        {
            sentences = _scanner.Scan(text, SentenceSplitter.Split(text, bodyStart, marks), language, marks);
        }

        var reading = new ArticleReading(language, publishedAt, MainCountries(sentences));
        var claims = new List<ClaimMention>();
        var context = ParagraphContext.Start(-1);
        var tokenBuffer = new List<Token>(64);
        foreach (var sentence in sentences)
        {
            if (sentence.Span.Paragraph != context.Paragraph)
            {
                context = ParagraphContext.Start(sentence.Span.Paragraph);
            }

            IReadOnlyList<Figure> figures = [];
            if (sentence.MayHoldFigure)
            {
                figures = ReadFigures(text, sentence, reading, context, tokenBuffer);
                Evidence? evidence = null;
                var sentenceClaims = claims.Count;
                foreach (var figure in figures)
                {
                    // The same claim with the same value twice in one sentence is one mention.
                    var claimId = figure.ClaimId;
                    if (StatedBefore(claims, sentenceClaims, claimId, figure.Value))
                    {
                        continue;
                    }

                    // The claims of one sentence share its evidence rather than copying the sentence each.
                    evidence ??= new Evidence { Text = text[sentence.Span.Start..sentence.Span.End], Start = sentence.Span.Start, End = sentence.Span.End };
                    claims.Add(ToMention(claimId, evidence, figure));
                }
            }

            context = context.After(sentence, figures);
        }

        return new ExtractionResult(language, claims);
    }

    /// <summary>Whether the claims from <paramref name="from"/> on (the sentence's so far) hold this claim with this value: a few at most, so compared one by one.</summary>
    private static bool StatedBefore(List<ClaimMention> claims, int from, string claimId, decimal value)
    {
        for (var k = from; k < claims.Count; k++)
        {
            if (claims[k].Value == value && claims[k].ClaimId == claimId)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads a sentence that may state a figure in full (a method of its own, so that only such sentences allocate the closure).</summary>
    private IReadOnlyList<Figure> ReadFigures(string text, SentenceScan sentence, ArticleReading reading, ParagraphContext context, List<Token> tokenBuffer)
    {
        var tokens = sentence.Tokens ?? _tokenizer.Tokenize(text, sentence.Span.Start, sentence.Span.End, tokenBuffer);
        return _figureResolver.Resolve(tokens, () => Analyse(sentence, tokens), reading, context);
    }

    /// <summary>Places the scan's names and finds the pair cues on the tokens: asked only of sentences that hold a quantity.</summary>
    private AnalysedSentence Analyse(SentenceScan sentence, Token[] tokens) =>
        new(sentence.Span, tokens, EntityFinder.Place(tokens, sentence.Entities), EntityFinder.PlaceCues(tokens, _scanner.PairCueStarts(tokens)));

    /// <summary>
    /// The countries the article is about: the two named most often (ties go to the one named
    /// first), which is what "между странами" and "екі ел арасындағы" refer to.
    /// </summary>
    /// <remarks>An article names a handful of countries, so they are counted in a short list rather than hashed.</remarks>
    private static IReadOnlyList<string> MainCountries(SentenceScan[] sentences)
    {
        var counts = new List<(string Country, int Count)>();
        foreach (var sentence in sentences)
        {
            foreach (var entity in sentence.Entities)
            {
                if (entity.Country is not { } country)
                {
                    continue;
                }

                var at = 0;
                while (at < counts.Count && counts[at].Country != country)
                {
                    at++;
                }

                if (at == counts.Count)
                {
                    counts.Add((country, 1));
                }
                else
                {
                    counts[at] = (country, counts[at].Count + 1);
                }
            }
        }

        // The list is in order of first mention, so the first of equal counts is the one named first.
        (string Country, int Count)? first = null;
        (string Country, int Count)? second = null;
        foreach (var entry in counts)
        {
            if (first is not { } leader || entry.Count > leader.Count)
            {
                (first, second) = (entry, first);
            }
            else if (second is not { } runnerUp || entry.Count > runnerUp.Count)
            {
                second = entry;
            }
        }

        return (first, second) switch
        {
            (null, _) => [],
            ({ } only, null) => [only.Country],
            ({ } one, { } other) => string.CompareOrdinal(one.Country, other.Country) < 0 ? [one.Country, other.Country] : [other.Country, one.Country],
        };
    }

    private static ClaimMention ToMention(string claimId, Evidence evidence, Figure figure) => new()
    {
        ClaimId = claimId,
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
        Evidence = evidence,
        Confidence = figure.Confidence,
    };
}
