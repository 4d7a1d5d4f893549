using System.Globalization;
using Claims.Extraction.Quantities;
using Claims.Extraction.Text;

namespace Claims.Extraction.Tests;

/// <summary>
/// The number parser works on characters in place; it is held to the plain reading it replaced,
/// which splits and joins strings, on numbers as tokens can be written.
/// </summary>
public sealed class NumberParserTests
{
    [Theory]
    [InlineData("470", "ru", "470", 0)]
    [InlineData("3,5", "ru", "3.5", 1)]
    [InlineData("1,500", "ru", "1.500", 3)]
    [InlineData("1,500", "en", "1500", 0)]
    [InlineData("31.2", "en", "31.2", 1)]
    [InlineData("3 500 000", "ru", "3500000", 0)]
    [InlineData("3\u00A0500,25", "kk", "3500.25", 2)]
    [InlineData("1,234,567.89", "en", "1234567.89", 2)]
    [InlineData("1.234.567,89", "ru", "1234567.89", 2)]
    public void Numbers_are_read_as_written(string written, string language, string expected, int decimals)
    {
        Assert.True(NumberParser.TryParse(written, language, out var value, out var readDecimals));
        Assert.Equal((decimal.Parse(expected, CultureInfo.InvariantCulture), decimals), (value, readDecimals));
    }

    [Theory]
    [InlineData("21.10.2025")]
    [InlineData("1.5,3")]
    [InlineData("1,2,3.4")]
    [InlineData("99999999999999999999999999999999")]
    public void Dates_and_malformed_groups_are_not_numbers(string written)
    {
        Assert.False(NumberParser.TryParse(written, "ru", out _, out _));
    }

    [Fact]
    public void The_parser_reads_what_the_plain_reading_reads()
    {
        const string characters = "0123456789000.,, \u00A0\u2009";
        var random = new Random(11);
        for (var round = 0; round < 20_000; round++)
        {
            var written = "1" + new string([.. Enumerable.Range(0, random.Next(0, 14)).Select(_ => characters[random.Next(characters.Length)])]);
            var language = round % 2 == 0 ? "en" : "ru";
            var expected = (PlainTryParse(written, language, out var plainValue, out var plainDecimals), plainValue, plainDecimals);
            var actual = (NumberParser.TryParse(written, language, out var value, out var decimals), value, decimals);
            Assert.True(expected.Item1 ? expected == actual : !actual.Item1, $"\"{written}\" ({language}): {actual} instead of {expected}");
        }
    }

    [Fact]
    public void Trailing_zeros_are_removed_bit_for_bit_as_dividing_by_one_does()
    {
        var random = new Random(3);
        var values = new List<decimal> { 0m, 0.000m, -0.0m, 1.50m, -2.500m, 470000000.0m, decimal.MaxValue, decimal.MinValue, 79228162514264337593543950.335m, 0.0000000000000000000000000010m };
        for (var k = 0; k < 20_000; k++)
        {
            var scale = (byte)random.Next(0, 29);
            values.Add(new decimal(random.Next(), random.Next(0, 4) == 0 ? 0 : random.Next(), random.Next(0, 2) == 0 ? 0 : random.Next(), random.Next(2) == 0, scale));
            values.Add(new decimal(random.Next(0, 100_000) * 1000, 0, 0, random.Next(2) == 0, scale));
        }

        foreach (var value in values)
        {
            var expected = value / 1.000000000000000000000000000000000m;
            var actual = QuantityReader.Normalize(value);
            Assert.True(decimal.GetBits(expected).SequenceEqual(decimal.GetBits(actual)), $"{value}: {actual} (scale {actual.Scale}) instead of {expected} (scale {expected.Scale})");
        }
    }

    /// <summary>The string-based reading the parser replaced, kept as the reference.</summary>
    private static bool PlainTryParse(string written, string language, out decimal value, out int decimals)
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
        var groups = integerPart.Split('.', ',');
        if (parts.Length > 2 || groups[0].Length == 0 || groups.Skip(1).Any(group => group.Length != 3) || fraction.Any(c => !char.IsAsciiDigit(c)))
        {
            return false;
        }

        var digits = integerPart.Replace(",", "").Replace(".", "");
        decimals = fraction.Length;
        var normalized = fraction.Length > 0 ? $"{digits}.{fraction}" : digits;
        return decimal.TryParse(normalized, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
    }
}
