using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Claims.Extraction.Text;

/// <summary>Up to 64 characters' marks, one bit each (<see cref="CharClass.MarkBlock(ReadOnlySpan{char})"/>).</summary>
internal readonly record struct CharMarks(ulong Letters, ulong ContinuesWord, ulong Digits, ulong Stops)
{
    /// <summary>These marks with <paramref name="other"/>'s, shifted to start at character <paramref name="at"/>.</summary>
    public CharMarks With(CharMarks other, int at) =>
        new(Letters | (other.Letters << at), ContinuesWord | (other.ContinuesWord << at), Digits | (other.Digits << at), Stops | (other.Stops << at));
}

/// <summary>
/// Character tests shared by the tokenizer and the article scan; both must agree on where words
/// begin and end. Every test is one load from a table built once for all 65,536 UTF-16 code units,
/// because the article scan asks them of every character of every article.
/// </summary>
internal static class CharClass
{
    private const byte Letter = 1;
    private const byte Digit = 2;
    private const byte Ignorable = 4;
    private const byte Connector = 8;
    private const byte Dash = 16;
    private const byte GroupSpace = 32;
    private const byte Space = 64;

    // "м³", "km²": a superscript continues a word, read as its digit ("м3"), but never starts one.
    private const byte Superscript = 128;

    private static readonly byte[] _kinds = BuildKinds();
    private static readonly char[] _folded = BuildFolded();

    /// <summary>The normalised form of a letter: lower case, <c>ё</c> as <c>е</c>; other characters as they are.</summary>
    public static char Fold(char c) => _folded[c];

    public static bool IsLetter(char c) => (_kinds[c] & Letter) != 0;

    public static bool IsAsciiDigit(char c) => (_kinds[c] & Digit) != 0;

    /// <summary>Soft hyphens, zero-width characters and combining stress marks do not change a word.</summary>
    public static bool IsIgnorable(char c) => (_kinds[c] & Ignorable) != 0;

    /// <summary>Characters that continue a word once it has started.</summary>
    public static bool ContinuesWord(char c) => (_kinds[c] & (Letter | Digit | Ignorable | Superscript)) != 0;

    /// <summary>Hyphens, dashes and quotes may stand between the words of a name ("Trans-Caspian", "«КазМунайГаз»").</summary>
    public static bool IsConnector(char c) => (_kinds[c] & Connector) != 0;

    /// <summary>Characters that keep a name together between two of its words: spaces, connectors, ignorables.</summary>
    public static bool KeepsNameTogether(char c) => (_kinds[c] & (Space | Connector | Ignorable)) != 0;

    public static bool IsDash(char c) => (_kinds[c] & Dash) != 0;

    /// <summary><see cref="char.IsWhiteSpace(char)"/> by one load, where the framework looks most characters up by category.</summary>
    public static bool IsWhiteSpace(char c) => (_kinds[c] & Space) != 0;

    /// <summary>Spaces that may separate thousands: plain, no-break, narrow no-break, thin, figure.</summary>
    public static bool IsGroupSpace(char c) => (_kinds[c] & GroupSpace) != 0;

    /// <summary>Where a sentence may end: the ASCII stops, the ellipsis and the Unicode line and paragraph separators.</summary>
    public static bool IsStop(char c) => c is '.' or '!' or '?' or '\n' or '\r' or '…' or '\u2028' or '\u2029';

    /// <summary>
    /// Marks up to 64 characters, one bit each (bit <c>i</c> for <c>block[i]</c>): which are letters
    /// (<see cref="IsLetter"/>), which continue a word (<see cref="ContinuesWord"/>), which are ASCII
    /// digits and which may end a sentence (<see cref="IsStop"/>). <see cref="WordMarks"/> finds words
    /// and sentence ends with it without a branch per character.
    /// </summary>
    public static CharMarks MarkBlock(ReadOnlySpan<char> block) =>
        MarkBlock(block, Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 0);

    /// <summary><see cref="MarkBlock(ReadOnlySpan{char})"/> at a chosen vector width: 512, 256, or 0 for one character at a time (tests hold every width to the table).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static CharMarks MarkBlock(ReadOnlySpan<char> block, int vectorWidth)
    {
        if (vectorWidth == 0 || block.Length != 64)
        {
            return MarkOneByOne(block);
        }

        if (vectorWidth == 512)
        {
            return MarkVector512(block[..32]).With(MarkVector512(block[32..]), 32);
        }

        var marks = default(CharMarks);
        for (var part = 0; part < 64; part += Vector256<ushort>.Count)
        {
            marks = marks.With(MarkVector(block.Slice(part, Vector256<ushort>.Count)), part);
        }

        return marks;
    }

    /// <summary>
    /// <see cref="MarkBlock(ReadOnlySpan{char})"/> for one vector of characters. Latin letters and digits, and Cyrillic
    /// (with Kazakh's letters) are classified by ranges, as the table does; any other character, and
    /// the eight Cyrillic signs and marks at U+0482–U+0489, is looked up in the table. A test holds
    /// the two to agree on every UTF-16 code unit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static CharMarks MarkVector(ReadOnlySpan<char> part)
    {
        var c = Vector256.Create(MemoryMarshal.Cast<char, ushort>(part));
        var cyrillic = Vector256.LessThan(c - Vector256.Create((ushort)0x0400), Vector256.Create((ushort)0x0100));
        var cyrillicSign = Vector256.LessThan(c - Vector256.Create((ushort)0x0482), Vector256.Create((ushort)8));
        var ascii = Vector256.LessThan(c, Vector256.Create((ushort)0x80));
        var latin = Vector256.LessThan((c | Vector256.Create((ushort)0x20)) - Vector256.Create((ushort)'a'), Vector256.Create((ushort)26));
        var digit = Vector256.LessThan(c - Vector256.Create((ushort)'0'), Vector256.Create((ushort)10));
        var stop = Vector256.Equals(c, Vector256.Create((ushort)'.')) | Vector256.Equals(c, Vector256.Create((ushort)'!'))
            | Vector256.Equals(c, Vector256.Create((ushort)'?')) | Vector256.Equals(c, Vector256.Create((ushort)'\n'))
            | Vector256.Equals(c, Vector256.Create((ushort)'\r'));
        var letter = latin | (cyrillic & ~cyrillicSign);
        var marks = new CharMarks(letter.ExtractMostSignificantBits(), (letter | digit).ExtractMostSignificantBits(), digit.ExtractMostSignificantBits(), stop.ExtractMostSignificantBits());

        // Quotes, dashes and no-break spaces are common in news text; only their lanes go through the table.
        return WithOthers(marks, part, (~(ascii | cyrillic) | cyrillicSign).ExtractMostSignificantBits());
    }

    /// <summary>
    /// <see cref="MarkVector"/> at twice the width, where the processor has it. The same lines over
    /// another vector type: .NET 10 has no public generic vector interface to write them once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static CharMarks MarkVector512(ReadOnlySpan<char> part)
    {
        var c = Vector512.Create(MemoryMarshal.Cast<char, ushort>(part));
        var cyrillic = Vector512.LessThan(c - Vector512.Create((ushort)0x0400), Vector512.Create((ushort)0x0100));
        var cyrillicSign = Vector512.LessThan(c - Vector512.Create((ushort)0x0482), Vector512.Create((ushort)8));
        var ascii = Vector512.LessThan(c, Vector512.Create((ushort)0x80));
        var latin = Vector512.LessThan((c | Vector512.Create((ushort)0x20)) - Vector512.Create((ushort)'a'), Vector512.Create((ushort)26));
        var digit = Vector512.LessThan(c - Vector512.Create((ushort)'0'), Vector512.Create((ushort)10));
        var stop = Vector512.Equals(c, Vector512.Create((ushort)'.')) | Vector512.Equals(c, Vector512.Create((ushort)'!'))
            | Vector512.Equals(c, Vector512.Create((ushort)'?')) | Vector512.Equals(c, Vector512.Create((ushort)'\n'))
            | Vector512.Equals(c, Vector512.Create((ushort)'\r'));
        var letter = latin | (cyrillic & ~cyrillicSign);
        var marks = new CharMarks(letter.ExtractMostSignificantBits(), (letter | digit).ExtractMostSignificantBits(), digit.ExtractMostSignificantBits(), stop.ExtractMostSignificantBits());
        return WithOthers(marks, part, (~(ascii | cyrillic) | cyrillicSign).ExtractMostSignificantBits());
    }

    /// <summary>Marks the lanes the ranges do not cover (quotes, dashes, no-break spaces, other scripts) through the table.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static CharMarks WithOthers(CharMarks marks, ReadOnlySpan<char> part, ulong others)
    {
        for (; others != 0; others &= others - 1)
        {
            var lane = BitOperations.TrailingZeroCount(others);
            marks = marks.With(Mark(part[lane]), lane);
        }

        return marks;
    }

    private static CharMarks MarkOneByOne(ReadOnlySpan<char> part)
    {
        var marks = default(CharMarks);
        for (var i = 0; i < part.Length; i++)
        {
            marks = marks.With(Mark(part[i]), i);
        }

        return marks;
    }

    /// <summary>One character's marks as 0 or 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static CharMarks Mark(char c)
    {
        int kind = Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_kinds), c);
        return new CharMarks((ulong)(kind & Letter), (uint)-(kind & (Letter | Digit | Ignorable | Superscript)) >> 31, (ulong)(kind & Digit) >> 1, IsStop(c) ? 1UL : 0);
    }

    private static byte[] BuildKinds()
    {
        var kinds = new byte[char.MaxValue + 1];
        for (var i = 0; i <= char.MaxValue; i++)
        {
            var c = (char)i;
            var kind = char.IsLetter(c) ? Letter : (byte)0;
            kind |= c is >= '0' and <= '9' ? Digit : (byte)0;
            kind |= c is '\u00AD' or '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\uFEFF'
                || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark ? Ignorable : (byte)0;
            kind |= c is '-' or '–' or '—' or '‑' or '−' ? (byte)(Dash | Connector) : (byte)0;
            kind |= c is '«' or '»' or '"' ? Connector : (byte)0;
            kind |= c is ' ' or '\u00A0' or '\u202F' or '\u2009' or '\u2007' ? GroupSpace : (byte)0;
            kind |= char.IsWhiteSpace(c) ? Space : (byte)0;
            kind |= c is '²' or '³' ? Superscript : (byte)0;
            kinds[i] = kind;
        }

        return kinds;
    }

    private static char[] BuildFolded()
    {
        var folded = new char[char.MaxValue + 1];
        for (var i = 0; i <= char.MaxValue; i++)
        {
            var c = (char)i;
            var lower = char.IsLetter(c) ? char.ToLowerInvariant(c) : c;
            folded[i] = lower switch
            {
                'ё' => 'е',
                '²' => '2',
                '³' => '3',
                _ => lower,
            };
        }

        return folded;
    }
}
