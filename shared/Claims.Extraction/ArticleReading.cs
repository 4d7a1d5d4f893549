using Claims.Extraction.Subjects;
using Claims.Extraction.Text;

namespace Claims.Extraction;

/// <summary>A sentence that may state a figure, read in full: its tokens, the entities named in it and where it says "between the two countries".</summary>
internal sealed record AnalysedSentence(
    SentenceSpan Span,
    Token[] Tokens,
    IReadOnlyList<EntityMention> Entities,
    IReadOnlyList<int> PairCues);

/// <summary>What holds for the whole article: its language, publication date and the two countries it is about.</summary>
internal sealed record ArticleReading(string Language, DateOnly? PublishedAt, IReadOnlyList<string> MainCountries);

/// <summary>
/// What the paragraph so far has established, for sentences that name nothing themselves
/// ("Цель – довести объем до 10 млн тонн" after a sentence about the Middle Corridor's volume):
/// the last sentence that named a country or region, and the metric of the last figure. The
/// countries and regions are read from that sentence only when a figure needs them, so sentences
/// without figures cost nothing here.
/// </summary>
internal readonly record struct ParagraphContext(int Paragraph, SentenceScan? LastNamed, MetricDefinition? LastMetric)
{
    public static ParagraphContext Start(int paragraph) => new(paragraph, null, null);

    public IReadOnlyList<string> Countries => Names(LastNamed, countries: true);

    public IReadOnlyList<string> Regions => Names(LastNamed, countries: false);

    public ParagraphContext After(SentenceScan sentence, IReadOnlyList<Figure> figures)
    {
        var next = sentence.NamesSubject ? this with { LastNamed = sentence } : this;

        // A metric guessed from a head noun is not carried into other sentences.
        return figures.Count > 0 && figures[^1].BaseMetric.Expressions.Count > 0 ? next with { LastMetric = figures[^1].BaseMetric } : next;
    }

    /// <summary>The countries (or the regions, by name) among a sentence's subjects, once each in the order named; asked for every figure that borrows them.</summary>
    private static List<string> Names(SentenceScan? sentence, bool countries)
    {
        var names = new List<string>();
        foreach (var entity in sentence?.Entities ?? [])
        {
            if (entity.IsSubject && (countries ? entity.Country : entity.Country is null ? entity.Entity.Entry.Name : null) is { } name && !names.Contains(name))
            {
                names.Add(name);
            }
        }

        return names;
    }
}
