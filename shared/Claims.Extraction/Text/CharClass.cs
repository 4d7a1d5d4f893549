using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Claims.Extraction.Text;

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

    /// <summary>
    /// Marks up to 64 characters, one bit each (bit <c>i</c> for <c>block[i]</c>): which are letters
    /// (<see cref="IsLetter"/>), which continue a word (<see cref="ContinuesWord"/>) and which are
    /// ASCII digits. <see cref="WordMarks"/> finds words with it without a branch per character.
    /// </summary>
    public static (ulong Letters, ulong ContinuesWord, ulong Digits) MarkBlock(ReadOnlySpan<char> block)
    {
        if (!Vector256.IsHardwareAccelerated || block.Length != 64)
        {
            return MarkOneByOne(block);
        }

        ulong letters = 0;
        ulong continues = 0;
        ulong digits = 0;
        for (var part = 0; part < 64; part += Vector256<ushort>.Count)
        {
            var (partLetters, partContinues, partDigits) = MarkVector(block.Slice(part, Vector256<ushort>.Count));
            letters |= partLetters << part;
            continues |= partContinues << part;
            digits |= partDigits << part;
        }

        return (letters, continues, digits);
    }

    /// <summary>
    /// <see cref="MarkBlock"/> for one vector of characters. Latin letters and digits, and Cyrillic
    /// (with Kazakh's letters) are classified by ranges, as the table does; any other character, and
    /// the eight Cyrillic signs and marks at U+0482–U+0489, is looked up in the table. A test holds
    /// the two to agree on every UTF-16 code unit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (ulong Letters, ulong ContinuesWord, ulong Digits) MarkVector(ReadOnlySpan<char> part)
    {
        var c = Vector256.Create(MemoryMarshal.Cast<char, ushort>(part));
        var cyrillic = Vector256.LessThan(c - Vector256.Create((ushort)0x0400), Vector256.Create((ushort)0x0100));
        var cyrillicSign = Vector256.LessThan(c - Vector256.Create((ushort)0x0482), Vector256.Create((ushort)8));
        var ascii = Vector256.LessThan(c, Vector256.Create((ushort)0x80));
        var latin = Vector256.LessThan((c | Vector256.Create((ushort)0x20)) - Vector256.Create((ushort)'a'), Vector256.Create((ushort)26));
        var digit = Vector256.LessThan(c - Vector256.Create((ushort)'0'), Vector256.Create((ushort)10));
        var letter = latin | (cyrillic & ~cyrillicSign);
        ulong letters = letter.ExtractMostSignificantBits();
        ulong continues = (letter | digit).ExtractMostSignificantBits();
        ulong digits = digit.ExtractMostSignificantBits();

        // Quotes, dashes and no-break spaces are common in news text; only their lanes go through the table.
        for (var others = (~(ascii | cyrillic) | cyrillicSign).ExtractMostSignificantBits(); others != 0; others &= others - 1)
        {
            var lane = BitOperations.TrailingZeroCount(others);
            var (letter1, continues1, _) = Mark(part[lane]);
            letters |= letter1 << lane;
            continues |= continues1 << lane;
        }

        return (letters, continues, digits);
    }

    private static (ulong Letters, ulong ContinuesWord, ulong Digits) MarkOneByOne(ReadOnlySpan<char> part)
    {
        ulong letters = 0;
        ulong continues = 0;
        ulong digits = 0;
        for (var i = 0; i < part.Length; i++)
        {
            var (letter, continuesWord, digit) = Mark(part[i]);
            letters |= letter << i;
            continues |= continuesWord << i;
            digits |= digit << i;
        }

        return (letters, continues, digits);
    }

    /// <summary>One character's three marks as 0 or 1, without branches.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (ulong Letter, ulong ContinuesWord, ulong Digit) Mark(char c)
    {
        int kind = Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_kinds), c);
        return ((ulong)(kind & Letter), (uint)-(kind & (Letter | Digit | Ignorable | Superscript)) >> 31, (ulong)(kind & Digit) >> 1);
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
