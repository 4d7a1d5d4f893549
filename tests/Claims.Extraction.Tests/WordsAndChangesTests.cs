using System.Globalization;
using Claims.Contracts;

namespace Claims.Extraction.Tests;

/// <summary>Numbers in words, factors and fractions, the periods relative to publication, and who a figure is about.</summary>
public sealed class WordsAndChangesTests
{
    private static readonly ClaimExtractor _extractor = new();
    private static readonly DateOnly _published = new(2025, 10, 20);

    private static ClaimMention OnlyClaim(string text, DateOnly? publishedAt = null)
    {
        var result = _extractor.Extract(new ArticleText(text, null, publishedAt ?? _published));
        Assert.True(result.Claims.Count == 1, $"Expected one claim in \"{text}\"; found: {ClaimAssertions.Describe(result)}");
        return result.Claims[0];
    }

    private static decimal D(string value) => decimal.Parse(value, CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("Транзит казахстанской нефти через Азербайджан в 2024 году превысил три миллиона тонн.", "3000000")]
    [InlineData("Транзит казахстанской нефти через Азербайджан в 2024 году составил более двух миллионов тонн.", "2000000")]
    [InlineData("Транзит казахстанской нефти через Азербайджан в 2024 году составил полтора миллиона тонн.", "1500000")]
    [InlineData("Транзит казахстанской нефти через Азербайджан в 2024 году составил два с половиной миллиона тонн.", "2500000")]
    [InlineData("Транзит казахстанской нефти через Азербайджан в 2024 году превысил полмиллиона тонн.", "500000")]
    [InlineData("Транзит казахстанской нефти через Азербайджан в 2024 году составил двести пятьдесят тысяч тонн.", "250000")]
    [InlineData("2024 жылы Әзербайжан арқылы қазақстандық мұнай транзиті үш миллион тоннадан асты.", "3000000")]
    [InlineData("2024 жылы Әзербайжан арқылы қазақстандық мұнай транзиті бір жарым миллион тоннаны құрады.", "1500000")]
    [InlineData("2024 жылы Әзербайжан арқылы қазақстандық мұнай транзиті екі жүз елу мың тоннаны құрады.", "250000")]
    [InlineData("In 2024 the transit of Kazakh oil through Azerbaijan exceeded three million tonnes.", "3000000")]
    [InlineData("In 2024 the transit of Kazakh oil through Azerbaijan reached twenty-five thousand tonnes.", "25000")]
    [InlineData("In 2024 the transit of Kazakh oil through Azerbaijan reached half a million tonnes.", "500000")]
    public void Numbers_written_in_words_are_read_with_their_scale(string text, string value)
    {
        var claim = OnlyClaim(text);

        Assert.Equal("oil_transit:AZ+KZ:2024:KZ->AZ", claim.ClaimId);
        Assert.Equal(D(value), claim.Value);
        Assert.Equal("t", claim.Unit);
    }

    [Theory]
    [InlineData("В 2024 году товарооборот Азербайджана и Казахстана вырос в три раза.", "3", Qualifiers.Exact)]
    [InlineData("В 2024 году товарооборот Азербайджана и Казахстана вырос втрое.", "3", Qualifiers.Exact)]
    [InlineData("В 2024 году товарооборот Азербайджана и Казахстана вырос почти в четыре раза.", "4", Qualifiers.Approx)]
    [InlineData("В 2024 году товарооборот Азербайджана и Казахстана удвоился.", "2", Qualifiers.Exact)]
    [InlineData("В 2024 году товарооборот Азербайджана и Казахстана вырос более чем в 2,5 раза.", "2.5", Qualifiers.Over)]
    [InlineData("2024 жылы Әзербайжан мен Қазақстан арасындағы тауар айналымы үш есе өсті.", "3", Qualifiers.Exact)]
    [InlineData("In 2024 trade between Azerbaijan and Kazakhstan tripled.", "3", Qualifiers.Exact)]
    [InlineData("In 2024 trade between Azerbaijan and Kazakhstan grew almost fourfold.", "4", Qualifiers.Approx)]
    [InlineData("In 2024 trade between Azerbaijan and Kazakhstan was 2.5 times higher than a year earlier.", "2.5", Qualifiers.Exact)]
    public void Factors_are_multiples_of_the_metric_they_modify(string text, string value, string qualifier)
    {
        var claim = OnlyClaim(text);

        Assert.Equal("trade_turnover_multiple:AZ+KZ:2024", claim.ClaimId);
        Assert.Equal(D(value), claim.Value);
        Assert.Equal("x", claim.Unit);
        Assert.Equal(qualifier, claim.Qualifier);
    }

    [Theory]
    [InlineData("В 2024 году товарооборот Азербайджана и Казахстана сократился вдвое.")]
    [InlineData("В 2024 году товарооборот Азербайджана и Казахстана сократился в 2 раза.")]
    [InlineData("In 2024 trade between Azerbaijan and Kazakhstan halved.")]
    public void A_fall_by_a_factor_is_the_ratio_of_new_to_old(string text)
    {
        var claim = OnlyClaim(text);

        Assert.Equal("trade_turnover_multiple:AZ+KZ:2024", claim.ClaimId);
        Assert.Equal(0.5m, claim.Value);
        Assert.Equal(0.4m, claim.Lower);
        Assert.Equal(0.6667m, claim.Upper);
    }

    [Theory]
    [InlineData("В 2024 году товарооборот Азербайджана и Казахстана вырос на треть.", "33.3")]
    [InlineData("В 2024 году товарооборот Азербайджана и Казахстана вырос на четверть.", "25")]
    [InlineData("В 2024 году товарооборот Азербайджана и Казахстана сократился наполовину.", "-50")]
    [InlineData("In 2024 trade between Azerbaijan and Kazakhstan grew by a third.", "33.3")]
    [InlineData("2024 жылы Әзербайжан мен Қазақстан арасындағы тауар айналымы үштен бірге өсті.", "33.3")]
    public void Fractions_after_a_change_word_are_growth_in_percent(string text, string value)
    {
        var claim = OnlyClaim(text);

        Assert.Equal("trade_turnover_growth:AZ+KZ:2024", claim.ClaimId);
        Assert.Equal(D(value), claim.Value);
        Assert.Equal("%", claim.Unit);
    }

    [Theory]
    [InlineData("Президент Казахстана трижды посетил Азербайджан.")]
    [InlineData("Президент Казахстана три раза посетил Азербайджан.")]
    [InlineData("Қазақстан Президенті Әзербайжанға үш рет сапармен барды.")]
    [InlineData("The President of Kazakhstan has visited Azerbaijan three times.")]
    public void Counts_of_occasions_are_read_only_where_a_metric_counts_them(string text)
    {
        var claim = OnlyClaim(text);

        Assert.Equal("official_visits:AZ+KZ:na:KZ->AZ", claim.ClaimId);
        Assert.Equal(3m, claim.Value);
        Assert.Equal("visit", claim.Noun);
    }

    [Theory]
    [InlineData("С начала года товарооборот Азербайджана и Казахстана составил 520 млн долларов.", "2025-01/2025-10")]
    [InlineData("С начала 2024 года товарооборот Азербайджана и Казахстана составил 520 млн долларов.", "2024-01/2024-12")]
    [InlineData("Жыл басынан бері Әзербайжан мен Қазақстан арасындағы тауар айналымы 520 млн долларды құрады.", "2025-01/2025-10")]
    [InlineData("Since the start of the year, trade between Azerbaijan and Kazakhstan reached $520 million.", "2025-01/2025-10")]
    [InlineData("За последние пять лет товарооборот Азербайджана и Казахстана составил 2,1 млрд долларов.", "2020/2024")]
    [InlineData("Over the past five years trade between Azerbaijan and Kazakhstan totalled $2.1 billion.", "2020/2024")]
    [InlineData("За январь–август товарооборот Азербайджана и Казахстана составил 520 млн долларов.", "2025-01/2025-08")]
    [InlineData("В ноябре–декабре товарооборот Азербайджана и Казахстана составил 90 млн долларов.", "2024-11/2024-12")]
    [InlineData("По итогам девяти месяцев товарооборот Азербайджана и Казахстана составил 520 млн долларов.", "2025-01/2025-09")]
    [InlineData("In the first half of the year trade between Azerbaijan and Kazakhstan reached $300 million.", "2025-01/2025-06")]
    [InlineData("2025 жылғы 1 шілдедегі жағдай бойынша Әзербайжан мен Қазақстан арасындағы тауар айналымы 300 млн долларды құрады.", "2025-07-01")]
    [InlineData("As of July 1, 2025, trade between Azerbaijan and Kazakhstan stood at $300 million.", "2025-07-01")]
    public void Periods_relative_to_publication_resolve_against_it(string text, string period)
    {
        var claim = OnlyClaim(text);

        Assert.Equal(period, claim.Period);
        Assert.StartsWith("trade_turnover:AZ+KZ:", claim.ClaimId, StringComparison.Ordinal);
    }

    [Fact]
    public void Periods_relative_to_publication_stay_empty_without_a_publication_date()
    {
        var claim = _extractor.Extract(new ArticleText("С начала года товарооборот Азербайджана и Казахстана составил 520 млн долларов.", "ru", null)).Claims.Single();

        Assert.Null(claim.Period);
    }

    [Theory]
    [InlineData("Азербайджан и Казахстан укрепляют связи. Товарооборот наших стран в 2024 году составил 470 млн долларов.")]
    [InlineData("Azerbaijan and Kazakhstan are strengthening ties. Trade between our countries reached $470 million in 2024.")]
    [InlineData("Әзербайжан мен Қазақстан байланысты нығайтуда. Елдеріміз арасындағы тауар айналымы 2024 жылы 470 млн долларды құрады.")]
    public void Our_countries_are_the_two_countries_the_article_is_about(string text)
    {
        var result = _extractor.Extract(new ArticleText(text, null, _published));

        ClaimAssertions.Single(result, "trade_turnover:AZ+KZ:2024", 470_000_000m);
    }

    [Theory]
    [InlineData("Товарооборот Азербайджана и Казахстана в 2024 году составил 470 млн долларов США.")]
    [InlineData("2024 жылы Әзербайжан мен Қазақстан арасындағы тауар айналымы 470 млн АҚШ долларын құрады.")]
    [InlineData("Trade between Azerbaijan and Kazakhstan reached US$470 million in 2024.")]
    public void The_country_of_a_currency_is_not_a_subject(string text)
    {
        var claim = OnlyClaim(text);

        Assert.Equal(["AZ", "KZ"], claim.Subjects);
        Assert.Equal("USD", claim.Unit);
    }

    [Theory]
    [InlineData("Товарооборот Азербайджана и Казахстана в 2024 году вырос до 470 млн долларов.", Qualifiers.Exact)]
    [InlineData("Товарооборот Азербайджана и Казахстана в 2024 году составил до 470 млн долларов.", Qualifiers.Under)]
    [InlineData("2024 жылы Әзербайжан мен Қазақстан арасындағы тауар айналымы 470 млн долларға дейін өсті.", Qualifiers.Exact)]
    [InlineData("2024 жылы Әзербайжан мен Қазақстан арасындағы тауар айналымы 470 млн долларға дейін болды.", Qualifiers.Under)]
    public void Up_to_after_a_change_verb_is_to(string text, string qualifier)
    {
        Assert.Equal(qualifier, OnlyClaim(text).Qualifier);
    }

    [Theory]
    [InlineData("Экспорт Казахстана в Азербайджан составил $298,5 млн, импорт – $171,5 млн.")]
    [InlineData("Kazakhstan's exports to Azerbaijan amounted to $298.5 million and imports to $171.5 million.")]
    public void Imports_after_exports_run_the_other_way(string text)
    {
        var result = _extractor.Extract(new ArticleText(text, null, _published));

        ClaimAssertions.Single(result, "exports:AZ+KZ:na:KZ->AZ", 298_500_000m);
        ClaimAssertions.Single(result, "imports:AZ+KZ:na:AZ->KZ", 171_500_000m);
    }

    [Theory]
    [InlineData("Объем транзитных перевозок между Азербайджаном и Казахстаном в 2024 году составил 3,5 млн тонн, а по Среднему коридору перевезено 4,5 млн тонн.")]
    [InlineData("In 2024 transit traffic between Azerbaijan and Kazakhstan totalled 3.5 million tonnes, while the Middle Corridor carried 4.5 million tonnes of cargo.")]
    public void Bilateral_transit_and_the_corridor_s_cargo_are_different_facts(string text)
    {
        var result = _extractor.Extract(new ArticleText(text, null, _published));

        ClaimAssertions.Single(result, "transit_volume:AZ+KZ:2024", 3_500_000m);
        ClaimAssertions.Single(result, "freight_volume:Middle_Corridor:2024", 4_500_000m);
    }
}
