namespace Claims.Extraction.Text;

/// <summary>
/// Splits a sentence into words, numbers and symbols in one left-to-right pass (linear in the
/// length). Numbers keep their separators so that parsing can decide later whether a comma is a
/// decimal comma or a thousands separator. Each word is walked through the <see cref="WordIndex"/>
/// as it is normalised, so its classes come with it.
/// </summary>
internal sealed class Tokenizer(WordIndex index)
{
    /// <summary>Punctuation, signs and dashes as one-character strings, made once instead of per token.</summary>
    private static readonly string[] _symbols = [.. Enumerable.Range(0, 0x2200).Select(c => ((char)c).ToString())];

    /// <param name="text">The article.</param>
    /// <param name="start">Where the sentence starts.</param>
    /// <param name="end">Where it ends.</param>
    /// <param name="buffer">A list to gather tokens in, reused by a caller that tokenizes many sentences (its contents are replaced).</param>
    public Token[] Tokenize(string text, int start, int end, List<Token>? buffer = null)
    {
        var tokens = buffer ?? new List<Token>(Math.Max(8, (end - start) / 6));
        tokens.Clear();
        var spaced = true;
        var i = start;
        while (i < end)
        {
            var c = text[i];
            if (CharClass.IsWhiteSpace(c))
            {
                spaced = true;
                i++;
                continue;
            }

            if (CharClass.IsLetter(c))
            {
                tokens.Add(ReadWord(text, i, end, spaced));
                i = tokens[^1].End;
            }
            else if (CharClass.IsAsciiDigit(c))
            {
                var tokenEnd = ScanNumber(text, i, end);
                tokens.Add(new Token(TokenKind.Number, i, tokenEnd, text[i..tokenEnd], spaced, WordIndex.Root, false, WordClass.None));
                i = tokenEnd;
            }
            else if (CharClass.IsIgnorable(c))
            {
                i++;
                continue;
            }
            else
            {
                var folded = CharClass.Fold(c);
                tokens.Add(new Token(TokenKind.Symbol, i, i + 1, folded < _symbols.Length ? _symbols[folded] : folded.ToString(), spaced, WordIndex.Root, false, WordClass.None));
                i++;
            }

            spaced = false;
        }

        return [.. tokens];
    }

    private Token ReadWord(string text, int start, int end, bool spaced)
    {
        var node = index.WalkWord(text, start, end, out var wordEnd, out var whole);

        // A word the index knows whole is the text of its path; only other words need a string of their own.
        var normalised = whole ? index.PathText(node) : Normalise(text, start, wordEnd);
        return new Token(TokenKind.Word, start, wordEnd, normalised, spaced, node, whole, index.Classes(node, whole));
    }

    /// <summary>A word as the index spells its stems: lower case, <c>ё</c> as <c>е</c>, without ignorable characters.</summary>
    private static string Normalise(string text, int start, int end)
    {
        Span<char> buffer = stackalloc char[64];
        var length = 0;
        for (var j = start; j < end; j++)
        {
            var c = text[j];
            if (CharClass.IsIgnorable(c))
            {
                continue;
            }

            if (length == buffer.Length)
            {
                // Words longer than the stack buffer are rare (URLs, glued text); they move to the heap.
                var larger = new char[buffer.Length * 2];
                buffer.CopyTo(larger);
                buffer = larger;
            }

            buffer[length++] = CharClass.Fold(c);
        }

        return new string(buffer[..length]);
    }

    private static int ScanNumber(string text, int i, int end)
    {
        var j = i;
        while (j < end && CharClass.IsAsciiDigit(text[j]))
        {
            j++;
        }

        // "3 500 000": a group of exactly three digits after a space continues the number, but only
        // when the first group is short, so "в 2024 году 470" never merges into one number.
        if (j - i <= 3)
        {
            while (j < end && CharClass.IsGroupSpace(text[j]) && IsThreeDigitGroup(text, j + 1, end))
            {
                j += 4;
            }
        }

        // Decimal part or separator-grouped thousands ("3,5", "1.5", "1,500,000").
        while (j + 1 < end && text[j] is '.' or ',' && CharClass.IsAsciiDigit(text[j + 1]))
        {
            j++;
            while (j < end && CharClass.IsAsciiDigit(text[j]))
            {
                j++;
            }
        }

        return j;
    }

    private static bool IsThreeDigitGroup(string text, int at, int end) =>
        at + 3 <= end
        && CharClass.IsAsciiDigit(text[at]) && CharClass.IsAsciiDigit(text[at + 1]) && CharClass.IsAsciiDigit(text[at + 2])
        && (at + 3 == end || !CharClass.IsAsciiDigit(text[at + 3]));
}
