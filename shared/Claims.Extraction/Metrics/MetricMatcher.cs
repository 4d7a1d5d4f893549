using Claims.Extraction.Text;

namespace Claims.Extraction.Metrics;

/// <summary>A metric named in a clause, with how many stems named it and how far the farthest was from the figure.</summary>
internal sealed record MetricMatch(MetricDefinition Metric, int StemCount, int Distance);

/// <summary>
/// Finds the metric a clause speaks of: every catalog expression whose stems all occur in the
/// clause is a candidate; more stems win (so "транзитных перевозок" beats "перевозок"), then the
/// metric's priority (oil transit over transit in general), then nearness to the figure.
/// </summary>
internal sealed class MetricMatcher(MetricCatalog catalog)
{
    public MetricMatch? Best(IReadOnlyList<Token> tokens, int from, int to, int anchor, Func<MetricDefinition, bool> accepts)
    {
        MetricMatch? best = null;
        foreach (var metric in catalog.Metrics.Where(accepts))
        {
            foreach (var expression in metric.Expressions)
            {
                if (Distance(tokens, from, to, anchor, expression.Stems) is not { } distance)
                {
                    continue;
                }

                var candidate = new MetricMatch(metric, expression.Stems.Count, distance);
                if (best is null || IsBetter(candidate, best))
                {
                    best = candidate;
                }
            }
        }

        return best;
    }

    private static bool IsBetter(MetricMatch candidate, MetricMatch incumbent) =>
        candidate.StemCount != incumbent.StemCount ? candidate.StemCount > incumbent.StemCount
        : candidate.Metric.Priority != incumbent.Metric.Priority ? candidate.Metric.Priority > incumbent.Metric.Priority
        : candidate.Distance < incumbent.Distance;

    /// <summary>The distance of the farthest stem's nearest occurrence, or null when a stem is missing.</summary>
    private static int? Distance(IReadOnlyList<Token> tokens, int from, int to, int anchor, IReadOnlyList<string> stems)
    {
        var farthest = 0;
        foreach (var stem in stems)
        {
            var nearest = int.MaxValue;
            for (var k = from; k < to; k++)
            {
                if (tokens[k].IsWord && Stems.Matches(tokens[k].Text, stem))
                {
                    nearest = Math.Min(nearest, Math.Abs(k - anchor));
                }
            }

            if (nearest == int.MaxValue)
            {
                return null;
            }

            farthest = Math.Max(farthest, nearest);
        }

        return farthest;
    }
}
