using System.Text.RegularExpressions;
using Claims.Contracts;
using static Claims.Extraction.Tests.ClaimAssertions;

namespace Claims.Extraction.Tests;

/// <summary>The facts of the five seed articles, read from the repository's seeds/ folder.</summary>
public sealed partial class SeedExtractionTests
{
    private static readonly ClaimExtractor _extractor = new();

    [Fact]
    public void Russian_interview_gives_2024_trade_turnover_of_470_million_dollars_with_its_sentence()
    {
        var article = SeedArticles.Load("000");
        var claim = Single(_extractor.Extract(article), "trade_turnover:AZ+KZ:2024", 470_000_000m);

        Assert.Equal("trade_turnover", claim.Metric);
        Assert.Equal(["AZ", "KZ"], claim.Subjects);
        Assert.Null(claim.Direction);
        Assert.Equal("2024", claim.Period);
        Assert.Equal("USD", claim.Unit);
        Assert.Equal(Qualifiers.Exact, claim.Qualifier);
        Assert.Equal(469_500_000m, claim.Lower);
        Assert.Equal(470_500_000m, claim.Upper);
        Assert.StartsWith("Так, объем товарооборота между странами в 2024 году составил 470 млн долларов", claim.Evidence.Text, StringComparison.Ordinal);
        Assert.EndsWith("более чем в три раза.", claim.Evidence.Text, StringComparison.Ordinal);
        HasEvidenceInText(article, claim);
    }

    [Fact]
    public void Russian_interview_gives_january_to_august_2025_trade_turnover_as_a_month_range()
    {
        var claim = Single(_extractor.Extract(SeedArticles.Load("000")), "trade_turnover:AZ+KZ:2025-01/2025-08", 547_000_000m);

        Assert.Equal("2025-01/2025-08", claim.Period);
        Assert.Equal(Qualifiers.Exact, claim.Qualifier);
    }

    [Fact]
    public void Russian_interview_gives_transit_of_more_than_3_5_million_tonnes_as_an_open_lower_bound()
    {
        var claim = Single(_extractor.Extract(SeedArticles.Load("000")), "transit_volume:AZ+KZ:2024", 3_500_000m);

        Assert.Equal("t", claim.Unit);
        Assert.Equal(Qualifiers.Over, claim.Qualifier);
        Assert.Equal(3_500_000m, claim.Lower);
        Assert.Null(claim.Upper);
    }

    [Fact]
    public void Russian_interview_gives_the_20_percent_transit_growth_of_2024()
    {
        var claim = Single(_extractor.Extract(SeedArticles.Load("000")), "transit_volume_growth:AZ+KZ:2024", 20m);

        Assert.Equal("%", claim.Unit);
    }

    [Fact]
    public void Russian_interview_gives_the_annual_transit_of_Kazakh_oil_without_a_calendar_period()
    {
        var claim = Single(_extractor.Extract(SeedArticles.Load("000")), "oil_transit:AZ+KZ:na:KZ->AZ", 1_500_000m);

        Assert.Equal("KZ->AZ", claim.Direction);
        Assert.Null(claim.Period);
        Assert.Equal("t", claim.Unit);
        Assert.Contains("1,5 млн тонн в год", claim.Evidence.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Russian_interview_gives_investment_in_each_direction()
    {
        var result = _extractor.Extract(SeedArticles.Load("000"));

        var azerbaijaniInKazakhstan = Single(result, "investment:AZ+KZ:na:AZ->KZ", 225_000_000m);
        var kazakhInAzerbaijan = Single(result, "investment:AZ+KZ:na:KZ->AZ", 136_000_000m);

        Assert.Equal("AZ->KZ", azerbaijaniInKazakhstan.Direction);
        Assert.Equal("KZ->AZ", kazakhInAzerbaijan.Direction);
        Assert.Equal("USD", kazakhInAzerbaijan.Unit);
    }

    [Fact]
    public void Kazakh_original_states_the_interview_figures_under_the_same_claim_ids_and_values()
    {
        var russian = _extractor.Extract(SeedArticles.Load("000"));
        var kazakh = _extractor.Extract(SeedArticles.Load("001"));

        Assert.Equal("kk", kazakh.Language);
        var expected = new (string ClaimId, decimal Value, string Qualifier)[]
        {
            ("trade_turnover:AZ+KZ:2024", 470_000_000m, Qualifiers.Exact),
            ("trade_turnover:AZ+KZ:2025-01/2025-08", 547_000_000m, Qualifiers.Exact),
            ("investment:AZ+KZ:na:AZ->KZ", 225_000_000m, Qualifiers.Exact),
            ("investment:AZ+KZ:na:KZ->AZ", 136_000_000m, Qualifiers.Exact),
            ("transit_volume:AZ+KZ:2024", 3_500_000m, Qualifiers.Over),
            ("transit_volume_growth:AZ+KZ:2024", 20m, Qualifiers.Exact),
            ("oil_transit:AZ+KZ:na:KZ->AZ", 1_500_000m, Qualifiers.Exact),
            ("companies_with_capital:AZ+KZ:na:KZ->AZ", 250m, Qualifiers.Approx),
            ("students:AZ+KZ:na", 100m, Qualifiers.Approx),
            ("bilateral_agreements:AZ+KZ:na", 170m, Qualifiers.Approx),
            ("official_visits:AZ+KZ:na:KZ->AZ", 6m, Qualifiers.Exact),
        };
        foreach (var (claimId, value, qualifier) in expected)
        {
            Assert.Equal(qualifier, Single(russian, claimId, value).Qualifier);
            Assert.Equal(qualifier, Single(kazakh, claimId, value).Qualifier);
        }

        // The Russian reprint adds one figure the Kazakh original does not state: "более чем в три раза".
        Assert.Equal(
            russian.Claims.Select(claim => (claim.ClaimId, claim.Value)).Where(claim => claim.ClaimId != "trade_turnover_multiple:AZ+KZ:2025-01/2025-08").Order(),
            kazakh.Claims.Select(claim => (claim.ClaimId, claim.Value)).Order());
    }

    [Fact]
    public void Russian_interview_reads_the_factor_in_words_as_a_multiple_of_the_month_range()
    {
        var claim = Single(_extractor.Extract(SeedArticles.Load("000")), "trade_turnover_multiple:AZ+KZ:2025-01/2025-08", 3m);

        Assert.Equal(Qualifiers.Over, claim.Qualifier);
        Assert.Equal("x", claim.Unit);
        Assert.Equal(3m, claim.Lower);
        Assert.Null(claim.Upper);
        Assert.Contains("более чем в три раза", claim.Evidence.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Interview_counts_visits_in_words_in_both_languages()
    {
        foreach (var (prefix, words) in new[] { ("000", "шесть раз посетил"), ("001", "алты рет сапармен") })
        {
            var claim = Single(_extractor.Extract(SeedArticles.Load(prefix)), "official_visits:AZ+KZ:na:KZ->AZ", 6m);

            Assert.Equal("count", claim.Unit);
            Assert.Equal("visit", claim.Noun);
            Assert.Contains(words, claim.Evidence.Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Kazakh_original_reads_the_hedges_written_after_the_number()
    {
        var kazakh = _extractor.Extract(SeedArticles.Load("001"));

        var transit = Single(kazakh, "transit_volume:AZ+KZ:2024", 3_500_000m);
        Assert.Contains("3,5 млн тоннадан асты", transit.Evidence.Text, StringComparison.Ordinal);
        var companies = Single(kazakh, "companies_with_capital:AZ+KZ:na:KZ->AZ", 250m);
        Assert.Equal("count", companies.Unit);
        Assert.Equal("company", companies.Noun);
        Assert.Equal(237.5m, companies.Lower);
        Assert.Equal(262.5m, companies.Upper);
    }

    [Fact]
    public void Political_scientist_gives_over_533_million_for_2024_and_a_one_billion_target()
    {
        var result = _extractor.Extract(SeedArticles.Load("002"));

        var turnover = Single(result, "trade_turnover:AZ+KZ:2024", 533_000_000m);
        Assert.Equal(Qualifiers.Over, turnover.Qualifier);
        Assert.Equal(533_000_000m, turnover.Lower);
        Assert.Null(turnover.Upper);

        var target = Single(result, "trade_turnover:AZ+KZ:na", 1_000_000_000m);
        Assert.Equal(Qualifiers.Target, target.Qualifier);
        Assert.Equal("USD", target.Unit);

        Single(result, "oil_transit:AZ+KZ:na:KZ->AZ", 1_500_000m);
    }

    [Fact]
    public void Political_scientist_resolves_this_year_against_the_date_line()
    {
        var article = SeedArticles.Load("002") with { PublishedAt = null };

        var share = Single(_extractor.Extract(article), "grain_import_share:AZ+KZ:2025:KZ->AZ", 85m);

        Assert.Equal(Qualifiers.Approx, share.Qualifier);
        Assert.Equal("%", share.Unit);
    }

    [Fact]
    public void Port_capacity_plan_by_2028_is_a_target_with_its_horizon_year()
    {
        var claim = Single(_extractor.Extract(SeedArticles.Load("002")), "port_capacity_growth:KZ:2028", 50m);

        Assert.Equal(Qualifiers.Target, claim.Qualifier);
    }

    [Fact]
    public void MP_interview_resolves_last_year_to_2024_from_the_publication_date()
    {
        var result = _extractor.Extract(SeedArticles.Load("003"));

        var volume = Single(result, "freight_volume:Middle_Corridor:2024", 4_500_000m);
        Assert.Equal(Qualifiers.Exact, volume.Qualifier);
        Assert.Equal(["Middle Corridor"], volume.Subjects);
        Single(result, "freight_volume_growth:Middle_Corridor:2024", 62m);
        Assert.Equal(Qualifiers.Target, Single(result, "trade_turnover:AZ+KZ:na", 1_000_000_000m).Qualifier);
        Assert.Equal(Qualifiers.Target, Single(result, "freight_volume:Middle_Corridor:na", 10_000_000m).Qualifier);
    }

    [Fact]
    public void Analysis_of_the_state_visit_repeats_the_interview_figures_under_the_same_claim_ids()
    {
        var analysis = _extractor.Extract(SeedArticles.Load("004"));
        var interview = _extractor.Extract(SeedArticles.Load("000"));

        // The analysis repeats the economic figures, not the interview's children, documents or visits.
        var repeated = interview.Claims.Where(claim => claim.Metric is not ("students" or "bilateral_agreements" or "official_visits")).ToArray();
        Assert.Equal(9, repeated.Length);
        foreach (var claim in repeated)
        {
            Assert.Equal(claim.Qualifier, Single(analysis, claim.ClaimId, claim.Value).Qualifier);
        }
    }

    [Fact]
    public void Analysis_of_the_state_visit_gives_three_visits_to_Central_Asia_in_Russian_and_in_the_quoted_English_tweet()
    {
        var visits = _extractor.Extract(SeedArticles.Load("004")).Claims.Where(claim => claim.Metric == "official_visits").ToArray();

        Assert.Equal(2, visits.Length);
        Assert.All(visits, claim =>
        {
            Assert.Equal("official_visits:AZ+Central_Asia:na:AZ->Central_Asia", claim.ClaimId);
            Assert.Equal(3m, claim.Value);
        });
        Assert.Contains(visits, claim => claim.Evidence.Text.Contains("трижды", StringComparison.Ordinal));
        Assert.Contains(visits, claim => claim.Evidence.Text.Contains("three visits", StringComparison.Ordinal));
    }

    [Fact]
    public void Political_scientist_gives_the_fivefold_growth_over_the_last_five_years()
    {
        var claim = Single(_extractor.Extract(SeedArticles.Load("002")), "trade_turnover_multiple:AZ+KZ:2020/2024", 5m);

        Assert.Equal(Qualifiers.Exact, claim.Qualifier);
    }

    [Fact]
    public void Analysis_of_the_state_visit_gives_the_forecast_tripling_of_China_Azerbaijan_freight_by_2030()
    {
        var claim = Single(_extractor.Extract(SeedArticles.Load("004")), "freight_volume_multiple:AZ+CN:2030:CN->AZ", 3m);

        Assert.Equal(Qualifiers.Forecast, claim.Qualifier);
        Assert.Equal("x", claim.Unit);
    }

    [Theory]
    [InlineData("000")]
    [InlineData("001")]
    [InlineData("002")]
    [InlineData("003")]
    [InlineData("004")]
    public void Seed_claims_are_well_formed(string prefix)
    {
        var article = SeedArticles.Load(prefix);
        var result = _extractor.Extract(article);

        Assert.NotEmpty(result.Claims);
        foreach (var claim in result.Claims)
        {
            HasEvidenceInText(article, claim);
            Assert.Matches(ClaimIdShape(), claim.ClaimId);
            Assert.Equal(ClaimIds.Compose(claim.Metric, claim.Subjects, claim.Period, claim.Direction), claim.ClaimId);
            Assert.Equal(claim.Subjects.Order(StringComparer.Ordinal), claim.Subjects);
            Assert.DoesNotContain(claim.Value, new[] { 1926m, 2009m, 2022m, 2023m, 2024m, 2025m, 2026m, 2027m, 2028m, 2030m });
            Assert.NotEqual(12m, claim.Value);
            Assert.InRange(claim.Confidence, 0.3, 0.95);
            Assert.True(claim.Lower is null || claim.Lower <= claim.Value, claim.ClaimId);
            Assert.True(claim.Upper is null || claim.Upper >= claim.Value, claim.ClaimId);
        }
    }

    [Fact]
    public void Seeds_do_not_count_anniversaries_ordinals_or_durations()
    {
        foreach (var prefix in new[] { "000", "001" })
        {
            var result = _extractor.Extract(SeedArticles.Load(prefix));

            // "100 лет", "115-летию", "12-й Саммит", "седьмой визит", "за последние три года", "20-летие".
            Assert.DoesNotContain(result.Claims, claim => claim.Value is 115m or 12m or 7m);
            Assert.DoesNotContain(result.Claims, claim => claim.Value == 100m && claim.Metric != "students");
            Assert.DoesNotContain(result.Claims, claim => claim.Value == 3m && claim.Unit == "count");
            Assert.DoesNotContain(result.Claims, claim => claim.Value == 20m && claim.Unit != "%");
        }
    }

    [GeneratedRegex(@"^[a-z][a-z0-9_]*:(na|[A-Za-z0-9_]+(\+[A-Za-z0-9_]+)*):(na|\d{4}(-Q[1-4]|-\d{2}(-\d{2})?)?(/\d{4}(-\d{2})?)?)(:[A-Za-z0-9_]+->[A-Za-z0-9_]+)?$", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex ClaimIdShape();
}
