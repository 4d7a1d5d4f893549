using Claims.Ingestion.Articles;
using Xunit;

namespace Claims.Ingestion.Tests;

public sealed class ArticleRequestValidationTests
{
    private static readonly DateTimeOffset s_now = new(2025, 10, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_date_line_of_a_seed_stands_in_for_publishedAt()
    {
        var (article, errors) = ArticleRequestValidation.Validate(
            new ArticleRequest("Kazinform", null, null, null, null, " date 2025-10-18 Headline\nBody", null), s_now);

        Assert.Empty(errors);
        Assert.Equal(new DateTimeOffset(2025, 10, 18, 0, 0, 0, TimeSpan.Zero), article!.PublishedAt);
    }

    [Theory]
    [InlineData(null, "text", "2025-01-01", null, "source")]
    [InlineData("X", null, "2025-01-01", null, "text")]
    [InlineData("X", "text", "yesterday", null, "publishedAt")]
    [InlineData("X", "text", "2099-01-01", null, "publishedAt")]
    [InlineData("X", "text", null, null, "publishedAt")]
    [InlineData("X", "text", "2025-01-01", "de", "language")]
    [InlineData("X", "2024年阿塞拜疆与哈萨克斯坦的贸易额达到4.7亿美元。", "2025-01-01", null, "text")]
    [InlineData("X", "1234567890 1234567890 12345 ... 678", "2025-01-01", null, "text")]
    [InlineData("X", "bin\0ary", "2025-01-01", null, "text")]
    public void Each_invalid_field_is_reported_by_name(string? source, string? text, string? publishedAt, string? language, string field)
    {
        var (article, errors) = ArticleRequestValidation.Validate(new ArticleRequest(source, null, null, publishedAt, language, text, null), s_now);

        Assert.Null(article);
        Assert.Contains(field, errors.Keys);
    }

    [Fact]
    public void A_Russian_article_quoting_a_name_in_another_script_is_still_read()
    {
        var (article, errors) = ArticleRequestValidation.Validate(
            new ArticleRequest("X", null, null, "2025-01-01", null, "Товарооборот с Китаем (中国) вырос до 5 млрд долларов в 2024 году.", null), s_now);

        Assert.NotNull(article);
        Assert.Empty(errors);
    }

    [Fact]
    public void Articles_are_identified_by_url_whatever_its_case_or_fragment()
    {
        var a = new ValidArticle("X", "https://Example.org/news/1/#top", null, s_now, null, "one");
        var b = new ValidArticle("X", "https://example.org/news/1", null, s_now, null, "two");

        Assert.Equal(a.ArticleId, b.ArticleId);
        Assert.NotEqual(a.ContentHash, b.ContentHash);
    }

    [Fact]
    public void Html_is_reduced_to_its_main_text_without_scripts()
    {
        var text = HtmlText.ToText("""
            <html><head><title>t</title><script>alert(1)</script></head>
            <body><nav>Menu</nav><article><h1>Trade</h1><p>Turnover reached 470&nbsp;million&nbsp;USD.</p><script>x()</script></article></body></html>
            """);

        Assert.Equal("Trade\nTurnover reached 470 million USD.", text);
    }
}
