using Claims.Extraction.Subjects;
using Claims.Extraction.Text;

namespace Claims.Extraction;

/// <summary>A sentence with its tokens, the entities named in it and where it says "between the two countries".</summary>
internal sealed record AnalysedSentence(
    SentenceSpan Span,
    IReadOnlyList<Token> Tokens,
    IReadOnlyList<EntityMention> Entities,
    IReadOnlyList<int> PairCues);

/// <summary>What holds for the whole article: its language, publication date and the two countries it is about.</summary>
internal sealed record ArticleReading(string Language, DateOnly? PublishedAt, IReadOnlyList<string> MainCountries);

/// <summary>
/// What the paragraph so far has established, for sentences that name nothing themselves
/// ("Цель – довести объем до 10 млн тонн" after a sentence about the Middle Corridor's volume).
/// </summary>
internal sealed record ParagraphContext(
    int Paragraph,
    IReadOnlyList<string> Countries,
    IReadOnlyList<string> Regions,
    MetricDefinition? LastMetric)
{
    public static ParagraphContext Start(int paragraph) => new(paragraph, [], [], null);

    public ParagraphContext After(AnalysedSentence sentence, IReadOnlyList<Figure> figures)
    {
        var next = this;
        if (sentence.Entities.Count > 0)
        {
            next = next with
            {
                Countries = [.. sentence.Entities.Select(entity => entity.Country).OfType<string>().Distinct()],
                Regions = [.. sentence.Entities.Where(entity => entity.Country is null).Select(entity => entity.Entry.Name).Distinct()],
            };
        }

        return figures.Count > 0 ? next with { LastMetric = figures[^1].BaseMetric } : next;
    }
}
