using System.Globalization;
using Claims.Extraction.Text;

namespace Claims.Extraction.Quantities;

/// <summary>
/// Parses a number as written: decimal comma or point, thousands grouped by spaces (plain,
/// no-break, thin) or by separators. A single comma followed by three digits is a thousands
/// separator in English ("1,500") and a decimal comma in Russian and Kazakh ("1,500" = 1.5).
/// </summary>
internal static class NumberParser
{
    /// <summary>Numbers longer than this are copied to the heap rather than the stack; no decimal has that many digits anyway.</summary>
    private const int StackLength = 128;

    /// <remarks>
    /// Works on the characters in place and parses the digits with <see cref="decimal.TryParse(ReadOnlySpan{char}, NumberStyles, IFormatProvider, out decimal)"/>:
    /// every number of every sentence that may state a figure passes here, and splitting and joining
    /// strings was a tenth of reading quantities.
    /// </remarks>
    public static bool TryParse(string written, string language, out decimal value, out int decimals)
    {
        value = 0;
        decimals = 0;
        Span<char> compact = written.Length <= StackLength ? stackalloc char[written.Length] : new char[written.Length];
        var length = 0;
        var (dots, commas, lastDot, lastComma) = (0, 0, -1, -1);
        foreach (var c in written)
        {
            if (CharClass.IsGroupSpace(c))
            {
                continue;
            }

            (dots, lastDot) = c == '.' ? (dots + 1, length) : (dots, lastDot);
            (commas, lastComma) = c == ',' ? (commas + 1, length) : (commas, lastComma);
            compact[length++] = c;
        }

        compact = compact[..length];
        var decimalAt = -1;
        if (dots > 0 && commas > 0)
        {
            decimalAt = Math.Max(lastDot, lastComma);
        }
        else if (dots + commas == 1)
        {
            var separatorAt = Math.Max(lastDot, lastComma);
            var isEnglishThousands = language == "en" && commas == 1 && length - separatorAt - 1 == 3;
            decimalAt = isEnglishThousands ? -1 : separatorAt;
        }

        var integerPart = decimalAt < 0 ? compact : compact[..decimalAt];
        var fraction = decimalAt < 0 ? [] : compact[(decimalAt + 1)..];

        // The decimal separator written twice ("1.234.567,8" has its comma once) is not a number.
        if (decimalAt >= 0 && integerPart.Contains(compact[decimalAt]))
        {
            return false;
        }

        if (!HasValidGroups(integerPart) || fraction.ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }

        Span<char> normalized = length <= StackLength ? stackalloc char[length] : new char[length];
        var normalizedLength = 0;
        foreach (var c in integerPart)
        {
            if (c is not ('.' or ','))
            {
                normalized[normalizedLength++] = c;
            }
        }

        if (fraction.Length > 0)
        {
            normalized[normalizedLength++] = '.';
            fraction.CopyTo(normalized[normalizedLength..]);
            normalizedLength += fraction.Length;
        }

        decimals = fraction.Length;
        return decimal.TryParse(normalized[..normalizedLength], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Thousands groups after the first must have three digits, so dates like 21.10.2025 are rejected.</summary>
    private static bool HasValidGroups(ReadOnlySpan<char> integerPart)
    {
        var groupStart = 0;
        for (var i = 0; i <= integerPart.Length; i++)
        {
            if (i < integerPart.Length && integerPart[i] is not ('.' or ','))
            {
                continue;
            }

            var groupLength = i - groupStart;
            if (groupStart == 0 ? groupLength == 0 : groupLength != 3)
            {
                return false;
            }

            groupStart = i + 1;
        }

        return true;
    }
}
