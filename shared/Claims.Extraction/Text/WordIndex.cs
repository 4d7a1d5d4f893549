using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Claims.Extraction.Text;

/// <summary>
/// What a word can be, as far as the closed word lists and the data files tell. A word carries the
/// classes of every stem that matches it, so readers test a bit instead of comparing strings.
/// </summary>
[Flags]
internal enum WordClass : ulong
{
    None = 0,
    Scale = 1UL << 0,
    GluedScale = 1UL << 1,
    CurrencyWord = 1UL << 2,
    CurrencyCode = 1UL << 3,

    /// <summary>"США", "US", "АҚШ": part of a currency's name ("долларов США"), not a subject.</summary>
    CurrencyCountry = 1UL << 4,
    Tonne = 1UL << 5,
    TonneAbbreviation = 1UL << 6,
    PercentWord = 1UL << 7,

    /// <summary>"раз", "есе", "times", "fold" after a number.</summary>
    Multiplier = 1UL << 8,
    ContainerUnit = 1UL << 9,
    NumberWord = 1UL << 10,

    /// <summary>A factor in one word: "втрое", "doubled", "fourfold", "halved".</summary>
    MultiplierWord = 1UL << 11,

    /// <summary>A count of occasions in one word: "трижды", "twice".</summary>
    TimesWord = 1UL << 12,

    /// <summary>"треть", "четверть", "third", "half" in "на треть", "by a third".</summary>
    FractionWord = 1UL << 13,
    Increase = 1UL << 14,
    Decrease = 1UL << 15,
    TargetCue = 1UL << 16,
    ForecastCue = 1UL << 17,
    ComparisonCue = 1UL << 18,
    GrowthNoun = 1UL << 19,
    ChangeComparative = 1UL << 20,
    ChangeMarker = 1UL << 21,
    Month = 1UL << 22,
    Ordinal = 1UL << 23,
    MonthWord = 1UL << 24,
    QuarterWord = 1UL << 25,
    HalfYearWord = 1UL << 26,
    YearWord = 1UL << 27,

    /// <summary>Words that start like a year word but are not one ("годный", "жылжымалы").</summary>
    NotYearWord = 1UL << 28,
    BaselineNoun = 1UL << 29,
    EntityStart = 1UL << 30,
    PairCueStart = 1UL << 31,
    MetricStem = 1UL << 32,
    CountNoun = 1UL << 33,
    EconomyWord = 1UL << 34,

    /// <summary>"импорт", "imports": a country owning it is the destination of the flow.</summary>
    ImportWord = 1UL << 35,

    /// <summary>"посетил", "visited": the place named right after it is where the visit went.</summary>
    VisitVerb = 1UL << 36,

    /// <summary>Function words, pronouns and auxiliaries: never the head noun of a figure's phrase.</summary>
    Stopword = 1UL << 37,

    /// <summary>"объем", "volume", "көлем": a measure whose head noun is the word it governs.</summary>
    MeasureNoun = 1UL << 38,

    /// <summary>"составил", "reached", "құрады": verbs that state a level.</summary>
    ReportingVerb = 1UL << 39,

    /// <summary>"жарым", "half", "половиной" in "бір жарым", "one and a half", "два с половиной".</summary>
    HalfWord = 1UL << 40,

    /// <summary>Verbs that bring a figure to a level ("довести", "нарастить", "жеткізу"): a following "до" is "to".</summary>
    BringToVerb = 1UL << 41,

    /// <summary>Words that mark a figure as modal ("может", "could"): a forecast.</summary>
    ModalCue = 1UL << 42,

    /// <summary>One-word hedges ("около", "свыше", "жуық", "nearly").</summary>
    HedgeWord = 1UL << 43,

    /// <summary>A volume unit in one word: "кубометров", "м3", "м³", "cbm", and "bcm" (billions of them).</summary>
    CubicMetre = 1UL << 44,

    /// <summary>"куб", "кубических", "текше", "cubic": a cubic metre when a metre word follows.</summary>
    CubicWord = 1UL << 45,

    /// <summary>"м", "метров", "metres", "meters" after a cubic word.</summary>
    MetreWord = 1UL << 46,
}

/// <summary>A stem in the index: the node where it ends and whether it must equal the whole word.</summary>
internal readonly record struct StemRef(int Node, bool Exact, int Length);

/// <summary>A stem's class and payload (scale factor, currency code, month number, metric, phrase...).</summary>
internal readonly record struct IndexEntry(WordClass Class, bool Exact, object? Payload);

/// <summary>
/// A trie over every stem the extractor knows (lexicon, metric catalog, gazetteer). A word is walked
/// once, character by character, and is then known by the node where the walk stopped and whether it
/// consumed the whole word: its classes are the union of the prefix stems on the path (kept per
/// node) and of the exact stems at the node. Whether a given stem matches the word is an ancestor
/// test on two numbers, and payloads are found by walking up at most a word's length.
/// </summary>
internal sealed class WordIndex
{
    /// <summary>At most this many distinct stem characters get a column of the transition table; rarer ones go through a dictionary.</summary>
    internal const int MaxColumns = 125;

    /// <summary>The column of characters no stem has: every row leads to <see cref="Dead"/> there.</summary>
    internal const byte NoStemCode = 0;

    /// <summary>The column of characters that do not change a word (soft hyphens, stress marks): every row leads to itself.</summary>
    internal const byte IgnorableCode = 1;

    /// <summary>Stem characters without a column of their own, looked up in a dictionary.</summary>
    internal const byte RareCode = byte.MaxValue;

    /// <summary>The column of every UTF-16 code unit, read through its normalised form (so "Ё", "ё" and "е" share one).</summary>
    private readonly byte[] _codes;

    /// <summary>
    /// The children of every node in one table, a row per node and a column per character code,
    /// with one more row, <see cref="Dead"/>, that every missing child leads to and never leaves. A
    /// step is one load: the article scan takes one for most letters of every word, and searching
    /// a node's list of edges had cost a mispredicted branch a step.
    /// </summary>
    private readonly int[] _next;
    private readonly int _stride;
    private readonly Dictionary<(int Node, char C), int> _rareNext;

    /// <summary>The normalised text of every node's path, so a word that is a whole path needs no string of its own.</summary>
    private readonly string[] _pathText;

    private readonly int[] _parent;
    private readonly int[] _enter;
    private readonly int[] _exit;
    private readonly ulong[] _prefixMask;
    private readonly ulong[] _exactMask;
    private readonly IndexEntry[][] _entries;

    internal WordIndex(
        byte[] codes, int[] next, int stride, Dictionary<(int Node, char C), int> rareNext, int dead,
        int[] parent, char[] pathCharacter, int[] enter, int[] exit, ulong[] prefixMask, ulong[] exactMask, IndexEntry[][] entries)
    {
        _codes = codes;
        _next = next;
        _stride = stride;
        _rareNext = rareNext;
        Dead = dead;
        _parent = parent;
        _pathText = new string[parent.Length];
        _pathText[Root] = "";
        for (var node = 1; node < parent.Length; node++)
        {
            // Builders add a child after its parent, so the parent's text is ready.
            _pathText[node] = _pathText[parent[node]] + pathCharacter[node];
        }

        _enter = enter;
        _exit = exit;
        _prefixMask = prefixMask;
        _exactMask = exactMask;
        _entries = entries;
    }

    public const int Root = 0;

    /// <summary>The node a walk ends in once a character leaves the stems; <see cref="Advance"/> never leaves it.</summary>
    public int Dead { get; }

    /// <summary>The child of <paramref name="node"/> along a normalised character, or -1.</summary>
    public int Step(int node, char c)
    {
        var next = Advance(node, c);
        return next == Dead ? -1 : next;
    }

    /// <summary>
    /// The child of <paramref name="node"/> along a character as written (it is normalised here), the
    /// node itself for an ignorable character, and <see cref="Dead"/> where no stem goes on.
    /// </summary>
    public int Advance(int node, char c)
    {
        var code = _codes[c];
        return code != RareCode ? _next[(node * _stride) + code] : _rareNext.GetValueOrDefault((node, CharClass.Fold(c)), Dead);
    }

    /// <summary>
    /// Walks the word of <paramref name="text"/> that starts at <paramref name="start"/> and ends
    /// before the first character that does not continue a word (or at <paramref name="end"/>):
    /// returns the deepest node its letters reach and where the word ends, and whether the whole
    /// word is a path of the index. The article scan calls this for every word of every article, and
    /// the tokenizer for every word of the sentences read in full, so the table is read through
    /// locals and without bounds checks (every code is below the stride and every entry is a row of
    /// the table, both by construction).
    /// </summary>
    public int WalkWord(string text, int start, int end, out int wordEnd, out bool whole)
    {
        ref var codes = ref MemoryMarshal.GetArrayDataReference(_codes);
        ref var next = ref MemoryMarshal.GetArrayDataReference(_next);
        var stride = _stride;
        var dead = Dead;
        var node = Root;
        var j = start;
        while (j < end)
        {
            var c = text[j];
            if (!CharClass.ContinuesWord(c))
            {
                break;
            }

            var code = Unsafe.Add(ref codes, c);
            var child = code != RareCode ? Unsafe.Add(ref next, (node * stride) + code) : _rareNext.GetValueOrDefault((node, CharClass.Fold(c)), dead);
            j++;
            if (child == dead)
            {
                // Most words leave the index after a few letters; the rest of the word only needs its end.
                while (j < end && CharClass.ContinuesWord(text[j]))
                {
                    j++;
                }

                wordEnd = j;
                whole = false;
                return node;
            }

            node = child;
        }

        wordEnd = j;
        whole = node != Root;
        return node;
    }

    /// <summary>Walks a normalised word: the deepest node reached and whether the whole word was consumed.</summary>
    public (int Node, bool Whole) Walk(ReadOnlySpan<char> word)
    {
        var node = Root;
        foreach (var c in word)
        {
            var next = Step(node, c);
            if (next < 0)
            {
                return (node, false);
            }

            node = next;
        }

        return (node, word.Length > 0);
    }

    public WordClass Classes(int node, bool whole) => (WordClass)(_prefixMask[node] | (whole ? _exactMask[node] : 0));

    /// <summary>Whether <paramref name="stem"/> matches the word that walked to <paramref name="node"/>.</summary>
    public bool Matches(int node, bool whole, StemRef stem) =>
        stem.Exact
            ? whole && node == stem.Node
            : _enter[stem.Node] <= _enter[node] && _enter[node] < _exit[stem.Node];

    /// <summary>The entries of a class that match the word, most specific (longest stem) first.</summary>
    public IEnumerable<IndexEntry> Entries(int node, bool whole, WordClass wanted)
    {
        if ((Classes(node, whole) & wanted) == 0)
        {
            yield break;
        }

        for (var n = node; n != Root; n = _parent[n])
        {
            foreach (var entry in _entries[n])
            {
                if ((entry.Class & wanted) != 0 && (!entry.Exact || (whole && n == node)))
                {
                    yield return entry;
                }
            }
        }
    }

    /// <summary>The payload of the most specific entry of a class that matches the word, or default. Allocates nothing.</summary>
    public T? Payload<T>(int node, bool whole, WordClass wanted)
    {
        if ((Classes(node, whole) & wanted) == 0)
        {
            return default;
        }

        for (var n = node; n != Root; n = _parent[n])
        {
            foreach (var entry in _entries[n])
            {
                if ((entry.Class & wanted) != 0 && (!entry.Exact || (whole && n == node)) && entry.Payload is T payload)
                {
                    return payload;
                }
            }
        }

        return default;
    }

    /// <summary>The normalised text that walks from the root to <paramref name="node"/>: a whole word's text, without a copy.</summary>
    public string PathText(int node) => _pathText[node];

    /// <summary>The node a word's stem path passes through one step up (<see cref="Root"/> has none).</summary>
    public int Parent(int node) => _parent[node];

    /// <summary>The stems that end exactly at a node, for callers that walk the path themselves without allocating.</summary>
    public IndexEntry[] EntriesAt(int node) => _entries[node];
}

/// <summary>Collects stems with their classes and payloads, then freezes them into a <see cref="WordIndex"/>.</summary>
internal sealed class WordIndexBuilder
{
    private readonly List<Dictionary<char, int>> _children = [[]];
    private readonly List<int> _parents = [-1];
    private readonly List<List<IndexEntry>> _entries = [[]];

    /// <summary>
    /// Adds a stem (lower case, <c>ё</c> as <c>е</c>; a leading <c>=</c> makes it match only the whole word).
    /// Returns where it ends, so phrases can refer to it.
    /// </summary>
    public StemRef Add(string stem, WordClass wordClass = WordClass.None, object? payload = null)
    {
        var exact = stem.Length > 0 && stem[0] == '=';
        var node = NodeOf(exact ? stem.AsSpan(1) : stem);
        if (wordClass != WordClass.None)
        {
            _entries[node].Add(new IndexEntry(wordClass, exact, payload));
        }

        return new StemRef(node, exact, stem.Length - (exact ? 1 : 0));
    }

    public WordIndex Build()
    {
        var count = _children.Count;

        // The most common characters of the stems get columns of their own; the rest share the rare column.
        var usage = _children.SelectMany(children => children.Keys).CountBy(c => c).ToArray();
        var columns = usage
            .OrderByDescending(entry => entry.Value)
            .ThenBy(entry => entry.Key)
            .Take(WordIndex.MaxColumns)
            .Select(entry => entry.Key)
            .ToArray();
        var codeOfFolded = new Dictionary<char, byte>();
        foreach (var (c, _) in usage)
        {
            codeOfFolded[c] = WordIndex.RareCode;
        }

        for (var i = 0; i < columns.Length; i++)
        {
            codeOfFolded[columns[i]] = (byte)(i + 2);
        }

        var codes = new byte[char.MaxValue + 1];
        for (var c = 0; c <= char.MaxValue; c++)
        {
            codes[c] = CharClass.IsIgnorable((char)c) ? WordIndex.IgnorableCode : codeOfFolded.GetValueOrDefault(CharClass.Fold((char)c), WordIndex.NoStemCode);
        }

        var stride = columns.Length + 2;
        var dead = count;
        var next = new int[(count + 1) * stride];
        Array.Fill(next, dead);
        var rareNext = new Dictionary<(int Node, char C), int>();
        for (var node = 0; node <= count; node++)
        {
            next[(node * stride) + WordIndex.IgnorableCode] = node;
            if (node == dead)
            {
                continue;
            }

            foreach (var (c, child) in _children[node])
            {
                if (codeOfFolded[c] == WordIndex.RareCode)
                {
                    rareNext[(node, c)] = child;
                }
                else
                {
                    next[(node * stride) + codeOfFolded[c]] = child;
                }
            }
        }

        // Entry and exit times of a depth-first walk: a node is an ancestor of another exactly when
        // the other's entry time falls within its interval. Iterative, so deep stems cannot overflow the stack.
        var enter = new int[count];
        var exit = new int[count];
        var prefixMask = new ulong[count];
        var exactMask = new ulong[count];
        var clock = 0;
        var stack = new Stack<(int Node, bool Leaving)>();
        stack.Push((0, false));
        while (stack.Count > 0)
        {
            var (node, leaving) = stack.Pop();
            if (leaving)
            {
                exit[node] = clock;
                continue;
            }

            enter[node] = clock++;
            var inherited = node == 0 ? 0UL : prefixMask[_parents[node]];
            prefixMask[node] = inherited | Mask(_entries[node], exact: false);
            exactMask[node] = Mask(_entries[node], exact: true);
            stack.Push((node, true));
            foreach (var child in _children[node].Values)
            {
                stack.Push((child, false));
            }
        }

        var pathCharacter = new char[count];
        for (var node = 0; node < count; node++)
        {
            foreach (var (c, child) in _children[node])
            {
                pathCharacter[child] = c;
            }
        }

        return new WordIndex(codes, next, stride, rareNext, dead, [.. _parents], pathCharacter, enter, exit, prefixMask, exactMask, [.. _entries.Select(list => list.ToArray())]);
    }

    private static ulong Mask(List<IndexEntry> entries, bool exact)
    {
        var mask = 0UL;
        foreach (var entry in entries)
        {
            if (entry.Exact == exact)
            {
                mask |= (ulong)entry.Class;
            }
        }

        return mask;
    }

    private int NodeOf(ReadOnlySpan<char> stem)
    {
        var node = 0;
        foreach (var raw in stem)
        {
            var c = CharClass.Fold(raw);
            if (!_children[node].TryGetValue(c, out var child))
            {
                child = _children.Count;
                _children[node][c] = child;
                _children.Add([]);
                _parents.Add(node);
                _entries.Add([]);
            }

            node = child;
        }

        return node;
    }
}
