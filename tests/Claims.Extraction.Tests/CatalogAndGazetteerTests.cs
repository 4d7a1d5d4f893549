namespace Claims.Extraction.Tests;

public sealed class CatalogAndGazetteerTests
{
    [Fact]
    public void Default_catalog_and_gazetteer_are_embedded()
    {
        Assert.NotNull(MetricCatalog.Default.Find("trade_turnover"));
        Assert.NotNull(MetricCatalog.Default.Find("investment"));
        Assert.Contains(Gazetteer.Default.Entries, entry => entry.Name == "KZ" && entry.Kind == EntityKind.Country);
        Assert.Contains(Gazetteer.Default.Entries, entry => entry.Name == "SOCAR" && entry.CountryCode == "AZ");
    }

    [Fact]
    public void A_catalog_file_adds_metrics_without_recompiling()
    {
        var path = Path.Combine(Path.GetTempPath(), $"metrics-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """
            {
              "metrics": [
                { "id": "electricity_exports", "units": ["currency"], "flow": true,
                  "expressions": { "ru": ["экспорт электроэнерги"], "en": ["electricity export"] } }
              ]
            }
            """);
        try
        {
            var extractor = new ClaimExtractor(MetricCatalog.Load(path));

            var result = extractor.Extract(new ArticleText(
                "Экспорт электроэнергии из Казахстана в Азербайджан в 2024 году составил 12 млн долларов.", "ru", null));

            var claim = Assert.Single(result.Claims);
            Assert.Equal("electricity_exports:AZ+KZ:2024:KZ->AZ", claim.ClaimId);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("""{ "metrics": [ { "id": "Trade Turnover", "units": ["currency"] } ] }""")]
    [InlineData("""{ "metrics": [ { "id": "trade", "units": ["litres"] } ] }""")]
    [InlineData("""{ "metrics": [ { "id": "trade", "units": ["currency"] }, { "id": "trade", "units": ["mass"] } ] }""")]
    public void A_catalog_with_an_unusable_metric_is_rejected_with_a_reason(string json)
    {
        var error = Assert.Throws<FormatException>(() => MetricCatalog.Parse(json));

        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public void Claim_ids_sort_subjects_and_replace_spaces()
    {
        Assert.Equal("freight_volume:CN+Middle_Corridor:2024", ClaimIds.Compose("freight_volume", ["Middle Corridor", "CN"], "2024", null));
        Assert.Equal("investment:AZ+KZ:na:AZ->KZ", ClaimIds.Compose("investment", ["KZ", "AZ"], null, ClaimIds.Direction("AZ", "KZ")));
        Assert.Equal("trade_turnover:na:na", ClaimIds.Compose("trade_turnover", [], null, null));
    }
}
