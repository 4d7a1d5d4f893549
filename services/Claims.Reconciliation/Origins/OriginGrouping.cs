namespace Claims.Reconciliation.Origins;

/// <summary>A figure an article states: what it counts, and the sentence it says it in.</summary>
public sealed record Figure(decimal Value, string Unit, string Evidence);

/// <summary>Everything an article states, the material origin detection compares.</summary>
public sealed record ArticleFigures(string ArticleId, DateTimeOffset PublishedAt, IReadOnlyList<Figure> Figures);

/// <summary>When two articles are taken to be one origin.</summary>
public sealed record OriginOptions
{
    public static readonly OriginOptions Default = new();

    /// <summary>A reprint or translation repeats many figures of its original...</summary>
    public int MinSharedFigures { get; init; } = 3;

    /// <summary>...and most of them: at least this share of the smaller article's figures.</summary>
    public double MinSharedShare { get; init; } = 0.5;

    /// <summary>One shared figure stated in near-identical words (word-trigram Jaccard) is a reprint too.</summary>
    public double EvidenceSimilarity { get; init; } = 0.8;
}

/// <summary>
/// Recognises reprints and translations from the articles themselves, so that a claim counts once per origin.
/// Two articles are one origin when they share most of their figures (the multiset of value and unit pairs,
/// which a translation keeps) or state a shared figure in near-identical words (which a reprint keeps).
/// Origins are the connected groups of that relation, each named by its earliest article: a pure function of
/// the set of articles, whatever order they arrived in.
/// </summary>
public static class OriginGrouping
{
    public static IReadOnlyDictionary<string, string> Group(IReadOnlyCollection<ArticleFigures> articles, OriginOptions? options = null)
    {
        options ??= OriginOptions.Default;
        var ordered = articles.OrderBy(a => a.PublishedAt).ThenBy(a => a.ArticleId, StringComparer.Ordinal).ToList();
        var parent = ordered.ToDictionary(a => a.ArticleId, a => a.ArticleId);

        string Root(string id)
        {
            while (parent[id] != id)
            {
                parent[id] = parent[parent[id]];
                id = parent[id];
            }
            return id;
        }

        for (var i = 0; i < ordered.Count; i++)
        {
            for (var j = i + 1; j < ordered.Count; j++)
            {
                if (SameOrigin(ordered[i], ordered[j], options))
                {
                    var (a, b) = (Root(ordered[i].ArticleId), Root(ordered[j].ArticleId));
                    if (a != b)
                    {
                        // The root stays the earlier article: the origin is named by where the story first appeared.
                        var earlier = ordered.FindIndex(x => x.ArticleId == a) < ordered.FindIndex(x => x.ArticleId == b) ? a : b;
                        parent[a == earlier ? b : a] = earlier;
                    }
                }
            }
        }
        return ordered.ToDictionary(a => a.ArticleId, a => Root(a.ArticleId));
    }

    public static bool SameOrigin(ArticleFigures a, ArticleFigures b, OriginOptions options)
    {
        var shared = SharedFigures(a.Figures, b.Figures);
        if (shared == 0)
        {
            return false;
        }
        var smaller = Math.Min(a.Figures.Count, b.Figures.Count);
        if (shared >= options.MinSharedFigures && shared >= options.MinSharedShare * smaller)
        {
            return true;
        }
        return a.Figures.Any(fa => b.Figures.Any(fb =>
            fa.Value == fb.Value && fa.Unit == fb.Unit && EvidenceSimilarity(fa.Evidence, fb.Evidence) >= options.EvidenceSimilarity));
    }

    /// <summary>The size of the multiset intersection of the two articles' value and unit pairs.</summary>
    public static int SharedFigures(IEnumerable<Figure> a, IEnumerable<Figure> b)
    {
        var counts = a.GroupBy(f => (f.Value, f.Unit)).ToDictionary(g => g.Key, g => g.Count());
        var shared = 0;
        foreach (var figure in b)
        {
            if (counts.TryGetValue((figure.Value, figure.Unit), out var left) && left > 0)
            {
                counts[(figure.Value, figure.Unit)] = left - 1;
                shared++;
            }
        }
        return shared;
    }

    /// <summary>Jaccard similarity of the word trigrams of two sentences, case and punctuation aside.</summary>
    public static double EvidenceSimilarity(string a, string b)
    {
        var (x, y) = (Trigrams(a), Trigrams(b));
        if (x.Count == 0 || y.Count == 0)
        {
            return 0;
        }
        return (double)x.Intersect(y).Count() / x.Union(y).Count();
    }

    private static HashSet<string> Trigrams(string text)
    {
        var words = new List<string>();
        var word = new System.Text.StringBuilder();
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
            }
            else if (word.Length > 0)
            {
                words.Add(word.ToString());
                word.Clear();
            }
        }
        if (word.Length > 0)
        {
            words.Add(word.ToString());
        }
        return [.. Enumerable.Range(0, Math.Max(0, words.Count - 2)).Select(i => string.Join(' ', words[i], words[i + 1], words[i + 2]))];
    }
}
