using Claims.Contracts;
using static Claims.Extraction.Tests.ClaimAssertions;

namespace Claims.Extraction.Tests;

public sealed class EnglishExtractionTests
{
    private static readonly ClaimExtractor _extractor = new();

    private static ExtractionResult Extract(string text, DateOnly? publishedAt = null) =>
        _extractor.Extract(new ArticleText(text, null, publishedAt ?? new DateOnly(2025, 10, 18)));

    [Fact]
    public void English_trade_sentence_gets_the_claim_id_of_the_Russian_one()
    {
        var english = Extract("Trade turnover between Azerbaijan and Kazakhstan reached 470 million USD in 2024.");
        var russian = _extractor.Extract(SeedArticles.Load("000"));

        Assert.Equal("en", english.Language);
        var claim = Single(english, "trade_turnover:AZ+KZ:2024", 470_000_000m);
        Assert.Equal(Qualifiers.Exact, claim.Qualifier);
        Assert.Equal(469_500_000m, claim.Lower);
        Assert.Equal(470_500_000m, claim.Upper);
        Single(russian, claim.ClaimId, claim.Value);
    }

    [Fact]
    public void English_month_range_and_currency_sign_give_the_Russian_period()
    {
        var result = Extract("Trade between Azerbaijan and Kazakhstan reached $547m in January-August 2025.");

        Single(result, "trade_turnover:AZ+KZ:2025-01/2025-08", 547_000_000m);
    }

    [Fact]
    public void English_investments_take_their_direction_from_demonyms_and_prepositions()
    {
        var result = Extract(
            "Azerbaijani investment in Kazakhstan reached $225 million, while Kazakh investment in Azerbaijan totalled $136 million.");

        Single(result, "investment:AZ+KZ:na:AZ->KZ", 225_000_000m);
        Single(result, "investment:AZ+KZ:na:KZ->AZ", 136_000_000m);
    }

    [Fact]
    public void English_transit_over_a_figure_with_growth_up_a_percentage()
    {
        var result = Extract("Transit cargo between Azerbaijan and Kazakhstan exceeded 3.5 million tonnes in 2024, up 20% on the previous period.");

        Assert.Equal(Qualifiers.Over, Single(result, "transit_volume:AZ+KZ:2024", 3_500_000m).Qualifier);
        Single(result, "transit_volume_growth:AZ+KZ:2024", 20m);
    }

    [Fact]
    public void English_target_by_a_year_carries_the_horizon_as_its_period()
    {
        var result = Extract("Azerbaijan and Kazakhstan aim to double trade to $1 billion by 2030.");

        var claim = Single(result, "trade_turnover:AZ+KZ:2030", 1_000_000_000m);
        Assert.Equal(Qualifiers.Target, claim.Qualifier);
    }

    [Fact]
    public void English_last_year_resolves_against_the_publication_date()
    {
        var result = Extract("Kazakhstan shipped 1.5 million tonnes of oil through Azerbaijan last year.", new DateOnly(2025, 10, 22));

        Single(result, "oil_transit:AZ+KZ:2024:KZ->AZ", 1_500_000m);
    }

    [Fact]
    public void English_comparative_percentage_is_growth_against_a_baseline_year()
    {
        var result = Extract("The Middle Corridor carried 4.5 million tonnes of cargo in 2024, 62% more than in 2023.");

        Single(result, "freight_volume:Middle_Corridor:2024", 4_500_000m);
        Single(result, "freight_volume_growth:Middle_Corridor:2024", 62m);
    }

    [Fact]
    public void English_period_after_a_second_figure_applies_to_the_first_of_the_clause()
    {
        var result = Extract("Kazakhstan's oil exports fell 2% to 55 million tonnes last year.", new DateOnly(2025, 10, 22));

        Assert.Equal(-2m, Single(result, "exports_growth:KZ:2024", -2m).Value);
        Single(result, "exports_tonnes:KZ:2024", 55_000_000m);
    }

    [Fact]
    public void English_running_total_since_a_year_has_no_period()
    {
        var result = Extract("Since 2005, Kazakhstan has invested about $1.5 billion in Azerbaijan.");

        Assert.Equal(Qualifiers.Approx, Single(result, "investment:AZ+KZ:na:KZ->AZ", 1_500_000_000m).Qualifier);
    }

    [Fact]
    public void English_thousands_commas_are_not_decimal_commas()
    {
        var result = Extract("Kazakhstan exported 1,500,000 tonnes of grain to Azerbaijan in 2024.");

        var claim = Single(result, "exports_tonnes:AZ+KZ:2024:KZ->AZ", 1_500_000m);
        Assert.Equal("t", claim.Unit);
        Assert.Equal(1_499_999.5m, claim.Lower);
    }
}
