namespace Claims.Extraction.Tests;

public sealed class LanguageAndDateLineTests
{
    [Theory]
    [InlineData("000", "ru")]
    [InlineData("001", "kk")]
    [InlineData("002", "ru")]
    [InlineData("003", "ru")]
    [InlineData("004", "ru")]
    public void Seed_languages_are_detected_from_the_text(string prefix, string language)
    {
        Assert.Equal(language, LanguageDetector.Detect(SeedArticles.Load(prefix).Text));
    }

    [Theory]
    [InlineData("Товарооборот между странами вырос.", "ru")]
    [InlineData("Екі ел арасындағы тауар айналымы өсті.", "kk")]
    [InlineData("Бул мен ол жане осы ел туралы деп айтты.", "kk")]
    [InlineData("Trade between the two countries grew.", "en")]
    [InlineData("", "en")]
    public void Short_texts_are_told_apart_by_letters_and_common_words(string text, string language)
    {
        Assert.Equal(language, LanguageDetector.Detect(text));
    }

    [Fact]
    public void Given_language_is_kept_and_missing_language_is_detected()
    {
        var extractor = new ClaimExtractor();

        Assert.Equal("kk", extractor.Extract(new ArticleText("Тауар айналымы", "kk", null)).Language);
        Assert.Equal("kk", extractor.Extract(SeedArticles.Load("001") with { Language = null }).Language);
    }

    [Theory]
    [InlineData(" date 2025-10-18 Қазақстан мен Әзербайжан", 2025, 10, 18, 16)]
    [InlineData("date 2025-09-12\nСегодня", 2025, 9, 12, 15)]
    public void Date_line_is_read_with_the_offset_where_the_article_begins(string text, int year, int month, int day, int length)
    {
        Assert.True(DateLine.TryParse(text, out var date, out var parsedLength));
        Assert.Equal(new DateOnly(year, month, day), date);
        Assert.Equal(length, parsedLength);
    }

    [Theory]
    [InlineData("БАКУ/Trend/ - В преддверии визита")]
    [InlineData(" date 2025-13-40 text")]
    [InlineData(" dated 2025-10-18")]
    [InlineData(" date 2025-10-180")]
    [InlineData("")]
    public void Text_without_a_date_line_has_none(string text)
    {
        Assert.False(DateLine.TryParse(text, out _));
    }

    [Fact]
    public void Date_line_stands_in_for_a_missing_publication_date()
    {
        var article = SeedArticles.Load("001") with { PublishedAt = null };

        var result = new ClaimExtractor().Extract(article);

        Assert.Contains(result.Claims, claim => claim.ClaimId == "trade_turnover:AZ+KZ:2024");
    }
}
