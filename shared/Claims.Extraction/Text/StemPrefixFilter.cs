using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Claims.Extraction.Text;

/// <summary>
/// Rules words out before their walk through the <see cref="WordIndex"/>: a word can match a stem
/// of three or more characters only if its first three characters are the stem's, so a set of
/// stems is kept as one bit per hash of their first three characters (and, for the few prefix
/// stems shorter than that, per first one or two characters). A word that passes may still match
/// nothing; one that fails matches none of the stems. The article scan checks every word of every
/// article against the stems it needs and walks only the words that pass: most words are none of
/// them, and a walk is a chain of dependent loads, one per letter.
/// </summary>
internal sealed class StemPrefixFilter
{
    private const int HashBits = 16;

    private readonly byte[] _codes;

    /// <summary>Stems of three or more characters, by a hash of their first three.</summary>
    private readonly ulong[] _triples = new ulong[(1 << HashBits) / 64];

    /// <summary>Prefix stems of one or two characters, by their code or pair of codes (<see cref="Short"/>).</summary>
    private readonly ulong[] _shortPrefixes = new ulong[(1 << 16) / 64];

    /// <summary>Stems of one or two characters, prefix or exact: what a word that short may match.</summary>
    private readonly ulong[] _shortStems = new ulong[(1 << 16) / 64];

    /// <param name="codes">The index's code of every UTF-16 code unit (<see cref="WordIndex"/>).</param>
    /// <param name="stems">The stems to let through, normalised, and whether each must equal the whole word.</param>
    internal StemPrefixFilter(byte[] codes, IEnumerable<(string Text, bool Exact)> stems)
    {
        _codes = codes;
        foreach (var (text, exact) in stems)
        {
            if (text.Length >= 3)
            {
                Set(_triples, Hash(codes[text[0]], codes[text[1]], codes[text[2]]));
            }
            else if (text.Length > 0)
            {
                var key = Short(codes[text[0]], text.Length == 2 ? codes[text[1]] : 0);
                Set(_shortStems, key);
                if (!exact)
                {
                    Set(_shortPrefixes, key);
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

        int third = Unsafe.Add(ref codes, text[start + 2]);
        return third == WordIndex.IgnorableCode
            || IsSet(_triples, Hash(first, second, third))
            || IsSet(_shortPrefixes, first) || IsSet(_shortPrefixes, pair);
    }

    /// <summary>One character's code, or a pair's: a pair is at least 256, since no code is 0, so the two never meet.</summary>
    private static int Short(int first, int second) => second == 0 ? first : (first << 8) | second;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(int first, int second, int third) =>
        (int)(((uint)((first * 65_599) + (second * 257) + third) * 2_654_435_761u) >> (32 - HashBits));

    private static void Set(ulong[] bits, int index) => bits[index >> 6] |= 1UL << index;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsSet(ulong[] bits, int index) =>
        (Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(bits), index >> 6) & (1UL << index)) != 0;
}
