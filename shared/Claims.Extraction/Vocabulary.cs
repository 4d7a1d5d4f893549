using Claims.Extraction.Quantities;
using Claims.Extraction.Text;

namespace Claims.Extraction;

/// <summary>A phrase of stems on consecutive words (a name in the gazetteer, a "between the two countries" cue).</summary>
internal sealed class Phrase<T>(IReadOnlyList<StemRef> stems, T payload)
{
    public IReadOnlyList<StemRef> Stems { get; } = stems;

    public T Payload { get; } = payload;

    /// <summary>How many characters of its words the phrase's stems cover; the longer phrase wins a tie.</summary>
    public int CoveredLength { get; } = stems.Sum(stem => stem.Length);
}

/// <summary>A gazetteer entity and the form of it a phrase spells.</summary>
internal sealed record EntityRef(GazetteerEntry Entry, EntityForm Form);

/// <summary>One way of naming a metric: stems that must all occur in a figure's clause.</summary>
internal sealed record MetricExpressionRef(MetricDefinition Metric, IReadOnlyList<StemRef> Stems);

/// <summary>Where a metric stem is used: which expression, and which of its stems it is.</summary>
internal sealed record MetricStemUse(int Expression, int Stem);

/// <summary>
/// Everything the extractor matches words against, compiled into one <see cref="WordIndex"/>: the
/// closed word lists of <see cref="Lexicon"/>, the metric catalog's expressions and count nouns, and
/// the gazetteer's names and "between the two countries" cues. Built once per extractor.
/// </summary>
internal sealed class Vocabulary
{
    public Vocabulary(MetricCatalog catalog, Gazetteer gazetteer)
    {
        var builder = new WordIndexBuilder();
        Lexicon.Register(builder);
        NumberWords.Register(builder);

        var expressions = new List<MetricExpressionRef>();
        foreach (var metric in catalog.Metrics)
        {
            foreach (var expression in metric.Expressions)
            {
                var stems = expression.Stems.Select((stem, position) => builder.Add(stem, WordClass.MetricStem, new MetricStemUse(expressions.Count, position)));
                expressions.Add(new MetricExpressionRef(metric, [.. stems]));
            }

            foreach (var noun in metric.CountNounStems)
            {
                builder.Add(noun, WordClass.CountNoun, metric);
            }
        }

        foreach (var entry in gazetteer.Entries)
        {
            foreach (var form in entry.Forms)
            {
                var phrase = new Phrase<EntityRef>([.. form.Stems.Select(stem => builder.Add(stem))], new EntityRef(entry, form));
                builder.Add(form.Stems[0], WordClass.EntityStart, phrase);
            }
        }

        foreach (var cue in gazetteer.PairCues)
        {
            var phrase = new Phrase<bool>([.. cue.Select(stem => builder.Add(stem))], true);
            builder.Add(cue[0], WordClass.PairCueStart, phrase);
        }

        Index = builder.Build();
        MetricExpressions = expressions;
    }

    public WordIndex Index { get; }

    public IReadOnlyList<MetricExpressionRef> MetricExpressions { get; }
}
