using Claims.Contracts;

namespace Claims.Extraction.Tests;

/// <summary>Numbers, scales, currencies, hedges and ranges in short Russian and Kazakh sentences.</summary>
public sealed class QuantityReadingTests
{
    private static readonly ClaimExtractor _extractor = new();

    private static ClaimMention OnlyClaim(string text)
    {
        var result = _extractor.Extract(new ArticleText(text, null, new DateOnly(2025, 10, 18)));
        Assert.True(result.Claims.Count == 1, $"Expected one claim in \"{text}\"; found: {ClaimAssertions.Describe(result)}");
        return result.Claims[0];
    }

    [Theory]
    [InlineData("Товарооборот Азербайджана и Казахстана в 2024 году составил 470 млн долларов.", "470000000", "USD")]
    [InlineData("Товарооборот Азербайджана и Казахстана в 2024 году составил 470 млн. долларов США.", "470000000", "USD")]
    [InlineData("Товарооборот Азербайджана и Казахстана в 2024 году составил $1,5 млрд.", "1500000000", "USD")]
    [InlineData("Товарооборот Азербайджана и Казахстана в 2024 году составил 1.5 миллиарда долларов.", "1500000000", "USD")]
    [InlineData("Товарооборот Азербайджана и Казахстана в 2024 году составил 470 000 000 долларов.", "470000000", "USD")]
    [InlineData("Товарооборот Азербайджана и Казахстана в 2024 году составил 470\u00A0000\u00A0000 долларов.", "470000000", "USD")]
    [InlineData("Товарооборот Азербайджана и Казахстана в 2024 году составил 470\u2009000 тыс. долларов.", "470000000", "USD")]
    [InlineData("Товарооборот Азербайджана и Казахстана в 2024 году составил 210 млрд тенге.", "210000000000", "KZT")]
    [InlineData("Товарооборот Азербайджана и Казахстана в 2024 году составил 40 млрд рублей.", "40000000000", "RUB")]
    [InlineData("Товарооборот Азербайджана и Казахстана в 2024 году составил 430 миллионов евро.", "430000000", "EUR")]
    [InlineData("2024 жылы Әзербайжан мен Қазақстан арасындағы тауар айналымы 470 миллион долларды құрады.", "470000000", "USD")]
    [InlineData("2024 жылы Әзербайжан мен Қазақстан арасындағы тауар айналымы 210 млрд теңгеге жетті.", "210000000000", "KZT")]
    [InlineData("Транзит казахстанской нефти через Азербайджан в 2024 году составил 1,2 млн т.", "1200000", "t")]
    public void Money_and_tonnage_are_read_in_base_units(string text, string value, string unit)
    {
        var claim = OnlyClaim(text);

        Assert.Equal(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture), claim.Value);
        Assert.Equal(unit, claim.Unit);
        Assert.EndsWith(":2024", claim.ClaimId.Split(":KZ->")[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("около", Qualifiers.Approx, "446500000", "493500000")]
    [InlineData("порядка", Qualifiers.Approx, "446500000", "493500000")]
    [InlineData("почти", Qualifiers.Approx, "446500000", "493500000")]
    [InlineData("свыше", Qualifiers.Over, "470000000", null)]
    [InlineData("более", Qualifiers.Over, "470000000", null)]
    [InlineData("не менее", Qualifiers.Over, "470000000", null)]
    [InlineData("превысил", Qualifiers.Over, "470000000", null)]
    [InlineData("менее", Qualifiers.Under, null, "470000000")]
    [InlineData("до", Qualifiers.Under, null, "470000000")]
    public void Russian_hedges_set_the_qualifier_and_its_bounds(string hedge, string qualifier, string? lower, string? upper)
    {
        var claim = OnlyClaim($"Товарооборот Азербайджана и Казахстана в 2024 году {hedge} 470 млн долларов.");

        Assert.Equal(qualifier, claim.Qualifier);
        Assert.Equal(lower is null ? null : decimal.Parse(lower, System.Globalization.CultureInfo.InvariantCulture), claim.Lower);
        Assert.Equal(upper is null ? null : decimal.Parse(upper, System.Globalization.CultureInfo.InvariantCulture), claim.Upper);
    }

    [Theory]
    [InlineData("470 млн доллардан астам", Qualifiers.Over)]
    [InlineData("470 млн доллардан асты", Qualifiers.Over)]
    [InlineData("470 млн долларға жуық", Qualifiers.Approx)]
    [InlineData("шамамен 470 млн доллар", Qualifiers.Approx)]
    [InlineData("470 млн долларға дейін", Qualifiers.Under)]
    public void Kazakh_hedges_before_and_after_the_figure_set_the_qualifier(string figure, string qualifier)
    {
        var claim = OnlyClaim($"2024 жылы Әзербайжан мен Қазақстан арасындағы тауар айналымы {figure} болды.");

        Assert.Equal("trade_turnover:AZ+KZ:2024", claim.ClaimId);
        Assert.Equal(qualifier, claim.Qualifier);
    }

    [Fact]
    public void Range_is_read_with_its_midpoint_and_both_bounds()
    {
        var claim = OnlyClaim("В 2024 году объем перевозок по Среднему коридору составил 13–14 млн тонн.");

        Assert.Equal("freight_volume:Middle_Corridor:2024", claim.ClaimId);
        Assert.Equal(Qualifiers.Range, claim.Qualifier);
        Assert.Equal(13_500_000m, claim.Value);
        Assert.Equal(13_000_000m, claim.Lower);
        Assert.Equal(14_000_000m, claim.Upper);
    }

    [Fact]
    public void Rounding_bounds_follow_the_last_stated_digit()
    {
        var claim = OnlyClaim("Объем транзитных перевозок между Азербайджаном и Казахстаном в 2024 году составил 3,52 млн тонн.");

        Assert.Equal(3_515_000m, claim.Lower);
        Assert.Equal(3_525_000m, claim.Upper);
    }

    [Fact]
    public void A_fall_in_percent_is_a_negative_growth()
    {
        var claim = OnlyClaim("Товарооборот Азербайджана и Казахстана в 2024 году сократился на 12%.");

        Assert.Equal("trade_turnover_growth:AZ+KZ:2024", claim.ClaimId);
        Assert.Equal(-12m, claim.Value);
        Assert.Equal(-12.5m, claim.Lower);
        Assert.Equal(-11.5m, claim.Upper);
    }

    [Fact]
    public void Growth_noun_makes_a_percentage_a_growth_rate()
    {
        var claim = OnlyClaim("Рост ВВП Казахстана в 2024 году составил 4,8%.");

        Assert.Equal("gdp_growth:KZ:2024", claim.ClaimId);
    }

    [Theory]
    [InlineData("В 2024 году экспорт Казахстана составил 1,2 млрд. USD, сообщили в ведомстве.", 1_200_000_000)]
    [InlineData("В 2024 году экспорт Казахстана составил 3 млн. USD, сообщили в ведомстве.", 3_000_000)]
    [InlineData("В 2024 году экспорт Казахстана составил 5 тыс. USD, сообщили в ведомстве.", 5_000)]
    public void A_scale_abbreviation_before_a_unit_code_does_not_end_the_sentence(string text, decimal value)
    {
        var claim = OnlyClaim(text);

        Assert.Equal((value, "USD"), (claim.Value, claim.Unit));
    }

    [Fact]
    public void Containers_in_thousands_of_TEU_are_their_own_metric()
    {
        var claim = OnlyClaim("В 2024 году через порт Актау прошло 50 тыс. TEU контейнеров.");

        Assert.Equal("container_volume:Port_of_Aktau:2024", claim.ClaimId);
        Assert.Equal(50_000m, claim.Value);
        Assert.Equal("TEU", claim.Unit);
    }

    [Fact]
    public void Kazakh_hyphenated_case_ending_on_a_percentage_marks_a_change()
    {
        var claim = OnlyClaim("Биыл Қазақстаннан Әзербайжанға экспорт 15%-ға өсті.");

        Assert.Equal("exports_growth:AZ+KZ:2025:KZ->AZ", claim.ClaimId);
        Assert.Equal(15m, claim.Value);
    }

    [Fact]
    public void Unit_of_a_bare_scaled_number_comes_from_the_figure_before_it()
    {
        var result = _extractor.Extract(new ArticleText(
            "Товарооборот Азербайджана и Казахстана в 2024 году составил 533 млн долларов, цель – довести его до 1 млрд.", "ru", null));

        var target = ClaimAssertions.Single(result, "trade_turnover:AZ+KZ:na", 1_000_000_000m);
        Assert.Equal("USD", target.Unit);
        Assert.Equal(Qualifiers.Target, target.Qualifier);
    }
}
