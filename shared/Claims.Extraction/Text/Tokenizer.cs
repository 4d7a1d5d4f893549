using System.Globalization;
using System.Text;

namespace Claims.Extraction.Text;

/// <summary>
/// Splits text into words, numbers and symbols in one left-to-right pass (linear in the length).
/// Numbers keep their separators so that parsing can decide later whether a comma is a decimal
/// comma or a thousands separator.
/// </summary>
internal static class Tokenizer
{
    public static IReadOnlyList<Token> Tokenize(string text, int start, int end)
    {
        var tokens = new List<Token>();
        var spaced = true;
        var i = start;
        while (i < end)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                spaced = true;
                i++;
                continue;
            }

            int tokenEnd;
            TokenKind kind;
            if (char.IsLetter(c))
            {
                tokenEnd = ScanWord(text, i, end);
                kind = TokenKind.Word;
            }
            else if (char.IsAsciiDigit(c))
            {
                tokenEnd = ScanNumber(text, i, end);
                kind = TokenKind.Number;
            }
            else if (IsIgnorable(c))
            {
                i++;
                continue;
            }
            else
            {
                tokenEnd = i + 1;
                kind = TokenKind.Symbol;
            }

            tokens.Add(new Token(kind, i, tokenEnd, Normalize(text, i, tokenEnd), spaced));
            spaced = false;
            i = tokenEnd;
        }

        return tokens;
    }

    /// <summary>Spaces that may separate thousands: plain, no-break, narrow no-break, thin, figure.</summary>
    public static bool IsGroupSpace(char c) => c is ' ' or '\u00A0' or '\u202F' or '\u2009' or '\u2007';

    private static int ScanWord(string text, int i, int end)
    {
        var j = i + 1;
        while (j < end && (char.IsLetter(text[j]) || char.IsAsciiDigit(text[j]) || IsIgnorable(text[j])))
        {
            j++;
        }

        return j;
    }

    private static int ScanNumber(string text, int i, int end)
    {
        var j = i;
        while (j < end && char.IsAsciiDigit(text[j]))
        {
            j++;
        }

        // "3 500 000": a group of exactly three digits after a space continues the number, but only
        // when the first group is short, so "в 2024 году 470" never merges into one number.
        if (j - i <= 3)
        {
            while (j < end && IsGroupSpace(text[j]) && IsThreeDigitGroup(text, j + 1, end))
            {
                j += 4;
            }
        }

        // Decimal part or separator-grouped thousands ("3,5", "1.5", "1,500,000").
        while (j + 1 < end && text[j] is '.' or ',' && char.IsAsciiDigit(text[j + 1]))
        {
            j++;
            while (j < end && char.IsAsciiDigit(text[j]))
            {
                j++;
            }
        }

        return j;
    }

    private static bool IsThreeDigitGroup(string text, int at, int end) =>
        at + 3 <= end
        && char.IsAsciiDigit(text[at]) && char.IsAsciiDigit(text[at + 1]) && char.IsAsciiDigit(text[at + 2])
        && (at + 3 == end || !char.IsAsciiDigit(text[at + 3]));

    /// <summary>Soft hyphens, zero-width characters and combining stress marks do not change a word.</summary>
    private static bool IsIgnorable(char c) =>
        c is '\u00AD' or '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\uFEFF'
        || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark;

    private static string Normalize(string text, int start, int end)
    {
        var builder = new StringBuilder(end - start);
        for (var i = start; i < end; i++)
        {
            var c = text[i];
            if (IsIgnorable(c))
            {
                continue;
            }

            c = char.ToLowerInvariant(c);
            builder.Append(c == 'ё' ? 'е' : c);
        }

        return builder.ToString();
    }
}
