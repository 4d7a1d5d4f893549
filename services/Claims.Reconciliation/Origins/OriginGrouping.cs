using System.Security.Cryptography;
using System.Text;

namespace Claims.Reconciliation.Origins;

/// <summary>A figure an article states: what it counts, and a key of the sentence it says it in.</summary>
public sealed record Figure(decimal Value, string Unit, string EvidenceKey);

/// <summary>
/// Everything an article states, the material origin detection compares: the figures seen so far, and how many the
/// article states in all (<paramref name="DeclaredSize"/>, as its publisher counted them) when that is known.
/// </summary>
public sealed record ArticleFigures(string ArticleId, DateTimeOffset PublishedAt, IReadOnlyList<Figure> Figures, int? DeclaredSize = null)
{
    /// <summary>
    /// How many figures the article states: its declared size, or the figures seen if more (or if none was declared).
    /// Measured by this, an article of which only some figures have been seen shares no more than it will once all
    /// have been: seen figures only add to what two articles share, so it joins no group it would leave later.
    /// </summary>
    public int Size => Math.Max(Figures.Count, DeclaredSize ?? 0);
}

/// <summary>When two articles are taken to be one origin.</summary>
public sealed record OriginOptions
{
    public static readonly OriginOptions Default = new();

    /// <summary>A translation repeats many figures of its original...</summary>
    public int MinSharedFigures { get; init; } = 3;

    /// <summary>...and most of them: at least this share of the smaller article's figures.</summary>
    public double MinSharedShare { get; init; } = 0.5;

    /// <summary>Whether two articles with these numbers of figures, sharing <paramref name="shared"/> of them, are one origin by their figures.</summary>
    public bool SharesEnough(int shared, int figuresA, int figuresB) =>
        shared >= MinSharedFigures && shared >= MinSharedShare * Math.Min(figuresA, figuresB);
}

/// <summary>
/// Recognises reprints and translations from the articles themselves, so that a claim counts once per origin.
/// Two articles are one origin when they share most of their figures (the multiset of value and unit pairs,
/// which a translation keeps), or state a shared figure in the same sentence (which a reprint keeps; case,
/// punctuation and spacing aside). Origins are the connected groups of that relation, each named by its
/// earliest article: a pure function of the set of articles, whatever order they arrived in.
/// </summary>
public static class OriginGrouping
{
    public static IReadOnlyDictionary<string, string> Group(IReadOnlyCollection<ArticleFigures> articles, OriginOptions? options = null)
    {
        options ??= OriginOptions.Default;
        var ordered = articles.OrderBy(a => a.PublishedAt).ThenBy(a => a.ArticleId, StringComparer.Ordinal).Select(Profile.Of).ToList();
        // Union-find over positions in publication order: a group's root is its earliest article.
        var parent = Enumerable.Range(0, ordered.Count).ToArray();

        int Root(int i)
        {
            while (parent[i] != i)
            {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }
            return i;
        }

        for (var i = 0; i < ordered.Count; i++)
        {
            for (var j = i + 1; j < ordered.Count; j++)
            {
                var (a, b) = (Root(i), Root(j));
                if (a != b && SameOrigin(ordered[i], ordered[j], options))
                {
                    parent[Math.Max(a, b)] = Math.Min(a, b);
                }
            }
        }
        return Enumerable.Range(0, ordered.Count).ToDictionary(i => ordered[i].Article.ArticleId, i => ordered[Root(i)].Article.ArticleId);
    }

    public static bool SameOrigin(ArticleFigures a, ArticleFigures b, OriginOptions options) => SameOrigin(Profile.Of(a), Profile.Of(b), options);

    /// <summary>The size of the multiset intersection of two articles' value and unit pairs.</summary>
    public static int SharedFigures(IEnumerable<Figure> a, IEnumerable<Figure> b) => SharedFigures(Profile.Count(a), Profile.Count(b));

    /// <summary>A key of a sentence that a reprint keeps: its words and numbers, lower-cased, hashed.</summary>
    public static string EvidenceKey(string sentence)
    {
        var words = new StringBuilder(sentence.Length);
        var inWord = false;
        foreach (var c in sentence)
        {
            if (char.IsLetterOrDigit(c))
            {
                if (!inWord && words.Length > 0)
                {
                    words.Append(' ');
                }
                words.Append(char.ToLowerInvariant(c));
                inWord = true;
            }
            else
            {
                inWord = false;
            }
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(words.ToString())))[..32];
    }

    private static bool SameOrigin(Profile a, Profile b, OriginOptions options)
    {
        var shared = SharedFigures(a.Counts, b.Counts);
        if (shared == 0)
        {
            return false;
        }
        return options.SharesEnough(shared, a.Article.Size, b.Article.Size) || a.Sentences.Overlaps(b.Sentences);
    }

    /// <summary>The size of the multiset intersection of two articles' figure counts (value and unit to how often stated).</summary>
    internal static int SharedFigures(IReadOnlyDictionary<(decimal, string), int> a, IReadOnlyDictionary<(decimal, string), int> b) =>
        a.Sum(figure => b.TryGetValue(figure.Key, out var count) ? Math.Min(count, figure.Value) : 0);

    /// <summary>An article with its figure counts and the (figure, sentence) keys it states, computed once.</summary>
    private sealed record Profile(ArticleFigures Article, Dictionary<(decimal, string), int> Counts, HashSet<(decimal, string, string)> Sentences)
    {
        public static Profile Of(ArticleFigures article) =>
            new(article, Count(article.Figures), [.. article.Figures.Select(f => (f.Value, f.Unit, f.EvidenceKey))]);

        public static Dictionary<(decimal, string), int> Count(IEnumerable<Figure> figures) =>
            figures.GroupBy(f => (f.Value, f.Unit)).ToDictionary(g => g.Key, g => g.Count());
    }
}
