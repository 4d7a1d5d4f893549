namespace Claims.Reconciliation.Origins;

/// <summary>
/// Every live figure of <c>reconciliation.article_figures</c>, in memory: for each value and unit, the articles that
/// state it and how often, and each article's number of live figures. The origin candidates that share figures are
/// counted here: in SQL, the join on figure values that many articles share (a round percentage, "three times") was
/// 40-45 % of the database's time, and grew with every article recorded.
/// </summary>
/// <remarks>
/// It follows the table through its <c>change</c> column, which every insert and every retirement draws from one
/// sequence. Only units of work holding the origins lock write the table, so a unit of work that takes the lock and
/// reads the changes after the last one it saw (<see cref="Apply"/>) finds every committed change, in order, and
/// nothing uncommitted: its own writes reach the index through a later unit of work's read, once committed, so a
/// rollback leaves nothing behind here. Several reconciliation instances each keep their own.
/// </remarks>
public sealed class LiveFigureIndex
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(decimal Value, string Unit), Dictionary<string, int>> _articlesByFigure = [];
    private readonly Dictionary<string, int> _sizes = new(StringComparer.Ordinal);
    private readonly HashSet<Guid> _live = [];
    private long _seen;

    /// <summary>The last change applied: read the changes after it.</summary>
    public long Seen
    {
        get
        {
            lock (_lock)
            {
                return _seen;
            }
        }
    }

    /// <summary>How many live figures the index holds.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _live.Count;
            }
        }
    }

    /// <summary>Applies changed rows, in the order of their change; a row seen again in the same state changes nothing.</summary>
    public void Apply(IEnumerable<FigureChange> changes)
    {
        lock (_lock)
        {
            foreach (var change in changes)
            {
                if (!change.Retracted && _live.Add(change.MentionId))
                {
                    Tally(change, +1);
                }
                else if (change.Retracted && _live.Remove(change.MentionId))
                {
                    Tally(change, -1);
                }

                _seen = Math.Max(_seen, change.Change);
            }
        }
    }

    /// <summary>
    /// The pairs of a refreshed article and another article that share enough figures to be of one origin
    /// (<see cref="OriginOptions"/>, as <see cref="OriginGrouping.SameOrigin(ArticleFigures, ArticleFigures, OriginOptions)"/>
    /// counts them). <paramref name="current"/> holds the live figures of every article the unit of work recorded, as
    /// it left them (uncommitted, so not in the index yet); every other article is counted from the index.
    /// </summary>
    /// <remarks>
    /// A figure many articles state (a round percentage, "three times") would have each refresh walk thousands of
    /// articles that share nothing else, under the origins lock. A pair needs <see cref="OriginOptions.MinSharedFigures"/>
    /// shared figures, so an article that shares only the refreshed article's most common figures, fewer than that
    /// many of them counted, cannot qualify: candidates are found through the other figures alone, then counted in full.
    /// </remarks>
    public IReadOnlyList<(string Refreshed, string Other)> SharingPairs(
        IEnumerable<string> refreshed, IReadOnlyDictionary<string, IReadOnlyDictionary<(decimal Value, string Unit), int>> current, OriginOptions options)
    {
        var pairs = new List<(string, string)>();
        lock (_lock)
        {
            foreach (var article in refreshed.Distinct(StringComparer.Ordinal))
            {
                if (!current.TryGetValue(article, out var figures))
                {
                    continue;
                }

                var indexed = figures
                    .Select(figure => (figure.Value, Stating: _articlesByFigure.GetValueOrDefault(figure.Key)))
                    .Where(figure => figure.Stating is not null)
                    .OrderByDescending(figure => figure.Stating!.Count)
                    .ToList();
                var passedOver = 0;
                var probed = 0;
                while (probed < indexed.Count && passedOver + indexed[probed].Value < options.MinSharedFigures)
                {
                    passedOver += indexed[probed++].Value;
                }

                var candidates = new HashSet<string>(StringComparer.Ordinal);
                foreach (var (_, stating) in indexed.Skip(probed))
                {
                    foreach (var other in stating!.Keys)
                    {
                        // The articles of this unit of work are counted from what it left, not from the index.
                        if (!current.ContainsKey(other))
                        {
                            candidates.Add(other);
                        }
                    }
                }

                var shared = new Dictionary<string, int>(StringComparer.Ordinal);
                foreach (var other in candidates)
                {
                    shared[other] = indexed.Sum(figure => Math.Min(figure.Value, figure.Stating!.GetValueOrDefault(other)));
                }

                foreach (var (other, theirFigures) in current)
                {
                    if (other != article && OriginGrouping.SharedFigures(figures, theirFigures) is > 0 and var count)
                    {
                        shared[other] = count;
                    }
                }

                var size = figures.Values.Sum();
                foreach (var (other, count) in shared)
                {
                    var otherSize = current.TryGetValue(other, out var theirFigures) ? theirFigures.Values.Sum() : _sizes[other];
                    if (options.SharesEnough(count, size, otherSize))
                    {
                        pairs.Add((article, other));
                    }
                }
            }
        }

        return pairs;
    }

    private void Tally(FigureChange change, int delta)
    {
        var figure = (change.Value, change.Unit);
        if (!_articlesByFigure.TryGetValue(figure, out var stating))
        {
            _articlesByFigure[figure] = stating = new Dictionary<string, int>(StringComparer.Ordinal);
        }

        var count = stating.GetValueOrDefault(change.ArticleId) + delta;
        if (count > 0)
        {
            stating[change.ArticleId] = count;
        }
        else
        {
            stating.Remove(change.ArticleId);
            if (stating.Count == 0)
            {
                _articlesByFigure.Remove(figure);
            }
        }

        var size = _sizes.GetValueOrDefault(change.ArticleId) + delta;
        if (size > 0)
        {
            _sizes[change.ArticleId] = size;
        }
        else
        {
            _sizes.Remove(change.ArticleId);
        }
    }
}

/// <summary>A row of <c>reconciliation.article_figures</c> as its last change left it.</summary>
public sealed record FigureChange(long Change, Guid MentionId, string ArticleId, decimal Value, string Unit, bool Retracted);
