using System.Text.Json;
using Claims.Testing;
using Microsoft.Playwright;
using Xunit;
using Xunit.Abstractions;

namespace Claims.Browser.Tests;

/// <summary>The web page as a reader uses it: in Chromium, against the real services with the seed articles.</summary>
public sealed class WebPageTests(BrowserSystem browser, ITestOutputHelper output) : IClassFixture<BrowserSystem>
{
    private static readonly LocatorWaitForOptions s_pipelineWait = new() { Timeout = (float)ClaimsSystemApi.PipelineTimeout.TotalMilliseconds };

    private string Home => browser.System.Query!.Address + "#/";

    private async Task<double?> ReliabilityAsync(string source)
    {
        var sources = await browser.System.WaitForQueryAsync("/sources", _ => true, "the sources");
        var reliability = sources.GetProperty("items").EnumerateArray().Single(s => s.GetProperty("source").GetString() == source).GetProperty("reliability");
        return reliability.ValueKind == JsonValueKind.Null ? null : reliability.GetDouble();
    }

    [Fact]
    public async Task A_reader_finds_the_conflict_on_the_timeline_and_sees_a_new_article_arrive_without_reloading()
    {
        var errors = new List<string>();
        var page = await browser.OpenPageAsync(errors);
        var claim = await browser.ClaimAsync(BrowserSystem.TradeTurnover2024);
        var origins = claim.GetProperty("mentions").EnumerateArray().Select(m => m.GetProperty("origin").GetString()).Distinct().Count();

        await page.GotoAsync(Home);
        await page.Locator("#live[data-state='live']").WaitForAsync();
        var row = page.Locator($"tr[data-claim-id='{BrowserSystem.TradeTurnover2024}']");
        await row.WaitForAsync();
        await row.Locator("a.claim-link").ClickAsync();

        var chart = page.Locator("svg.timeline");
        await chart.WaitForAsync();
        Assert.Equal(origins, await chart.Locator("g.series").CountAsync());
        Assert.Equal(1, await chart.Locator("path.consensus-line").CountAsync());
        Assert.Equal("conflicted", await page.Locator(".consensus-box").GetAttributeAsync("data-status"));
        Assert.Equal("Conflicted", (await page.Locator(".consensus-box .badge").TextContentAsync())?.Trim());
        Assert.Equal("470 million USD", await page.Locator("#consensus-figure").TextContentAsync());
        var disagreeing = page.Locator(".mention[data-agrees='false']");
        Assert.Equal(1, await disagreeing.CountAsync());
        Assert.Equal("over 533 million USD", await disagreeing.Locator(".mention-figure").TextContentAsync());
        Assert.Equal("Disagrees with consensus", await disagreeing.Locator(".tag-disagrees").TextContentAsync());
        Assert.Contains("533", await disagreeing.Locator("mark.figure").TextContentAsync());
        // Who stands with whom: the consensus side first, then the side that lost to it.
        var sides = page.Locator(".callout-conflict .positions > li");
        Assert.Equal(2, await sides.CountAsync());
        Assert.Equal("true", await sides.Nth(0).GetAttributeAsync("data-agrees"));
        Assert.Equal("470 million USD", await sides.Nth(0).Locator(".position-figure").TextContentAsync());
        Assert.Equal("over 533 million USD", await sides.Nth(1).Locator(".position-figure").TextContentAsync());
        output.WriteLine("Before the new article: " + await BrowserSystem.ScreenshotAsync(page, "claim-before-live-update"));

        // Marks this document: a reload would lose the mark.
        await page.EvaluateAsync("() => { window.__sameDocument = true; }");
        await browser.System.PostArticleAsync(new
        {
            source = "Caspian Ledger",
            url = "https://caspian-ledger.example/trade-2024",
            publishedAt = "2025-11-03",
            language = "en",
            text = "Trade turnover between Azerbaijan and Kazakhstan reached 480 million USD in 2024.",
        });

        var arrived = page.Locator(".mention[data-source='Caspian Ledger']");
        await arrived.WaitForAsync(s_pipelineWait);
        Assert.Equal("480 million USD", await arrived.Locator(".mention-figure").TextContentAsync());
        Assert.Equal("false", await arrived.GetAttributeAsync("data-agrees"));
        Assert.Equal(origins + 1, await chart.Locator("g.series").CountAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was reloaded instead of updated");
        Assert.Equal(1, await page.Locator(".consensus-box.updated").CountAsync());

        // Change notices fade after a few seconds; the screenshot waits for them so they cover nothing.
        await Eventually.HoldsAsync(async () => await page.Locator(".toast").CountAsync() == 0, "the change notices to fade", TimeSpan.FromSeconds(20));
        var screenshot = await BrowserSystem.ScreenshotAsync(page, "claim-trade-turnover-2024");
        output.WriteLine("Screenshot of the claim page after the live update: " + screenshot);
        Assert.True(new FileInfo(screenshot).Length > 10_000, "the screenshot is empty");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task When_the_query_service_crashes_and_comes_back_the_open_page_reconnects_and_shows_what_happened_meanwhile()
    {
        const string claimId = "trade_turnover:AZ+KZ:2003";
        await browser.System.PostArticleAsync(new
        {
            source = "Outage Wire A",
            publishedAt = "2004-02-01",
            language = "en",
            text = "Trade turnover between Azerbaijan and Kazakhstan reached 150 million USD in 2003.",
        });
        await browser.System.WaitForClaimAsync(claimId, claim => ClaimsSystemApi.MentionCount(claim) == 1);
        var page = await browser.OpenPageAsync([]);
        await page.GotoAsync(Home + "claims/" + Uri.EscapeDataString(claimId));
        await page.Locator(".mention[data-source='Outage Wire A']").WaitForAsync();
        await page.Locator("#live[data-state='live']").WaitForAsync();
        await page.EvaluateAsync("() => { window.__sameDocument = true; }");

        await browser.System.CrashAndRestartAsync("Claims.Query", async () =>
        {
            await page.Locator("#live[data-state='reconnecting']").WaitForAsync();
            // Posted while nobody serves /changes: the page learns of it only by resuming after the last event it saw.
            await browser.System.PostArticleAsync(new
            {
                source = "Outage Wire B",
                publishedAt = "2004-02-03",
                language = "en",
                text = "Trade turnover between Azerbaijan and Kazakhstan in 2003 came to 900 million USD, according to customs.",
            });
        });

        var arrived = page.Locator(".mention[data-source='Outage Wire B']");
        await arrived.WaitForAsync(s_pipelineWait);
        await page.Locator("#live[data-state='live']").WaitForAsync();
        Assert.Equal("900 million USD", await arrived.Locator(".mention-figure").TextContentAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was reloaded instead of updated");
        await Eventually.HoldsAsync(async () => await page.Locator(".consensus-box").GetAttributeAsync("data-status") == "conflicted",
            "the claim page to show the conflict the new article caused");
    }

    [Fact]
    public async Task Article_text_with_script_and_markup_is_shown_as_text_everywhere_and_never_runs()
    {
        var errors = new List<string>();
        var page = await browser.OpenPageAsync(errors);
        const string source = "Script Test <b>Wire</b>";
        const string title = "<img src=x onerror=\"window.__pwned=3\"> Turnover <i>report</i>";
        const string script = "<script>window.__pwned=1</script>";
        var posted = await browser.System.PostArticleAsync(new
        {
            source,
            title,
            publishedAt = "2014-02-01",
            language = "en",
            text = $"Trade turnover between Azerbaijan and Kazakhstan reached 612 million USD in 2013 {script}<img src=x onerror=\"window.__pwned=2\"> according to <b>officials</b>.",
        });
        var articleId = posted.GetProperty("articleId").GetString()!;
        const string claimId = "trade_turnover:AZ+KZ:2013";
        await browser.System.WaitForClaimAsync(claimId, claim => ClaimsSystemApi.MentionCount(claim) >= 1);

        await page.GotoAsync(Home + "claims/" + Uri.EscapeDataString(claimId));
        var mention = page.Locator($".mention[data-source='{source}']");
        await mention.WaitForAsync();
        Assert.Contains(script, await mention.Locator("blockquote.evidence").TextContentAsync());
        Assert.Contains("<b>officials</b>", await mention.Locator("blockquote.evidence").TextContentAsync());
        Assert.Equal(source, await mention.Locator(".mention-source").TextContentAsync());
        Assert.Equal(0, await mention.Locator("script, img, b, i").CountAsync());
        output.WriteLine("Claim page: " + await BrowserSystem.ScreenshotAsync(page, "markup-as-text-claim"));

        await mention.Locator("a", new() { HasText = "Read the article" }).ClickAsync();
        var text = page.Locator(".article-text");
        await text.WaitForAsync();
        Assert.Contains(script, await text.TextContentAsync());
        Assert.Equal(title, await page.Locator(".article-title").TextContentAsync());
        Assert.Equal(source, await page.Locator(".article-kicker strong").TextContentAsync());
        Assert.Equal(0, await page.Locator(".article-header img, .article-header i, .article-text script, .article-text img, .article-text b").CountAsync());
        Assert.EndsWith("#/articles/" + articleId, page.Url, StringComparison.Ordinal);
        output.WriteLine("Article page: " + await BrowserSystem.ScreenshotAsync(page, "markup-as-text-article"));

        await page.GotoAsync(Home + "sources");
        var sourceRow = page.Locator("tr[data-source]", new() { Has = page.Locator("td.source-name", new() { HasTextString = source }) });
        await sourceRow.WaitForAsync(s_pipelineWait);
        Assert.Equal(source, await sourceRow.Locator("td.source-name").TextContentAsync());
        Assert.Equal(0, await sourceRow.Locator("b").CountAsync());

        Assert.True(await page.EvaluateAsync<bool>("() => window.__pwned === undefined"), "a script from the article ran");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_conflicts_and_sources_pages_show_the_seeded_disagreement_and_the_outlets()
    {
        var errors = new List<string>();
        var page = await browser.OpenPageAsync(errors);

        await page.GotoAsync(Home + "conflicts");
        var card = page.Locator($".conflict-card[data-claim-id='{BrowserSystem.TradeTurnover2024}']");
        await card.WaitForAsync();
        var sides = card.Locator(".positions > li");
        Assert.Equal("true", await sides.First.GetAttributeAsync("data-agrees"));
        Assert.Equal("470 million USD", await sides.First.Locator(".position-figure").TextContentAsync());
        var against = card.Locator(".positions > li[data-agrees='false']", new() { HasText = "over 533 million USD" });
        Assert.Equal(1, await against.CountAsync());
        Assert.Contains("Day.Az", await against.Locator(".position-who").TextContentAsync());
        output.WriteLine("Conflicts page: " + await BrowserSystem.ScreenshotAsync(page, "conflicts"));

        await page.GotoAsync(Home + "sources");
        var kazinform = page.Locator("tr[data-source='Kazinform']");
        await kazinform.WaitForAsync();
        Assert.Contains("Kazakh", await kazinform.TextContentAsync());
        // Reconciliation estimates reliability every few seconds: compare the page with the API when both agree in time.
        await Eventually.HoldsAsync(async () =>
        {
            var before = await ReliabilityAsync("Kazinform");
            await page.ReloadAsync();
            var shown = await kazinform.Locator("td.reliability").TextContentAsync() ?? "";
            return before == await ReliabilityAsync("Kazinform")
                && shown.StartsWith(before is { } r ? $"{Math.Round(r * 100, MidpointRounding.AwayFromZero)}%" : "not computed yet", StringComparison.Ordinal);
        }, "the page shows Kazinform's reliability as the API has it");
        output.WriteLine("Sources page: " + await BrowserSystem.ScreenshotAsync(page, "sources"));

        await page.GotoAsync(Home);
        await page.Locator("select[name='status']").SelectOptionAsync("conflicted");
        await Eventually.HoldsAsync(async () => await page.Locator("tbody tr").CountAsync() > 0
            && await page.Locator("tbody tr .badge:not([data-status='conflicted'])").CountAsync() == 0, "only conflicted claims are listed");
        Assert.Equal(1, await page.Locator($"tr[data-claim-id='{BrowserSystem.TradeTurnover2024}']").CountAsync());
        output.WriteLine("Claims filtered by status: " + await BrowserSystem.ScreenshotAsync(page, "claims-conflicted"));

        // On 1 October 2025 only Day.Az had published its figure for 2024.
        await page.GotoAsync(Home + "claims/" + Uri.EscapeDataString(BrowserSystem.TradeTurnover2024) + "?asOf=2025-10-01&by=published");
        await page.Locator(".callout-timetravel").WaitForAsync();
        Assert.Equal(["Day.Az"], await page.Locator(".mention .mention-source").AllTextContentsAsync());
        Assert.Equal(1, await page.Locator("svg.timeline g.series").CountAsync());
        // The public record of then decided on its own: Day.Az's figure, from a single origin, no conflict yet.
        Assert.Equal("over 533 million USD", await page.Locator("#consensus-figure").TextContentAsync());
        Assert.Equal("single-source", await page.Locator(".consensus-box").GetAttributeAsync("data-status"));
        output.WriteLine("Time travel: " + await BrowserSystem.ScreenshotAsync(page, "claim-as-published-2025-10-01"));
        Assert.Empty(errors);
    }
}
