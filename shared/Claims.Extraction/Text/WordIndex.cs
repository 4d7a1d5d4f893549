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
    /// <summary>At most this many distinct stem characters get a code of their own; rarer ones go through a dictionary.</summary>
    internal const int MaxCodes = 125;

    /// <summary>The code of characters that continue a word but are in no stem: nobody's label, so every walk dies there.</summary>
    internal const byte NoStemCode = 251;

    /// <summary>The code of characters that end a word (<see cref="CharClass.ContinuesWord"/> is false).</summary>
    internal const byte EndCode = 252;

    /// <summary>The code of characters that do not change a word (soft hyphens, stress marks): a walk stays where it is.</summary>
    internal const byte IgnorableCode = 254;

    /// <summary>Stem characters without a code of their own, looked up in a dictionary.</summary>
    internal const byte RareCode = byte.MaxValue;

    /// <summary>The code of every UTF-16 code unit, read through its normalised form (so "Ё", "ё" and "е" share one).</summary>
    private readonly byte[] _codes;

    /// <summary>
    /// The children of every node as a double array: the child of a cell along code <c>k</c> is the
    /// cell <c>base + k</c>, where <c>base</c> is the upper 24 bits of the parent's cell, and it is a
    /// child only if its low byte (its label) is <c>k</c>. No two nodes share a base, so a matching
    /// label proves the parent. A step is one load from a table that stays in the first-level cache
    /// (16 KB for the 3,783 nodes of the shipped vocabulary): the article scan takes one for most
    /// letters of every word, and the dense table of rows and columns it replaced (a megabyte) fell
    /// out of the caches while the sentences with figures were read.
    /// Codes that are nobody's label (<see cref="NoStemCode"/> and up) send a walk to its slow path.
    /// </summary>
    private readonly uint[] _cells;
    private readonly int[] _cellOf;
    private readonly int[] _nodeAt;
    private readonly Dictionary<(int Node, char C), int> _rareNext;

    /// <summary>The normalised text of every node's path, so a word that is a whole path needs no string of its own.</summary>
    private readonly string[] _pathText;

    private readonly int[] _enter;
    private readonly int[] _exit;
    private readonly ulong[] _prefixMask;
    private readonly ulong[] _exactMask;
    private readonly IndexEntry[][] _entries;

    /// <summary>The nearest proper ancestor of every node at which some stem ends (or the root).</summary>
    private readonly int[] _stemAbove;

    internal WordIndex(
        byte[] codes, uint[] cells, int[] cellOf, int[] nodeAt, Dictionary<(int Node, char C), int> rareNext, int dead,
        int[] parent, char[] pathCharacter, int[] enter, int[] exit, ulong[] prefixMask, ulong[] exactMask, IndexEntry[][] entries)
    {
        _codes = codes;
        _cells = cells;
        _cellOf = cellOf;
        _nodeAt = nodeAt;
        _rareNext = rareNext;
        Dead = dead;
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
        _stemAbove = new int[parent.Length];
        for (var node = 1; node < parent.Length; node++)
        {
            var up = parent[node];
            _stemAbove[node] = up == Root || entries[up].Length > 0 ? up : _stemAbove[up];
        }
    }

    public const int Root = 0;

    /// <summary>The root's cell in <see cref="_cells"/>; no code is 0, so it is nobody's child.</summary>
    internal const int RootCell = 0;

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
        if (node == Dead)
        {
            return Dead;
        }

        var code = _codes[c];
        if (code == IgnorableCode)
        {
            return node;
        }

        if (code == RareCode)
        {
            return _rareNext.GetValueOrDefault((node, CharClass.Fold(c)), Dead);
        }

        var target = (int)(_cells[_cellOf[node]] >> 8) + code;
        return (byte)_cells[target] == code ? _nodeAt[target] : Dead;
    }

    /// <summary>
    /// Walks the word of <paramref name="text"/> that starts at <paramref name="start"/> and ends
    /// before the first character that does not continue a word (or at <paramref name="end"/>):
    /// returns the deepest node its letters reach and where the word ends, and whether the whole
    /// word is a path of the index. The article scan calls this for every word of every article, and
    /// the tokenizer for every word of the sentences read in full, so the tables are read through
    /// locals and without bounds checks (every cell's base leaves room for the largest code after
    /// it, by construction).
    /// </summary>
    public int WalkWord(string text, int start, int end, out int wordEnd, out bool whole)
    {
        ref var codes = ref MemoryMarshal.GetArrayDataReference(_codes);
        ref var cells = ref MemoryMarshal.GetArrayDataReference(_cells);
        var cell = RootCell;
        var childBase = (int)(_cells[RootCell] >> 8);
        var j = start;
        while (j < end)
        {
            var c = text[j];
            int code = Unsafe.Add(ref codes, c);
            var target = childBase + code;
            var entry = Unsafe.Add(ref cells, target);
            if ((byte)entry == code)
            {
                cell = target;
                childBase = (int)(entry >> 8);
                j++;
                continue;
            }

            if (code == EndCode)
            {
                break;
            }

            j++;
            if (code == IgnorableCode)
            {
                continue;
            }

            if (code == RareCode && _rareNext.TryGetValue((_nodeAt[cell], CharClass.Fold(c)), out var child))
            {
                cell = _cellOf[child];
                childBase = (int)(_cells[cell] >> 8);
                continue;
            }

            // Most words leave the index after a few letters; the rest of the word only needs its end.
            while (j < end && CharClass.ContinuesWord(text[j]))
            {
                j++;
            }

            wordEnd = j;
            whole = false;
            return _nodeAt[cell];
        }

        wordEnd = j;
        whole = cell != RootCell;
        return _nodeAt[cell];
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

        for (var n = StemAtOrAbove(node); n != Root; n = _stemAbove[n])
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

        for (var n = StemAtOrAbove(node); n != Root; n = _stemAbove[n])
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

    /// <summary>
    /// The node itself if a stem ends there, else the nearest such node above it (or <see cref="Root"/>):
    /// with <see cref="StemAbove"/>, a walk up a word's path that visits only the nodes where stems
    /// end, the one place their entries are (a word's path has a dozen nodes, and one or two of them hold stems).
    /// </summary>
    public int StemAtOrAbove(int node) => _entries[node].Length > 0 ? node : _stemAbove[node];

    /// <summary>The nearest node above <paramref name="node"/> where a stem ends, or <see cref="Root"/>.</summary>
    public int StemAbove(int node) => _stemAbove[node];

    /// <summary>The stems that end exactly at a node, for callers that walk the path themselves without allocating.</summary>
    public IndexEntry[] EntriesAt(int node) => _entries[node];

    /// <summary>Every stem with an entry of one of <paramref name="classes"/>, with that entry.</summary>
    public IEnumerable<(StemRef Stem, IndexEntry Entry)> StemsOf(WordClass classes)
    {
        for (var node = 0; node < _entries.Length; node++)
        {
            foreach (var entry in _entries[node])
            {
                if ((entry.Class & classes) != 0)
                {
                    yield return (new StemRef(node, entry.Exact, _pathText[node].Length), entry);
                }
            }
        }
    }

    /// <summary>A filter that lets through the words that may match one of <paramref name="stems"/> (<see cref="StemPrefixFilter"/>).</summary>
    public StemPrefixFilter PrefixFilter(IEnumerable<StemRef> stems) =>
        new(_codes, stems.Select(stem => (_pathText[stem.Node], stem.Exact)));
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

        // The most common characters of the stems get codes of their own; the rest share the rare code.
        var usage = _children.SelectMany(children => children.Keys).CountBy(c => c).ToArray();
        var common = usage
            .OrderByDescending(entry => entry.Value)
            .ThenBy(entry => entry.Key)
            .Take(WordIndex.MaxCodes)
            .Select(entry => entry.Key)
            .ToArray();
        var codeOfFolded = new Dictionary<char, byte>();
        foreach (var (c, _) in usage)
        {
            codeOfFolded[c] = WordIndex.RareCode;
        }

        for (var i = 0; i < common.Length; i++)
        {
            codeOfFolded[common[i]] = (byte)(i + 1);
        }

        var codes = new byte[char.MaxValue + 1];
        for (var c = 0; c <= char.MaxValue; c++)
        {
            var character = (char)c;
            codes[c] = CharClass.IsIgnorable(character) ? WordIndex.IgnorableCode
                : !CharClass.ContinuesWord(character) ? WordIndex.EndCode
                : codeOfFolded.GetValueOrDefault(CharClass.Fold(character), WordIndex.NoStemCode);
        }

        var rareNext = new Dictionary<(int Node, char C), int>();
        var (cells, cellOf, nodeAt) = BuildDoubleArray(codeOfFolded, rareNext);

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

        return new WordIndex(codes, cells, cellOf, nodeAt, rareNext, count, [.. _parents], pathCharacter, enter, exit, prefixMask, exactMask, [.. _entries.Select(list => list.ToArray())]);
    }

    /// <summary>
    /// Lays the trie out as a double array (<see cref="WordIndex"/>'s cells), breadth first so that
    /// the short stems every word starts with share a few cache lines. Each node's children along
    /// coded characters go at the first base that no node has taken and whose cells are free for
    /// all of them; children along rare characters get any free cell and are found through
    /// <paramref name="rareNext"/>. Returns the cells, each node's cell and each cell's node.
    /// </summary>
    private (uint[] Cells, int[] CellOf, int[] NodeAt) BuildDoubleArray(Dictionary<char, byte> codeOfFolded, Dictionary<(int Node, char C), int> rareNext)
    {
        const int maxBase = (1 << 24) - 1;
        var count = _children.Count;
        var cellOf = new int[count];
        var baseOf = new int[count];
        var label = new byte[count];
        var occupied = new List<bool> { true };
        var baseTaken = new List<bool>();
        var firstFree = 1;
        var queue = new Queue<int>();
        queue.Enqueue(WordIndex.Root);
        var coded = new List<(byte Code, int Child)>();
        var leaves = new List<int>();
        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            coded.Clear();
            foreach (var (c, child) in _children[node])
            {
                var code = codeOfFolded[c];
                if (code == WordIndex.RareCode)
                {
                    rareNext[(node, c)] = child;
                    while (IsSet(occupied, firstFree))
                    {
                        firstFree++;
                    }

                    Set(occupied, firstFree);
                    cellOf[child] = firstFree;
                    queue.Enqueue(child);
                }
                else
                {
                    coded.Add((code, child));
                }
            }

            if (coded.Count == 0)
            {
                leaves.Add(node);
                continue;
            }

            var lowest = coded.Min(edge => edge.Code);
            var candidate = Math.Max(0, firstFree - lowest);
            while (IsSet(baseTaken, candidate) || coded.Exists(edge => IsSet(occupied, candidate + edge.Code)))
            {
                candidate++;
            }

            Set(baseTaken, candidate);
            baseOf[node] = candidate;
            foreach (var (code, child) in coded)
            {
                Set(occupied, candidate + code);
                cellOf[child] = candidate + code;
                label[child] = code;
                queue.Enqueue(child);
            }

            while (IsSet(occupied, firstFree))
            {
                firstFree++;
            }
        }

        // A leaf has no children, but a walk may still look past it: its base must be its own too.
        var unusedBase = 0;
        foreach (var leaf in leaves)
        {
            while (IsSet(baseTaken, unusedBase))
            {
                unusedBase++;
            }

            Set(baseTaken, unusedBase);
            baseOf[leaf] = unusedBase;
        }

        var largestBase = baseOf.Max();
        if (largestBase > maxBase)
        {
            throw new InvalidOperationException($"The word index has too many stems for its double array ({count} nodes).");
        }

        // Room after the largest base for every code, so a step never needs a bounds check.
        var cells = new uint[Math.Max(occupied.Count, largestBase + byte.MaxValue + 1)];
        var nodeAt = new int[cells.Length];
        for (var node = 0; node < count; node++)
        {
            cells[cellOf[node]] = ((uint)baseOf[node] << 8) | label[node];
            nodeAt[cellOf[node]] = node;
        }

        return (cells, cellOf, nodeAt);
    }

    private static bool IsSet(List<bool> flags, int index) => index < flags.Count && flags[index];

    private static void Set(List<bool> flags, int index)
    {
        while (flags.Count <= index)
        {
            flags.Add(false);
        }

        flags[index] = true;
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
