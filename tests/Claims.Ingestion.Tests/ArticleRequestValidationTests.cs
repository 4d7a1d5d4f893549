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
        var text = ToText("""
            <html><head><title>t</title><script>alert(1)</script></head>
            <body><nav>Menu</nav><article><h1>Trade</h1><p>Turnover reached 470&nbsp;million&nbsp;USD.</p><script>x()</script></article></body></html>
            """);

        Assert.Equal("Trade\nTurnover reached 470 million USD.", text);
    }

    [Fact]
    public void Html_is_read_as_a_browser_reads_it_not_by_searching_its_text_for_tags()
    {
        // An "<article>" inside a script's string and inside a comment, unclosed paragraphs, entities in numbers.
        var text = ToText("""
            <!doctype html><html><head><script>document.write("<article>Fake 999 million</article>");</script></head>
            <body><!-- <article>Hidden 1 billion</article> --><p>Exports reached 1&#160;200 tonnes<p>Imports &amp; transit fell by 5&percnt;
            <div>Third</div></body></html>
            """);

        Assert.Equal("Exports reached 1 200 tonnes\nImports & transit fell by 5%\nThird", text);
    }

    [Fact]
    public void Of_the_articles_on_a_page_the_longest_is_read_and_a_header_inside_it_kept()
    {
        var text = ToText("""
            <body><header>Site menu</header>
            <article><h2>Related: wheat exports hit 3 million tonnes</h2></article>
            <article><header><h1>Oil transit</h1></header><p>Transit of Kazakh oil through Azerbaijan reached 1.5 million tonnes a year.</p></article>
            <aside>Most read: 12 stories</aside><footer>(c) 2025</footer></body>
            """);

        Assert.Equal("Oil transit\nTransit of Kazakh oil through Azerbaijan reached 1.5 million tonnes a year.", text);
    }

    [Fact]
    public void A_page_nested_deeper_than_the_limit_is_refused_at_once_and_one_at_the_limit_is_read()
    {
        static string Nested(string tag, int depth) =>
            "<body>" + string.Concat(Enumerable.Repeat($"<{tag}>", depth)) + "Turnover was 470 million USD.</body>";

        // 200,000 nested <div>s fit in a request body; the parser alone would take minutes over them.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.False(HtmlText.TryToText(Nested("div", 200_000), out _));
        Assert.False(HtmlText.TryToText(Nested("font", 200_000), out _));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"refused in {clock.Elapsed}");

        Assert.Equal("Turnover was 470 million USD.", ToText(Nested("span", HtmlText.MaxDepth)));
        // Unclosed paragraphs and list items are siblings, not nesting.
        var siblings = ToText("<body>" + string.Concat(Enumerable.Repeat("<p>a<li>b", 50_000)) + "</body>");
        Assert.Equal(100_000, siblings.Split('\n').Length);
    }

    [Fact]
    public void An_article_in_html_nested_too_deeply_gets_a_problem_naming_the_limit()
    {
        var html = "<body>" + string.Concat(Enumerable.Repeat("<div>", HtmlText.MaxDepth + 1)) + "Turnover was 470 million USD.</body>";

        var (article, errors) = ArticleRequestValidation.Validate(new ArticleRequest("X", null, null, "2025-01-01", "en", null, html), s_now);

        Assert.Null(article);
        Assert.Contains("1,000 deep", Assert.Single(errors["html"]), StringComparison.Ordinal);
    }

    private static string ToText(string html) => HtmlText.TryToText(html, out var text) ? text : throw new InvalidOperationException("refused as too deep");
}
