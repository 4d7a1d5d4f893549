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
    // Articles are numbered as first seen: the counting below works on arrays indexed by number rather than on
    // dictionaries keyed by article id, whose hashing took most of a refresh's time under the origins lock.
    private readonly Dictionary<string, int> _numbers = new(StringComparer.Ordinal);
    private readonly List<string> _articles = [];
    private readonly List<int> _sizes = [];
    // Each article's declared number of figures (0: not declared), from its latest live row: an article is measured by
    // the larger of that and its live figures (ArticleFigures.Size).
    private readonly List<int> _declared = [];
    private readonly Dictionary<(decimal Value, string Unit), Dictionary<int, int>> _articlesByFigure = [];
    private readonly HashSet<Guid> _live = [];
    private long _seen;
    // Scratch space of SharingPairs (used under the lock): figures shared with each article, and which were touched.
    private int[] _shared = [];
    private readonly List<int> _touched = [];

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
    /// it left them (uncommitted, so not in the index yet), and <paramref name="declaredSizes"/> their declared sizes;
    /// every other article is counted from the index.
    /// </summary>
    public IReadOnlyList<(string Refreshed, string Other)> SharingPairs(
        IEnumerable<string> refreshed, IReadOnlyDictionary<string, IReadOnlyDictionary<(decimal Value, string Unit), int>> current,
        IReadOnlyDictionary<string, int> declaredSizes, OriginOptions options)
    {
        int SizeNow(string article, IReadOnlyDictionary<(decimal Value, string Unit), int> figures) =>
            Math.Max(figures.Values.Sum(), declaredSizes.GetValueOrDefault(article));

        var pairs = new List<(string, string)>();
        lock (_lock)
        {
            if (_shared.Length < _articles.Count)
            {
                _shared = new int[Math.Max(_articles.Count, _shared.Length * 2)];
            }
            // The articles of this unit of work are counted from what it left, not from the index.
            var counted = new HashSet<int>(current.Keys.Select(article => _numbers.GetValueOrDefault(article, -1)).Where(number => number >= 0));
            foreach (var article in refreshed.Distinct(StringComparer.Ordinal))
            {
                if (!current.TryGetValue(article, out var figures))
                {
                    continue;
                }

                foreach (var (figure, count) in figures)
                {
                    if (!_articlesByFigure.TryGetValue(figure, out var stating))
                    {
                        continue;
                    }

                    foreach (var (other, theirs) in stating)
                    {
                        if (counted.Contains(other))
                        {
                            continue;
                        }
                        if (_shared[other] == 0)
                        {
                            _touched.Add(other);
                        }
                        _shared[other] += Math.Min(count, theirs);
                    }
                }

                var size = SizeNow(article, figures);
                foreach (var other in _touched)
                {
                    if (options.SharesEnough(_shared[other], size, Math.Max(_sizes[other], _declared[other])))
                    {
                        pairs.Add((article, _articles[other]));
                    }
                    _shared[other] = 0;
                }
                _touched.Clear();

                foreach (var (other, theirFigures) in current)
                {
                    if (other != article && OriginGrouping.SharedFigures(figures, theirFigures) is > 0 and var count
                        && options.SharesEnough(count, size, SizeNow(other, theirFigures)))
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
        if (!_numbers.TryGetValue(change.ArticleId, out var article))
        {
            _numbers[change.ArticleId] = article = _articles.Count;
            _articles.Add(change.ArticleId);
            _sizes.Add(0);
            _declared.Add(0);
        }
        if (delta > 0 && change.ArticleMentions is { } declared)
        {
            _declared[article] = declared;
        }

        var figure = (change.Value, change.Unit);
        if (!_articlesByFigure.TryGetValue(figure, out var stating))
        {
            _articlesByFigure[figure] = stating = [];
        }

        var count = stating.GetValueOrDefault(article) + delta;
        if (count > 0)
        {
            stating[article] = count;
        }
        else
        {
            stating.Remove(article);
            if (stating.Count == 0)
            {
                _articlesByFigure.Remove(figure);
            }
        }

        _sizes[article] += delta;
    }
}

/// <summary>A row of <c>reconciliation.article_figures</c> as its last change left it.</summary>
public sealed record FigureChange(long Change, Guid MentionId, string ArticleId, decimal Value, string Unit, bool Retracted, int? ArticleMentions = null);
