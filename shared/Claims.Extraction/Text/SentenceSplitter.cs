namespace Claims.Extraction.Text;

/// <summary>A sentence's span in the article text and the paragraph (line) it belongs to.</summary>
internal readonly record struct SentenceSpan(int Start, int End, int Paragraph);

/// <summary>
/// Cuts text into sentences: at every line break, and after <c>.</c>, <c>!</c>, <c>?</c> or <c>…</c>
/// when whitespace and the start of a new sentence follow (a capital, a digit, an opening quote or
/// a dash). Decimal points, URLs and initials ("К. Токаев") do not end a sentence.
/// </summary>
internal static class SentenceSplitter
{
    /// <summary>Splits <paramref name="text"/> from <paramref name="from"/> on, marking it first (<see cref="WordMarks"/>).</summary>
    public static List<SentenceSpan> Split(string text, int from)
    {
        using var marks = WordMarks.Of(text);
        return Split(text, from, marks);
    }

    /// <summary>
    /// Splits <paramref name="text"/> from <paramref name="from"/> on. Line breaks and end marks are the
    /// only places a sentence can end: the stop marks of <paramref name="marks"/> give them, found by
    /// counting bits over the marks the article scan uses too.
    /// </summary>
    public static List<SentenceSpan> Split(string text, int from, WordMarks marks)
    {
        var sentences = new List<SentenceSpan>(Math.Max(4, (text.Length - from) / 100));
        var paragraph = 0;
        var sentenceStart = from;
        var i = from;
        while (true)
        {
            i = WordMarks.NextSet(marks.Stops, i, text.Length);
            if (i == text.Length)
            {
                break;
            }

            var c = text[i];
            if (c is '\n' or '\r' or '\u2028' or '\u2029')
            {
                Add(sentences, text, sentenceStart, i, paragraph);
                sentenceStart = i + 1;
                paragraph++;
                i++;
                continue;
            }

            var end = i + 1;
            while (end < text.Length && text[end] is '.' or '!' or '?' or '…' or '»' or '"' or '”' or '\'' or ')')
            {
                end++;
            }

            var next = end;
            while (next < text.Length && IsInlineSpace(text[next]))
            {
                next++;
            }

            var endsSentence = (end == text.Length || IsInlineSpace(text[end]))
                && (next == text.Length || StartsSentence(text[next]))
                && !(c == '.' && (FollowsInitial(text, i) || IsScaleBeforeUnitCode(text, i, next)));
            if (!endsSentence)
            {
                i++;
                continue;
            }

            Add(sentences, text, sentenceStart, end, paragraph);
            sentenceStart = end;
            i = end;
        }

        Add(sentences, text, sentenceStart, text.Length, paragraph);
        return sentences;
    }

    private static void Add(List<SentenceSpan> sentences, string text, int start, int end, int paragraph)
    {
        while (start < end && CharClass.IsWhiteSpace(text[start]))
        {
            start++;
        }

        while (end > start && CharClass.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        if (end > start)
        {
            sentences.Add(new SentenceSpan(start, end, paragraph));
        }
    }

    private static bool IsInlineSpace(char c) => c is not ('\n' or '\r') && CharClass.IsWhiteSpace(c);

    private static bool StartsSentence(char c) =>
        char.IsUpper(c) || char.IsAsciiDigit(c) || c is '«' or '"' or '“' or '„' or '—' or '–' or '-' or '(' or '[' or '\n' or '\r';

    /// <summary>"50 тыс. TEU", "1,2 млрд. USD": the period closes a scale abbreviation and a unit code follows.</summary>
    private static bool IsScaleBeforeUnitCode(string text, int periodIndex, int next)
    {
        // Every full stop before a capital asks this: the four abbreviations end in "с", "н" or "д", most words do not.
        if (periodIndex == 0 || CharClass.Fold(text[periodIndex - 1]) is not ('с' or 'н' or 'д'))
        {
            return false;
        }

        var wordStart = periodIndex;
        while (wordStart > 0 && CharClass.IsLetter(text[wordStart - 1]))
        {
            wordStart--;
        }

        var word = text.AsSpan(wordStart, periodIndex - wordStart);
        if (!word.Equals("тыс", StringComparison.OrdinalIgnoreCase) && !word.Equals("млн", StringComparison.OrdinalIgnoreCase)
            && !word.Equals("млрд", StringComparison.OrdinalIgnoreCase) && !word.Equals("трлн", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var codeEnd = next;
        while (codeEnd < text.Length && char.IsAsciiLetterUpper(text[codeEnd]))
        {
            codeEnd++;
        }

        return codeEnd - next >= 2 && (codeEnd == text.Length || !char.IsLetter(text[codeEnd]));
    }

    /// <summary>True when the period closes a one-letter capital word, as in the initials of a name.</summary>
    private static bool FollowsInitial(string text, int periodIndex) =>
        periodIndex >= 1
        && char.IsUpper(text[periodIndex - 1])
        && (periodIndex == 1 || !char.IsLetter(text[periodIndex - 2]));
}
