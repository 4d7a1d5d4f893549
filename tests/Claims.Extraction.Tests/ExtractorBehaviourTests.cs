using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Claims.Extraction.Tests;

public sealed class ExtractorBehaviourTests
{
    private static readonly ClaimExtractor _extractor = new();

    [Fact]
    public void One_extractor_gives_the_same_claims_on_many_threads()
    {
        var articles = new[] { "000", "001", "002", "003", "004" }.Select(SeedArticles.Load).ToArray();
        var expected = articles.Select(article => Fingerprint(_extractor.Extract(article))).ToArray();

        var results = new string[articles.Length * 8];
        Parallel.For(0, results.Length, i => results[i] = Fingerprint(_extractor.Extract(articles[i % articles.Length])));

        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal(expected[i % articles.Length], results[i]);
        }
    }

    [Fact]
    public void Extraction_time_grows_linearly_with_the_text()
    {
        var seed = SeedArticles.Load("000");
        var single = _extractor.Extract(seed).Claims.Count;
        var builder = new StringBuilder();
        const int copies = 40;
        for (var i = 0; i < copies; i++)
        {
            builder.Append(seed.Text).Append("\n\n");
        }

        var stopwatch = Stopwatch.StartNew();
        var result = _extractor.Extract(seed with { Text = builder.ToString() });
        stopwatch.Stop();

        Assert.Equal(single * copies, result.Claims.Count);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"A {builder.Length}-character text took {stopwatch.Elapsed}.");
    }

    [Fact]
    public void Pathological_input_finishes_quickly()
    {
        var text = string.Concat(Enumerable.Repeat("1 000 000 000, 2,3,4,5 млн млн долларов – – ", 20_000));

        var stopwatch = Stopwatch.StartNew();
        _extractor.Extract(new ArticleText(text, "ru", null));

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"Took {stopwatch.Elapsed}.");
    }

    [Fact]
    public void One_endless_sentence_of_figures_names_periods_and_cues_stays_linear()
    {
        // No comma or full stop: every figure shares one clause segment with thousands of others.
        const int repeats = 4_000;
        var text = string.Concat(Enumerable.Repeat(
            "в 2024 году экспорт Казахстана в Азербайджан составил 5 млн тонн и планируется рост в три раза до 2030 года между странами ", repeats));

        var stopwatch = Stopwatch.StartNew();
        var result = _extractor.Extract(new ArticleText(text, "ru", new DateOnly(2025, 10, 18)));

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"Took {stopwatch.Elapsed}.");
        Assert.InRange(result.Claims.Count, 1, repeats * 2);
    }

    [Theory]
    [InlineData("en", "Exports reached {0} million USD in 2020. Trade turnover between Azerbaijan and Kazakhstan reached 5 million USD in 2021.")]
    [InlineData("ru", "Экспорт составил {0} млн долларов в 2020 году. Товарооборот между Азербайджаном и Казахстаном составил 5 млн долларов в 2021 году.")]
    public void Numbers_too_long_for_any_value_are_skipped_without_overflow_and_in_linear_time(string language, string template)
    {
        // A megabyte of digits, and a megabyte of digit groups that a reader of "1 000 000" would keep joining.
        // And a figure pasted eight times: it fits decimal, but not once multiplied by a million.
        foreach (var number in new[] { new string('7', 1_000_000), "1 " + string.Join(' ', Enumerable.Repeat("000", 250_000)), "470470470470470470470470" })
        {
            var stopwatch = Stopwatch.StartNew();
            var result = _extractor.Extract(new ArticleText(string.Format(CultureInfo.InvariantCulture, template, number), language, new DateOnly(2022, 1, 1)));

            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"Took {stopwatch.Elapsed}.");
            var claim = Assert.Single(result.Claims, c => c.ClaimId == "trade_turnover:AZ+KZ:2021");
            Assert.Equal(5_000_000m, claim.Value);
            Assert.All(result.Claims, c => Assert.True(c.Value < 1e20m, $"{c.ClaimId} = {c.Value}"));
        }
    }

    private static string Fingerprint(ExtractionResult result) =>
        string.Join("|", result.Claims.Select(claim => $"{claim.ClaimId}={claim.Value}@{claim.Evidence.Start}"));

    [Theory]
    [InlineData("Товарооборот между Азербайджаном и Казахстаном в 2024 году составил 470 млн долларов (470 млн долларов США).")]
    [InlineData("Товарооборот в 2024 году составил 470 млн долларов; товарооборот в 2024 году составил 470 млн долларов.")]
    public void The_same_claim_with_the_same_value_twice_in_a_sentence_is_one_mention(string text)
    {
        var claim = Assert.Single(_extractor.Extract(new ArticleText(text, "ru", new DateOnly(2025, 10, 18))).Claims);

        Assert.Equal(470_000_000m, claim.Value);
    }
}
