using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Claims.Extraction.Text;

/// <summary>
/// Rules words out before their walk through the <see cref="WordIndex"/>. A word can match a stem
/// only if it starts with the stem: a stem of four or more characters is kept as one bit per hash
/// of its first four, a shorter one by its characters (three-character stems in two sets: prefix
/// stems, which any longer word may start with, and exact ones, which only a word that short may
/// equal). A word that passes may still match nothing; one that fails matches none of the stems.
/// The article scan checks every word of every article against the stems it needs and walks only
/// the words that pass: most words are none of them, and a walk is a chain of dependent loads,
/// one per letter.
/// </summary>
internal sealed class StemPrefixFilter
{
    private const int HashBits = 16;

    private readonly byte[] _codes;

    /// <summary>Stems of four or more characters, by a hash of their first four.</summary>
    private readonly ulong[] _quads = new ulong[(1 << HashBits) / 64];

    /// <summary>Stems of three characters, prefix or exact: what a word of three may match.</summary>
    private readonly ulong[] _triples = new ulong[(1 << HashBits) / 64];

    /// <summary>Prefix stems of three characters, which longer words may start with.</summary>
    private readonly ulong[] _triplePrefixes = new ulong[(1 << HashBits) / 64];

    /// <summary>Prefix stems of one or two characters, by their code or pair of codes (<see cref="Short"/>).</summary>
    private readonly ulong[] _shortPrefixes = new ulong[(1 << 16) / 64];

    /// <summary>Stems of one or two characters, prefix or exact: what a word that short may match.</summary>
    private readonly ulong[] _shortStems = new ulong[(1 << 16) / 64];

    /// <summary>Whether any prefix stem is that short: the scan's stems have none, so its longer words skip two lookups.</summary>
    private readonly bool _hasShortPrefixes;

    /// <param name="codes">The index's code of every UTF-16 code unit (<see cref="WordIndex"/>).</param>
    /// <param name="stems">The stems to let through, normalised, and whether each must equal the whole word.</param>
    internal StemPrefixFilter(byte[] codes, IEnumerable<(string Text, bool Exact)> stems)
    {
        _codes = codes;
        foreach (var (text, exact) in stems)
        {
            if (text.Length >= 4)
            {
                Set(_quads, Hash(codes[text[0]], codes[text[1]], codes[text[2]], codes[text[3]]));
            }
            else if (text.Length == 3)
            {
                var hash = Hash(codes[text[0]], codes[text[1]], codes[text[2]], 0);
                Set(_triples, hash);
                if (!exact)
                {
                    Set(_triplePrefixes, hash);
                }
            }
            else if (text.Length > 0)
            {
                var key = Short(codes[text[0]], text.Length == 2 ? codes[text[1]] : 0);
                Set(_shortStems, key);
                if (!exact)
                {
                    Set(_shortPrefixes, key);
                    _hasShortPrefixes = true;
                }
            }
        }
    }

    /// <summary>Whether the word <c>text[start..end]</c> (at least one character) may match one of the stems.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool MayMatch(string text, int start, int end)
    {
        ref var codes = ref MemoryMarshal.GetArrayDataReference(_codes);
        int first = Unsafe.Add(ref codes, text[start]);
        var length = end - start;
        if (length == 1)
        {
            return first == WordIndex.IgnorableCode || IsSet(_shortStems, first);
        }

        int second = Unsafe.Add(ref codes, text[start + 1]);
        var pair = Short(first, second);

        // A soft hyphen or a stress mark among the first characters would shift the stem's: such words pass.
        if (first == WordIndex.IgnorableCode || second == WordIndex.IgnorableCode)
        {
            return true;
        }

        if (length == 2)
        {
            return IsSet(_shortStems, pair) || IsSet(_shortPrefixes, first);
        }

        if (_hasShortPrefixes && (IsSet(_shortPrefixes, first) || IsSet(_shortPrefixes, pair)))
        {
            return true;
        }

        int third = Unsafe.Add(ref codes, text[start + 2]);
        if (third == WordIndex.IgnorableCode)
        {
            return true;
        }

        var triple = Hash(first, second, third, 0);
        if (length == 3)
        {
            return IsSet(_triples, triple);
        }

        int fourth = Unsafe.Add(ref codes, text[start + 3]);
        return fourth == WordIndex.IgnorableCode || IsSet(_triplePrefixes, triple) || IsSet(_quads, Hash(first, second, third, fourth));
    }

    /// <summary>One character's code, or a pair's: a pair is at least 256, since no code is 0, so the two never meet.</summary>
    private static int Short(int first, int second) => second == 0 ? first : (first << 8) | second;

    /// <summary>A hash of three or four codes (the fourth 0 for three); threes and fours are kept in tables of their own.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(int first, int second, int third, int fourth) =>
        (int)(((uint)((first * 16_777_619) ^ (second * 65_599) ^ (third * 257) ^ fourth) * 2_654_435_761u) >> (32 - HashBits));

    private static void Set(ulong[] bits, int index) => bits[index >> 6] |= 1UL << index;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsSet(ulong[] bits, int index) =>
        (Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(bits), index >> 6) & (1UL << index)) != 0;
}
