using System.Globalization;

namespace Claims.Extraction;

/// <summary>
/// The <c> date YYYY-MM-DD</c> line some crawled articles start with (the headline may follow on
/// the same line). It stands in for <c>publishedAt</c> when none is posted.
/// </summary>
public static class DateLine
{
    private const string Keyword = "date";
    private const int DateLength = 10;

    /// <summary>Reads the date of a leading <c> date YYYY-MM-DD</c>.</summary>
    public static bool TryParse(string text, out DateOnly date) => TryParse(text, out date, out _);

    /// <summary>Reads the date and returns the offset just past it, where the article proper begins.</summary>
    public static bool TryParse(string text, out DateOnly date, out int length)
    {
        date = default;
        length = 0;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var i = 0;
        while (i < text.Length && (char.IsWhiteSpace(text[i]) || text[i] == '\uFEFF'))
        {
            i++;
        }

        if (string.Compare(text, i, Keyword, 0, Keyword.Length, StringComparison.OrdinalIgnoreCase) != 0)
        {
            return false;
        }

        i += Keyword.Length;
        var afterKeyword = i;
        while (i < text.Length && text[i] is ' ' or '\t' or '\u00A0')
        {
            i++;
        }

        if (i == afterKeyword || i + DateLength > text.Length
            || (i + DateLength < text.Length && char.IsAsciiDigit(text[i + DateLength]))
            || !DateOnly.TryParseExact(text.AsSpan(i, DateLength), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            date = default;
            return false;
        }

        length = i + DateLength;
        return true;
    }
}
