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
    public void Each_invalid_field_is_reported_by_name(string? source, string? text, string? publishedAt, string? language, string field)
    {
        var (article, errors) = ArticleRequestValidation.Validate(new ArticleRequest(source, null, null, publishedAt, language, text, null), s_now);

        Assert.Null(article);
        Assert.Contains(field, errors.Keys);
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
