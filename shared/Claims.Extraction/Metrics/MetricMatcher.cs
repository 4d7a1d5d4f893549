using Claims.Extraction.Text;

namespace Claims.Extraction.Metrics;

/// <summary>A metric named in a clause, with how many stems named it and how far the farthest was from the figure.</summary>
internal sealed record MetricMatch(MetricDefinition Metric, int StemCount, int Distance);

/// <summary>
/// Finds the metric a clause speaks of: every catalog expression whose stems all occur in the
/// clause is a candidate; more stems win (so "транзитных перевозок" beats "перевозок"), then the
/// metric's priority (oil transit over transit in general), then nearness to the figure. Only the
/// clause's words that carry some metric stem are looked at.
/// </summary>
internal sealed class MetricMatcher(Vocabulary vocabulary)
{
    /// <summary>No catalog expression may have more stems than this (the catalog checks it on load).</summary>
    public const int MaxStems = MetricCatalog.MaxExpressionStems;

    /// <summary>A clause names a handful of expressions; beyond this many the rest are ignored rather than allocated for.</summary>
    private const int MaxTouched = 24;

    private readonly WordIndex _index = vocabulary.Index;

    public MetricMatch? Best(Token[] tokens, int from, int to, int anchor, Func<MetricDefinition, bool> accepts)
    {
        // For each expression some word of the clause names, the distance of each of its stems'
        // nearest occurrence; only those expressions are looked at, not the whole catalog.
        var expressions = vocabulary.MetricExpressions;
        Span<int> touched = stackalloc int[MaxTouched];
        Span<int> nearest = stackalloc int[MaxTouched * MaxStems];
        var touchedCount = 0;
        for (var k = from; k < to; k++)
        {
            var token = tokens[k];
            if (!token.Is(WordClass.MetricStem))
            {
                continue;
            }

            var distance = Math.Abs(k - anchor);
            for (var n = _index.StemAtOrAbove(token.Node); n != WordIndex.Root; n = _index.StemAbove(n))
            {
                foreach (var entry in _index.EntriesAt(n))
                {
                    if (entry.Payload is not MetricStemUse use || (entry.Exact && (!token.Whole || n != token.Node)))
                    {
                        continue;
                    }

                    var slot = touched[..touchedCount].IndexOf(use.Expression);
                    if (slot < 0)
                    {
                        if (touchedCount == MaxTouched)
                        {
                            continue;
                        }

                        slot = touchedCount++;
                        touched[slot] = use.Expression;
                        nearest.Slice(slot * MaxStems, MaxStems).Fill(int.MaxValue);
                    }

                    nearest[(slot * MaxStems) + use.Stem] = Math.Min(nearest[(slot * MaxStems) + use.Stem], distance);
                }
            }
        }

        MetricMatch? best = null;
        var bestExpression = -1;
        for (var slot = 0; slot < touchedCount; slot++)
        {
            var e = touched[slot];
            var expression = expressions[e];
            var farthest = 0;
            for (var stem = 0; stem < expression.Stems.Count && farthest != int.MaxValue; stem++)
            {
                farthest = Math.Max(farthest, nearest[(slot * MaxStems) + stem]);
            }

            if (farthest == int.MaxValue || !accepts(expression.Metric))
            {
                continue;
            }

            var candidate = new MetricMatch(expression.Metric, expression.Stems.Count, farthest);
            if (best is null || IsBetter(candidate, best, e, bestExpression))
            {
                (best, bestExpression) = (candidate, e);
            }
        }

        return best;
    }

    /// <summary>More stems, then priority, then nearness; on a full tie the expression listed first in the catalog.</summary>
    private static bool IsBetter(MetricMatch candidate, MetricMatch incumbent, int candidateIndex, int incumbentIndex) =>
        candidate.StemCount != incumbent.StemCount ? candidate.StemCount > incumbent.StemCount
        : candidate.Metric.Priority != incumbent.Metric.Priority ? candidate.Metric.Priority > incumbent.Metric.Priority
        : candidate.Distance != incumbent.Distance ? candidate.Distance < incumbent.Distance
        : candidateIndex < incumbentIndex;
}
