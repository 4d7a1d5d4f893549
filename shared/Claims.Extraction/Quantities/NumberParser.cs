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
    public static bool TryParse(string written, string language, out decimal value, out int decimals)
    {
        value = 0;
        decimals = 0;
        var compact = string.Concat(written.Where(c => !CharClass.IsGroupSpace(c)));
        var dots = compact.Count(c => c == '.');
        var commas = compact.Count(c => c == ',');
        char? decimalSeparator = null;
        if (dots > 0 && commas > 0)
        {
            decimalSeparator = compact.LastIndexOf('.') > compact.LastIndexOf(',') ? '.' : ',';
        }
        else if (dots + commas == 1)
        {
            var separator = dots == 1 ? '.' : ',';
            var digitsAfter = compact.Length - compact.IndexOf(separator) - 1;
            var isEnglishThousands = language == "en" && separator == ',' && digitsAfter == 3;
            decimalSeparator = isEnglishThousands ? null : separator;
        }

        var parts = compact.Split(decimalSeparator ?? '\0');
        var integerPart = parts[0];
        var fraction = parts.Length > 1 ? parts[1] : "";
        if (parts.Length > 2 || !HasValidGroups(integerPart) || fraction.Any(c => !char.IsAsciiDigit(c)))
        {
            return false;
        }

        var digits = integerPart.Replace(",", "").Replace(".", "");
        decimals = fraction.Length;
        var normalized = fraction.Length > 0 ? $"{digits}.{fraction}" : digits;
        return decimal.TryParse(normalized, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Thousands groups after the first must have three digits, so dates like 21.10.2025 are rejected.</summary>
    private static bool HasValidGroups(string integerPart)
    {
        var groups = integerPart.Split('.', ',');
        return groups[0].Length > 0 && groups.Skip(1).All(group => group.Length == 3);
    }
}
