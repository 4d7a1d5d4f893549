using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Claims.Testing;
using Xunit;
using Xunit.Abstractions;
using static Claims.Testing.ClaimsSystemApi;

namespace Claims.EndToEnd.Tests;

/// <summary>
/// The query API over HTTP, on the real pipeline: articles, sources, conflicts, time travel, the change stream, the
/// OpenAPI document and the problem responses. Each test works on claims of its own year, so none sees another's.
/// </summary>
public sealed class QueryApiTests(ClaimsSystem system, ITestOutputHelper output) : IClassFixture<ClaimsSystem>
{
    [Fact]
    public async Task An_article_is_served_with_its_text_its_revisions_and_the_claims_of_the_current_revision()
    {
        const string url = "https://example.org/query-article";
        var first = await system.PostArticleAsync(Article("Revision Wire", url, "2012-02-01", "Trade turnover between Azerbaijan and Kazakhstan reached 205 million USD in 2011."));
        var articleId = first.GetProperty("articleId").GetString()!;
        await system.PostArticleAsync(Article("Revision Wire", url, "2012-02-01", "Correction: trade turnover between Azerbaijan and Kazakhstan reached 250 million USD in 2011.") with { Title = "Turnover, corrected" });

        var article = await system.WaitForQueryAsync("/articles/" + articleId, a => a.GetProperty("revision").GetInt32() == 2, "revision 2 of " + articleId);

        Assert.Equal(2, article.GetProperty("latestRevision").GetInt32());
        Assert.Equal("Turnover, corrected", article.GetProperty("title").GetString());
        Assert.Equal([1, 2], article.GetProperty("revisions").EnumerateArray().Select(r => r.GetProperty("revision").GetInt32()));
        var claim = Assert.Single(article.GetProperty("claims").EnumerateArray());
        Assert.Equal("trade_turnover:AZ+KZ:2011", claim.GetProperty("claimId").GetString());
        Assert.Equal(250_000_000m, claim.GetProperty("value").GetDecimal());
        var text = article.GetProperty("text").GetString()!;
        var evidence = claim.GetProperty("evidence");
        Assert.Equal(evidence.GetProperty("text").GetString(), text[evidence.GetProperty("start").GetInt32()..evidence.GetProperty("end").GetInt32()]);

        using var query = system.Query!.CreateClient();
        var original = await query.GetFromJsonAsync<JsonElement>($"/articles/{articleId}?revision=1");
        Assert.Equal(205_000_000m, Assert.Single(original.GetProperty("claims").EnumerateArray()).GetProperty("value").GetDecimal());
        await AssertProblemAsync(await query.GetAsync($"/articles/{articleId}?revision=3"), HttpStatusCode.NotFound, "revision 3");
    }

    [Fact]
    public async Task Sources_count_each_outlets_articles_mentions_claims_and_languages()
    {
        var source = "Count Wire " + Guid.NewGuid().ToString("N")[..6];
        await system.PostArticleAsync(Article(source, null, "2010-03-01", "Trade turnover between Azerbaijan and Kazakhstan reached 120 million USD in 2009."));
        await system.PostArticleAsync(Article(source, null, "2011-03-01", "Trade turnover between Azerbaijan and Kazakhstan reached 150 million USD in 2010."));

        var sources = await system.WaitForQueryAsync("/sources",
            list => Find(list, source) is { } s && s.GetProperty("articleCount").GetInt32() == 2, "two articles from " + source);

        var counted = Find(sources, source)!.Value;
        Assert.Equal(2, counted.GetProperty("mentionCount").GetInt32());
        Assert.Equal(2, counted.GetProperty("claimCount").GetInt32());
        Assert.Equal(["en"], counted.GetProperty("languages").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(new DateTimeOffset(2011, 3, 1, 0, 0, 0, TimeSpan.Zero), counted.GetProperty("lastPublishedAt").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, counted.GetProperty("reliability").ValueKind);

        // A third article, then its correction under another outlet's name (the article is its url): the counts move
        // with it, and the first outlet is counted as it was before the third article.
        var other = "Recount Wire " + Guid.NewGuid().ToString("N")[..6];
        var url = $"https://sources.example/{Guid.NewGuid():N}";
        await system.PostArticleAsync(Article(source, url, "2012-03-01", "Trade turnover between Azerbaijan and Kazakhstan reached 170 million USD in 2011."));
        await system.WaitForQueryAsync("/sources",
            list => Find(list, source) is { } s && s.GetProperty("claimCount").GetInt32() == 3, "a third claim from " + source);
        await system.PostArticleAsync(Article(other, url, "2012-03-02",
            "Trade turnover between Azerbaijan and Kazakhstan reached 170 million USD in 2011 and 190 million USD in 2012."));
        sources = await system.WaitForQueryAsync("/sources",
            list => Find(list, other) is { } s && s.GetProperty("mentionCount").GetInt32() == 2, "the corrected article under " + other);

        string[] counts = ["articleCount", "mentionCount", "claimCount"];
        var first = Find(sources, source)!.Value;
        Assert.Equal([2, 2, 2], counts.Select(p => first.GetProperty(p).GetInt32()));
        Assert.Equal(counted.GetProperty("lastPublishedAt").GetDateTimeOffset(), first.GetProperty("lastPublishedAt").GetDateTimeOffset());
        var moved = Find(sources, other)!.Value;
        Assert.Equal([1, 2, 2], counts.Select(p => moved.GetProperty(p).GetInt32()));

        static JsonElement? Find(JsonElement list, string name) =>
            list.GetProperty("items").EnumerateArray().Where(s => s.GetProperty("source").GetString() == name).Select(s => (JsonElement?)s).FirstOrDefault();
    }

    [Fact]
    public async Task Conflicts_list_the_values_sources_disagree_on_and_who_states_each()
    {
        const string claimId = "trade_turnover:AZ+KZ:2008";
        await system.PostArticleAsync(Article("Conflict Wire A", null, "2009-02-01", "Trade turnover between Azerbaijan and Kazakhstan reached 300 million USD in 2008, the ministry said."));
        await system.PostArticleAsync(Article("Conflict Wire B", null, "2009-02-10", "Officials in Baku put trade turnover between Azerbaijan and Kazakhstan in 2008 at 900 million USD."));

        var conflicts = await system.WaitForQueryAsync("/conflicts?pageSize=200",
            page => Conflict(page) is { } c && c.GetProperty("positions").GetArrayLength() == 2, "the conflict on " + claimId);

        var conflict = Conflict(conflicts)!.Value;
        Assert.Equal("conflicted", conflict.GetProperty("status").GetString());
        var positions = conflict.GetProperty("positions").EnumerateArray().ToList();
        Assert.Equal([300_000_000m, 900_000_000m], positions.Select(p => p.GetProperty("value").GetDecimal()).Order());
        var consensusSide = Assert.Single(positions, p => p.GetProperty("agreesWithConsensus").GetBoolean());
        Assert.Equal(conflict.GetProperty("consensus").GetProperty("value").GetDecimal(), consensusSide.GetProperty("value").GetDecimal());
        Assert.True(positions[0].GetProperty("agreesWithConsensus").GetBoolean(), "the consensus side comes first");
        Assert.Equal(["Conflict Wire A"], Sources(positions.Single(p => p.GetProperty("value").GetDecimal() == 300_000_000m)));
        Assert.Equal(["Conflict Wire B"], Sources(positions.Single(p => p.GetProperty("value").GetDecimal() == 900_000_000m)));

        static JsonElement? Conflict(JsonElement page) =>
            page.GetProperty("items").EnumerateArray().Where(c => c.GetProperty("claimId").GetString() == claimId).Select(c => (JsonElement?)c).FirstOrDefault();
        static IEnumerable<string?> Sources(JsonElement position) => position.GetProperty("sources").EnumerateArray().Select(s => s.GetString());
    }

    [Fact]
    public async Task Time_travel_by_recorded_shows_the_claim_as_the_system_knew_it_then()
    {
        const string claimId = "trade_turnover:AZ+KZ:2006";
        await system.PostArticleAsync(Article("Travel Wire A", null, "2007-03-01", "Trade turnover between Azerbaijan and Kazakhstan reached 400 million USD in 2006."));
        var known = await system.WaitForClaimAsync(claimId, c => c.GetProperty("consensus").ValueKind == JsonValueKind.Object);
        var knownAt = known.GetProperty("updatedAt").GetString()!;
        await system.PostArticleAsync(Article("Travel Wire B", null, "2007-01-15", "Trade turnover between Azerbaijan and Kazakhstan in 2006 came to 700 million USD, according to customs."));
        var now = await system.WaitForClaimAsync(claimId, c => MentionCount(c) == 2 && c.GetProperty("status").GetString() == "conflicted");

        using var query = system.Query!.CreateClient();
        var then = await query.GetFromJsonAsync<JsonElement>($"{ClaimPath(claimId)}?asOf={Uri.EscapeDataString(knownAt)}&by=recorded");

        output.WriteLine(then.ToString());
        Assert.Equal(["Travel Wire A"], then.GetProperty("mentions").EnumerateArray().Select(m => m.GetProperty("source").GetString()));
        Assert.Equal(known.GetProperty("version").GetInt64(), then.GetProperty("version").GetInt64());
        Assert.Equal(known.GetProperty("status").GetString(), then.GetProperty("status").GetString());
        Assert.Equal(400_000_000m, then.GetProperty("consensus").GetProperty("value").GetDecimal());
        Assert.Equal("recorded", then.GetProperty("asOf").GetProperty("by").GetString());
        Assert.True(now.GetProperty("version").GetInt64() > then.GetProperty("version").GetInt64());
        await AssertProblemAsync(await query.GetAsync($"{ClaimPath(claimId)}?asOf=2007-03-01&by=recorded"), HttpStatusCode.NotFound, "first recorded");

        // The history shows at every version the consensus standing then: none before the first change, then the last change's.
        var history = await query.GetFromJsonAsync<JsonElement>($"{ClaimPath(claimId)}/history");
        var versions = history.GetProperty("versions").EnumerateArray().ToList();
        var standing = "null";
        foreach (var version in versions)
        {
            var consensus = version.TryGetProperty("consensus", out var value) ? value.GetRawText() : "null";
            if (version.GetProperty("kind").GetString() == "consensus-changed")
            {
                standing = consensus;
            }

            Assert.Equal(standing, consensus);
        }

        var mentions = versions.Where(v => v.GetProperty("kind").GetString() == "mention-recorded").ToList();
        Assert.Equal(2, mentions.Count);
        Assert.Equal(JsonValueKind.Null, mentions[0].TryGetProperty("consensus", out var none) ? none.ValueKind : JsonValueKind.Null);
        Assert.Equal(400_000_000m, mentions[1].GetProperty("consensus").GetProperty("value").GetDecimal());
        Assert.Equal(now.GetProperty("consensus").GetRawText(), versions[^1].GetProperty("consensus").GetRawText());
    }

    [Fact]
    public async Task Time_travel_by_published_counts_an_article_published_earlier_but_received_later()
    {
        const string claimId = "trade_turnover:AZ+KZ:2005";
        await system.PostArticleAsync(Article("Early Wire", null, "2006-03-01", "Trade turnover between Azerbaijan and Kazakhstan reached 400 million USD in 2005."));
        await system.WaitForClaimAsync(claimId, c => MentionCount(c) == 1);
        await system.PostArticleAsync(Article("Late Wire", null, "2006-01-15", "Trade turnover between Azerbaijan and Kazakhstan in 2005 came to 700 million USD, according to customs."));
        await system.WaitForClaimAsync(claimId, c => MentionCount(c) == 2 && c.GetProperty("status").GetString() == "conflicted");

        using var query = system.Query!.CreateClient();
        var february = await query.GetFromJsonAsync<JsonElement>($"{ClaimPath(claimId)}?asOf=2006-02-01&by=published");
        output.WriteLine(february.ToString());
        var mention = Assert.Single(february.GetProperty("mentions").EnumerateArray());
        Assert.Equal("Late Wire", mention.GetProperty("source").GetString());
        Assert.Equal(1, february.GetProperty("mentionCount").GetInt32());
        var asOf = february.GetProperty("asOf");
        Assert.Equal("published", asOf.GetProperty("by").GetString());
        // The Late Wire's own version was decided with the Early Wire's mention already in (it arrived first); the
        // public record of February had only the Late Wire, and the rule decides again from that alone.
        Assert.False(asOf.GetProperty("consensusIncludesLaterArticles").GetBoolean());
        Assert.Equal(700_000_000m, february.GetProperty("consensus").GetProperty("value").GetDecimal());
        Assert.Equal("single-source", february.GetProperty("status").GetString());
        Assert.Single(february.GetProperty("positions").EnumerateArray());

        // Once both are published, the public record is what reconciliation decided.
        var march = await query.GetFromJsonAsync<JsonElement>($"{ClaimPath(claimId)}?asOf=2006-03-01&by=published");
        var now = await query.GetFromJsonAsync<JsonElement>(ClaimPath(claimId));
        Assert.Equal(2, march.GetProperty("mentions").GetArrayLength());
        Assert.Equal("conflicted", march.GetProperty("status").GetString());
        Assert.Equal(now.GetProperty("consensus").ToString(), march.GetProperty("consensus").ToString());
        var sides = march.GetProperty("positions").EnumerateArray().ToList();
        Assert.Equal(2, sides.Count);
        Assert.True(sides[0].GetProperty("agreesWithConsensus").GetBoolean());
        Assert.Equal(now.GetProperty("consensus").GetProperty("value").GetDecimal(), sides[0].GetProperty("value").GetDecimal());
        Assert.Equal(now.GetProperty("positions").ToString(), march.GetProperty("positions").ToString());

        await AssertProblemAsync(await query.GetAsync($"{ClaimPath(claimId)}?asOf=2006-01-01&by=published"), HttpStatusCode.NotFound, "published");
        await AssertProblemAsync(await query.GetAsync($"{ClaimPath(claimId)}?asOf=2006-02-01&by=recorded"), HttpStatusCode.NotFound, "recorded");
    }

    [Fact]
    public async Task The_change_stream_resumes_after_the_last_event_id_and_keeps_idle_connections_alive()
    {
        const string claimId = "trade_turnover:AZ+KZ:2004";
        var path = "/changes?claimId=" + Uri.EscapeDataString(claimId);
        using var http = new HttpClient { BaseAddress = system.Query!.Address, Timeout = Timeout.InfiniteTimeSpan };

        long lastSeen;
        using (var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            using var stream = new EventStreamReader(await response.Content.ReadAsStreamAsync());
            // The stream opens by saying where it starts, so a client that sees no change before a drop still resumes.
            var ready = await ReadUntilAsync(stream, _ => true);
            Assert.Equal("ready", ready[0].Type);
            Assert.Equal(Data(ready[0]).GetProperty("after").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture), ready[0].Id);
            await system.PostArticleAsync(Article("Stream Wire A", null, "2005-02-01", "Trade turnover between Azerbaijan and Kazakhstan reached 111 million USD in 2004."));
            var first = await ReadUntilAsync(stream, e => e.Type == "claim-changed");
            Assert.Equal(["mention-recorded", "claim-changed"], first.Select(e => e.Type));
            Assert.All(first, e => Assert.Equal(claimId, Data(e).GetProperty("claimId").GetString()));
            var changed = Data(first[^1]);
            Assert.Equal("single-source", changed.GetProperty("status").GetString());
            Assert.Equal(111_000_000m, changed.GetProperty("current").GetProperty("value").GetDecimal());
            Assert.Equal("trade_turnover", changed.GetProperty("metric").GetString());
            lastSeen = long.Parse(first[^1].Id!, System.Globalization.CultureInfo.InvariantCulture);
        }

        // While nobody listens, the claim changes again.
        await system.PostArticleAsync(Article("Stream Wire B", null, "2005-02-03", "Trade turnover between Azerbaijan and Kazakhstan in 2004 came to 999 million USD, according to customs."));
        await system.WaitForClaimAsync(claimId, c => MentionCount(c) == 2 && c.GetProperty("status").GetString() == "conflicted");

        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Last-Event-ID", lastSeen.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var resumed = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var events = new EventStreamReader(await resumed.Content.ReadAsStreamAsync());
        Assert.Equal(lastSeen.ToString(System.Globalization.CultureInfo.InvariantCulture), (await ReadUntilAsync(events, _ => true))[0].Id);
        var missed = await ReadUntilAsync(events, e => e.Type == "claim-changed" && Data(e).GetProperty("status").GetString() == "conflicted");

        Assert.All(missed, e => Assert.True(long.Parse(e.Id!, System.Globalization.CultureInfo.InvariantCulture) > lastSeen, $"event {e.Id} is not after {lastSeen}"));
        Assert.Equal("mention-recorded", missed[0].Type);
        Assert.Equal("Stream Wire B", Data(missed[0]).GetProperty("mention").GetProperty("source").GetString());
        Assert.Equal(missed.Select(e => e.Id), missed.Select(e => e.Id).Order(Comparer<string?>.Create((a, b) => long.Parse(a!, System.Globalization.CultureInfo.InvariantCulture).CompareTo(long.Parse(b!, System.Globalization.CultureInfo.InvariantCulture)))));
        Assert.Equal("single-source", Data(missed[^1]).GetProperty("previousStatus").GetString());

        // Nothing more happens to this claim: the stream stays open on heartbeat comments.
        using var quiet = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var heartbeatId = await events.CommentAsync(quiet.Token);
        Assert.NotNull(heartbeatId);
        Assert.Contains("heartbeat", events.Comments);
        // With the position the stream has scanned to, so a client resumes past what its filter skipped.
        Assert.True(long.Parse(heartbeatId, System.Globalization.CultureInfo.InvariantCulture) >= long.Parse(missed[^1].Id!, System.Globalization.CultureInfo.InvariantCulture),
            $"heartbeat id {heartbeatId} is behind the last event {missed[^1].Id}");
    }

    [Fact]
    public async Task The_openapi_document_describes_the_query_api()
    {
        using var query = system.Query!.CreateClient();
        using var response = await query.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith("3.", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/claims", "/claims/{claimPath}", "/articles/{articleId}", "/sources", "/conflicts", "/changes", "/facets" })
        {
            Assert.True(paths.TryGetProperty(path, out _), path + " is not in the OpenAPI document");
        }
        Assert.True(paths.GetProperty("/changes").GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty("text/event-stream", out _));
        Assert.Contains(paths.GetProperty("/claims").GetProperty("get").GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "sort");
    }

    [Theory]
    [InlineData("/claims?sort=loudest", HttpStatusCode.BadRequest, "sort")]
    [InlineData("/claims?page=5000", HttpStatusCode.BadRequest, "out of range")]
    [InlineData("/claims/trade_turnover%3AAZ%2BKZ%3A2024?asOf=yesterday", HttpStatusCode.BadRequest, "ISO 8601")]
    [InlineData("/claims/trade_turnover%3AAZ%2BKZ%3A2024?asOf=2025-10-01T12:00:00", HttpStatusCode.BadRequest, "offset")]
    [InlineData("/claims/trade_turnover%3AAZ%2BKZ%3A2024?asOf=2025-10-01&by=rumour", HttpStatusCode.BadRequest, "recorded")]
    [InlineData("/claims/trade_turnover%3AAZ%2BKZ%3A2024?by=published", HttpStatusCode.BadRequest, "asOf")]
    [InlineData("/claims/no-such-claim?asOf=2025-10-01", HttpStatusCode.NotFound, "no-such-claim")]
    [InlineData("/articles/no-such-article", HttpStatusCode.NotFound, "no-such-article")]
    [InlineData("/articles/no-such-article?revision=0", HttpStatusCode.BadRequest, "revision")]
    [InlineData("/conflicts?pageSize=0", HttpStatusCode.BadRequest, "pageSize")]
    [InlineData("/conflicts?page=5000", HttpStatusCode.BadRequest, "out of range")]
    [InlineData("/changes?lastEventId=yesterday", HttpStatusCode.BadRequest, "Last-Event-ID")]
    public async Task Bad_parameters_and_unknown_ids_get_problem_responses_a_person_can_act_on(string path, HttpStatusCode status, string mentioned)
    {
        using var query = system.Query!.CreateClient();
        await AssertProblemAsync(await query.GetAsync(path), status, mentioned);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string mentioned)
    {
        using (response)
        {
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
            Assert.Contains(mentioned, problem.ToString(), StringComparison.OrdinalIgnoreCase);
        }
    }

    private sealed record ArticleRequest(string Source, string? Url, string PublishedAt, string Text)
    {
        public string Language { get; init; } = "en";
        public string? Title { get; init; }
    }

    private static ArticleRequest Article(string source, string? url, string publishedAt, string text) => new(source, url, publishedAt, text);

    private static JsonElement Data(StreamEvent e) => JsonDocument.Parse(e.Data).RootElement;

    /// <summary>Events up to and including the first that satisfies <paramref name="last"/>.</summary>
    private static async Task<List<StreamEvent>> ReadUntilAsync(EventStreamReader stream, Func<StreamEvent, bool> last)
    {
        using var timeout = new CancellationTokenSource(PipelineTimeout);
        var events = new List<StreamEvent>();
        while (await stream.NextAsync(timeout.Token) is { } e)
        {
            events.Add(e);
            if (last(e))
            {
                return events;
            }
        }
        throw new TimeoutException("The stream ended or went quiet; events so far: " + string.Join(", ", events.Select(e => $"{e.Id} {e.Type}")));
    }
}
