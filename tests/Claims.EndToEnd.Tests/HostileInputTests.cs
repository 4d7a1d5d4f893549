using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Claims.SeedLoader;
using Claims.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Claims.EndToEnd.Tests;

/// <summary>
/// The ingestion service as a real process, alone on its own database and vhost, plus a second instance with a
/// tiny rate limit: what anyone on the network may send it.
/// </summary>
public sealed class IngestionUnderAttack : IAsyncLifetime
{
    public static readonly string ReadKey = "read-" + Guid.NewGuid().ToString("N");

    public PostgresDatabase Database { get; } = new();

    public RabbitMqVirtualHost Broker { get; } = new();

    public ServiceProcess Ingestion { get; private set; } = null!;

    /// <summary>Three requests of burst and one a second, for keyed and anonymous clients alike.</summary>
    public ServiceProcess Throttled { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Task.WhenAll(Database.InitializeAsync(), Broker.InitializeAsync());
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = Database.ConnectionString,
            ["ConnectionStrings__RabbitMq"] = Broker.Address.ToString(),
            ["Security__ReadApiKeys__reader"] = ReadKey,
        };
        Ingestion = ServiceProcess.Start("Claims.Ingestion", environment);
        Throttled = ServiceProcess.Start("Claims.Ingestion", new Dictionary<string, string>(environment)
        {
            ["Security__RateLimit__PermitsPerSecond"] = "1",
            ["Security__RateLimit__Burst"] = "3",
            ["Security__RateLimit__AnonymousPermitsPerSecond"] = "1",
            ["Security__RateLimit__AnonymousBurst"] = "2",
        });
        await Task.WhenAll(Ingestion.WaitUntilReadyAsync(TimeSpan.FromSeconds(120)), Throttled.WaitUntilReadyAsync(TimeSpan.FromSeconds(120)));
    }

    /// <summary>Every event in the log: what "stores nothing" is checked against.</summary>
    public async Task<long> CountEventsAsync()
    {
        await using var command = Database.DataSource.CreateCommand("SELECT count(*) FROM events.events");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async Task DisposeAsync()
    {
        await Ingestion.DisposeAsync();
        await Throttled.DisposeAsync();
        await Broker.DisposeAsync();
        await Database.DisposeAsync();
    }
}

/// <summary>Issue 6, bad input and security: hostile bodies, keys, rate limits and a fuzzer, against the real process.</summary>
public sealed class HostileInputTests(IngestionUnderAttack system, ITestOutputHelper output) : IClassFixture<IngestionUnderAttack>
{
    private const int MaxArticleBytes = 2_000_000;

    public static TheoryData<string, string, HttpStatusCode> HostileBodies => new()
    {
        { "malformed JSON", "{not json", HttpStatusCode.BadRequest },
        { "a JSON array", "[1,2,3]", HttpStatusCode.BadRequest },
        { "JSON null", "null", HttpStatusCode.BadRequest },
        { "an empty body", "", HttpStatusCode.BadRequest },
        { "no source", Article(source: null), HttpStatusCode.BadRequest },
        { "an impossible date", Article(publishedAt: "2021-13-45"), HttpStatusCode.BadRequest },
        { "a date in the future", Article(publishedAt: "2999-01-01"), HttpStatusCode.BadRequest },
        { "an unknown language", Article(language: "fr"), HttpStatusCode.BadRequest },
        { "a javascript: url", Article(url: "javascript:alert(1)"), HttpStatusCode.BadRequest },
        { "a megabyte of digits", Article(text: new string('1', 1_000_000)), HttpStatusCode.BadRequest },
        { "Chinese text", Article(text: "2024年阿塞拜疆与哈萨克斯坦的贸易额达到4.7亿美元。"), HttpStatusCode.BadRequest },
        { "text with NUL bytes", Article(text: "Exports\u0000 reached 5 million USD in 2020."), HttpStatusCode.BadRequest },
        { "html that is only scripts and styles", Article(text: null, html: "<script>alert('470 million USD')</script><style>p{}</style>"), HttpStatusCode.BadRequest },
        { "both text and html", Article(html: "<p>Exports reached 5 million USD in 2020.</p>"), HttpStatusCode.BadRequest },
        // 1.4 MB of JSON: the HTML parser takes quadratic time on nesting (8 s for 40,000 <div>s), so it stops early.
        { "html nested 100,000 deep", Article(text: null, html: string.Concat(Enumerable.Repeat("<div>", 100_000)) + "Exports reached 5 million USD in 2020."), HttpStatusCode.BadRequest },
        { "JSON nested 10,000 deep", new string('[', 10_000) + new string(']', 10_000), HttpStatusCode.BadRequest },
        { "an object nested 10,000 deep", string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000), HttpStatusCode.BadRequest },
        { "a source of 10,000 characters", Article(source: new string('S', 10_000)), HttpStatusCode.BadRequest },
    };

    [Theory]
    [MemberData(nameof(HostileBodies))]
    public async Task A_hostile_body_gets_a_problem_response_stores_nothing_and_leaves_the_service_healthy(string what, string body, HttpStatusCode expected)
    {
        using var response = await PostAsync("/articles", new StringContent(body, Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, expected, what);
    }

    [Fact]
    public async Task Binary_junk_and_invalid_utf8_get_a_problem_response_and_store_nothing()
    {
        var random = new Random(6);
        var junk = new byte[64 * 1024];
        random.NextBytes(junk);
        var invalidUtf8 = Encoding.UTF8.GetBytes(Article()).Select(b => b == (byte)'E' ? (byte)0xC3 : b).ToArray();

        foreach (var (what, bytes) in new[] { ("64 KB of random bytes", junk), ("invalid UTF-8 inside a string", invalidUtf8) })
        {
            using var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await PostAsync("/articles", content);
            await AssertProblemAsync(response, HttpStatusCode.BadRequest, what);
        }
    }

    [Fact]
    public async Task Wrong_content_types_get_415()
    {
        foreach (var mediaType in new[] { "text/plain", "application/x-www-form-urlencoded", "text/html" })
        {
            using var response = await PostAsync("/articles", new StringContent(Article(), Encoding.UTF8, mediaType));
            await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, mediaType);
        }
    }

    [Fact]
    public async Task Bodies_over_the_documented_limit_get_413_whether_or_not_they_declare_their_length()
    {
        var oversized = Article(text: "Exports reached 5 million USD in 2020. " + new string('x', MaxArticleBytes));
        var before = await system.CountEventsAsync();
        using var client = system.Ingestion.CreateClient();

        // With Expect: 100-continue (what a client should send with a large body) the refusal comes before the upload;
        // without it the service answers 413 at once and closes the connection rather than read megabytes it refuses.
        using (var declared = new HttpRequestMessage(HttpMethod.Post, "/articles") { Content = Json(oversized) })
        {
            declared.Headers.ExpectContinue = true;
            using var response = await client.SendAsync(declared);
            await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "Content-Length over the limit");
        }

        // Chunked: the size is only known while reading, and Kestrel's limit must still end in a problem response.
        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(Article(text: new string('x', MaxArticleBytes - 60)))));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/articles") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using var streamed = await client.SendAsync(request);
        await AssertProblemAsync(streamed, HttpStatusCode.RequestEntityTooLarge, "a chunked body over the limit");
        Assert.Equal(before, await system.CountEventsAsync());
    }

    [Fact]
    public async Task Html_scripts_are_dropped_before_extraction()
    {
        var article = JsonSerializer.Serialize(new
        {
            source = "Test Wire",
            publishedAt = "2025-02-01",
            html = "<p>Trade turnover between Azerbaijan and Kazakhstan reached 470 million USD in 2024.</p>"
                + "<script>document.write('Trade turnover between Azerbaijan and Kazakhstan reached 999 million USD in 2024.')</script>",
        });
        using var client = system.Ingestion.CreateClient();

        using var response = await client.PostAsync("/extract", new StringContent(article, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var claims = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("claims").EnumerateArray().ToList();
        Assert.Contains(claims, c => c.GetProperty("value").GetDecimal() == 470_000_000m);
        Assert.DoesNotContain(claims, c => c.GetProperty("value").GetDecimal() == 999_000_000m);
    }

    [Fact]
    public async Task Writing_needs_a_write_key_and_reading_is_open()
    {
        var before = await system.CountEventsAsync();
        using var anonymous = system.Ingestion.CreateAnonymousClient();
        using var wrongKey = system.Ingestion.CreateAnonymousClient();
        wrongKey.DefaultRequestHeaders.Add(TestEnvironment.ApiKeyHeader, TestEnvironment.ApiKey + "x");
        using var readKey = system.Ingestion.CreateAnonymousClient();
        readKey.DefaultRequestHeaders.Add(TestEnvironment.ApiKeyHeader, IngestionUnderAttack.ReadKey);

        using (var response = await anonymous.PostAsync("/articles", Json(Article())))
        {
            Assert.Equal("ApiKey header=\"X-Api-Key\"", response.Headers.WwwAuthenticate.ToString());
            await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "no key");
        }
        using (var response = await wrongKey.PostAsync("/articles", Json(Article())))
        {
            await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "a wrong key");
        }
        using (var response = await readKey.PostAsync("/articles", Json(Article())))
        {
            await AssertProblemAsync(response, HttpStatusCode.Forbidden, "a read-only key");
        }
        Assert.Equal(before, await system.CountEventsAsync());

        using (var response = await anonymous.PostAsync("/extract", Json(Article())))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        using var writer = system.Ingestion.CreateClient();
        using var written = await writer.PostAsync("/articles", Json(Article(text: "Exports reached 6 million USD in 2020.")));
        Assert.Equal(HttpStatusCode.Accepted, written.StatusCode);
        Assert.True(await system.CountEventsAsync() > before);
    }

    [Fact]
    public async Task Each_client_gets_its_own_budget_and_429_with_retry_after_when_it_is_spent()
    {
        using var keyed = system.Throttled.CreateClient();
        using var anonymous = system.Throttled.CreateAnonymousClient();

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 8 && refused is null; i++)
        {
            var response = await keyed.PostAsync("/extract", Json(Article()));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused = response;
            }
            else
            {
                response.Dispose();
            }
        }

        Assert.NotNull(refused);
        using (refused)
        {
            Assert.True(statuses.Count(s => s == HttpStatusCode.OK) >= 3, string.Join(", ", statuses));
            Assert.True(int.TryParse(refused.Headers.GetValues("Retry-After").Single(), out var seconds) && seconds >= 1);
            await AssertProblemAsync(refused, HttpStatusCode.TooManyRequests, "the spent budget");
        }
        // Another client still has its budget, and probes are never throttled.
        using (var other = await anonymous.PostAsync("/extract", Json(Article())))
        {
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        }
        for (var i = 0; i < 10; i++)
        {
            using var probe = await anonymous.GetAsync("/health/live");
            Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        }
    }

    [Fact]
    public async Task Thousands_of_mutated_seed_articles_never_get_a_500_and_every_accepted_one_is_stored()
    {
        const int mutations = 3_000;
        const int randomSeed = 20261121;
        var seeds = SeedCatalog.Load(Path.Combine(TestEnvironment.RepositoryRoot, "seeds"));
        var fuzzer = new ArticleFuzzer(seeds, randomSeed);
        var bodies = Enumerable.Range(0, mutations).Select(fuzzer.Next).ToList();
        using var client = system.Ingestion.CreateClient();
        var accepted = new System.Collections.Concurrent.ConcurrentDictionary<string, byte>();
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<HttpStatusCode, int>();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();

        await Parallel.ForEachAsync(Enumerable.Range(0, mutations), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var path = i % 3 == 0 ? "/extract" : "/articles";
            using var content = new ByteArrayContent(bodies[i]);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            HttpResponseMessage response;
            try
            {
                response = await client.PostAsync(path, content, ct);
            }
            catch (HttpRequestException e)
            {
                failures.Enqueue($"mutation {i} ({path}, {bodies[i].Length} bytes): {e.Message}");
                return;
            }
            using var _ = response;
            statuses.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
            var text = await response.Content.ReadAsStringAsync(ct);
            if ((int)response.StatusCode >= 500 || (!response.IsSuccessStatusCode && response.Content.Headers.ContentType?.MediaType != "application/problem+json"))
            {
                failures.Enqueue($"mutation {i} ({path}): {(int)response.StatusCode} {text[..Math.Min(300, text.Length)]}");
            }
            else if (response.StatusCode == HttpStatusCode.Accepted)
            {
                accepted.TryAdd(JsonDocument.Parse(text).RootElement.GetProperty("articleId").GetString()!, 0);
            }
        });

        output.WriteLine($"random seed {randomSeed}: " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{(int)s.Key}×{s.Value}")));
        if (!failures.IsEmpty)
        {
            output.WriteLine(system.Ingestion.Output);
        }
        Assert.Empty(failures);
        Assert.True(accepted.Count > mutations / 10, $"only {accepted.Count} mutations were accepted: the fuzzer should keep many articles valid");
        Assert.True(statuses.GetValueOrDefault(HttpStatusCode.BadRequest) > mutations / 20, "the fuzzer should also break many articles");
        await using var stored = system.Database.DataSource.CreateCommand(
            "SELECT count(DISTINCT stream_id) FROM events.events WHERE stream_id = ANY($1)");
        stored.Parameters.Add(new Npgsql.NpgsqlParameter { Value = accepted.Keys.Select(id => "article-" + id).ToArray() });
        Assert.Equal(accepted.Count, (long)(await stored.ExecuteScalarAsync())!);
        await AssertHealthyAsync();
    }

    private async Task<HttpResponseMessage> PostAsync(string path, HttpContent content)
    {
        using var client = system.Ingestion.CreateClient();
        var before = await system.CountEventsAsync();
        var response = await client.PostAsync(path, content);
        Assert.Equal(before, await system.CountEventsAsync());
        return response;
    }

    /// <summary>A problem response a person can act on: the status, RFC 7807 JSON with a title, and nothing internal.</summary>
    private async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected, string what)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{what}: expected {(int)expected}, got {(int)response.StatusCode} {body[..Math.Min(500, body.Length)]}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        foreach (var leak in new[] { "   at ", "Exception", "Npgsql", "SELECT ", "INSERT ", "/work/", ".cs:line", "Claims." })
        {
            Assert.DoesNotContain(leak, body, StringComparison.Ordinal);
        }
        await AssertHealthyAsync();
    }

    private async Task AssertHealthyAsync()
    {
        using var client = system.Ingestion.CreateAnonymousClient();
        using var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static string Article(
        string? source = "Test Wire", string? publishedAt = "2021-02-01", string? language = null, string? url = null,
        string? text = "Exports reached 5 million USD in 2020.", string? html = null) =>
        JsonSerializer.Serialize(new { source, publishedAt, language, url, text, html });
}
