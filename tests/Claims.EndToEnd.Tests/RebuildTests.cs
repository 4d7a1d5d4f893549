using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Claims.SeedLoader;
using Claims.Testing;
using Npgsql;
using Xunit;
using Xunit.Abstractions;
using static Claims.Testing.ClaimsSystemApi;

namespace Claims.EndToEnd.Tests;

/// <summary>
/// The query service's <c>rebuild</c> command against the running system, as an operator runs it: the read models are
/// rebuilt from the log into fresh tables while readers and writers go on, then switched to.
/// </summary>
public sealed class RebuildTests(ClaimsSystem system, ITestOutputHelper output) : IClassFixture<ClaimsSystem>
{
    private const string TradeTurnover2024 = "trade_turnover:AZ+KZ:2024";
    private const string OilTransit = "oil_transit:AZ+KZ:na:KZ->AZ";

    [Fact]
    public async Task A_rebuild_under_reads_serves_every_request_and_restores_damaged_read_models_without_touching_the_change_feed()
    {
        var seedArticles = await PostSeedsAsync();
        await system.WaitForClaimAsync(TradeTurnover2024, c => c.GetProperty("status").GetString() == "conflicted" && MentionCount(c) >= 4);
        await system.WaitForClaimAsync(OilTransit, c => c.GetProperty("status").GetString() == "corroborated");
        using var query = system.Query!.CreateClient();
        string[] compared =
        [
            ClaimPath(TradeTurnover2024), ClaimPath(TradeTurnover2024) + "/history", ClaimPath(OilTransit), ClaimPath(OilTransit) + "/history",
            .. seedArticles.Select(id => "/articles/" + id),
        ];
        var before = await SettledAsync(query, compared);
        var sourcesBefore = await SeedSourcesAsync(query, seedArticles);
        var (changesBefore, lastChangeBefore) = await ChangeFeedAsync();

        // What a rebuild is for: read models that no longer match the log (a bug fixed since, a bad migration).
        await ExecuteAsync("UPDATE query.claims SET status = 'damaged', mention_count = 0; UPDATE query.claim_history SET status = 'damaged'; DELETE FROM query.sources");

        var failures = new ConcurrentQueue<string>();
        var reads = 0;
        using var stopReading = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            using var reader = system.Query!.CreateClient();
            while (!stopReading.IsCancellationRequested)
            {
                foreach (var path in compared.Append("/claims?pageSize=50").Append("/sources").Append("/conflicts"))
                {
                    using var response = await reader.GetAsync(path, CancellationToken.None);
                    if (!response.IsSuccessStatusCode)
                    {
                        failures.Enqueue($"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    }

                    Interlocked.Increment(ref reads);
                }
            }
        })).ToList();
        var reportPath = Path.Combine(Path.GetTempPath(), $"claims-rebuild-{Guid.NewGuid():N}.json");
        var (exitCode, printed) = await ServiceProcess.RunCommandAsync(
            "Claims.Query", ["rebuild", "--batch-size", "50", "--report", reportPath], system.Environment, TimeSpan.FromMinutes(3));
        await stopReading.CancelAsync();
        await Task.WhenAll(readers);
        output.WriteLine(printed);

        Assert.True(exitCode == 0, printed);
        Assert.True(failures.IsEmpty, string.Join('\n', failures.Take(5)));
        Assert.True(reads > 20, $"only {reads} reads ran beside the rebuild");
        using (var report = JsonDocument.Parse(await File.ReadAllTextAsync(reportPath)))
        {
            var projections = report.RootElement.GetProperty("projections").EnumerateArray().ToList();
            Assert.Equal(["query-claims", "query-articles", "query-source-reliability"], projections.Select(p => p.GetProperty("projection").GetString()));
            Assert.All(projections, p => Assert.True(p.GetProperty("events").GetInt64() > 0));
            Assert.True(report.RootElement.GetProperty("eventsPerSecond").GetDouble() > 0);
        }

        // The rebuilt models are what the damaged ones were before the damage.
        Assert.Equal(before, await ReadAllAsync(query, compared));
        Assert.Equal(sourcesBefore, await SeedSourcesAsync(query, seedArticles));
        var claims = await query.GetFromJsonAsync<JsonElement>("/claims?pageSize=200");
        Assert.DoesNotContain(claims.GetProperty("items").EnumerateArray(), c => c.GetProperty("status").GetString() == "damaged");

        // The live projections go on with the new tables.
        await system.PostArticleAsync(new
        {
            source = "Rebuild Wire",
            publishedAt = "2004-05-01",
            language = "en",
            text = "Trade turnover between Azerbaijan and Kazakhstan reached 61 million USD in 2003.",
        });
        await system.WaitForClaimAsync("trade_turnover:AZ+KZ:2003", c => MentionCount(c) == 1);

        // The feed kept its rows and ids (a rebuild neither clears nor rewrites it); only the new article's changes came after.
        var (changesAfter, _) = await ChangeFeedAsync();
        Assert.Equal(changesBefore, changesAfter.Where(change => change.Id <= lastChangeBefore).ToList());
        Assert.Contains(changesAfter, change => change.Id > lastChangeBefore && change.ClaimId == "trade_turnover:AZ+KZ:2003");

        // Nothing of the rebuild is left: its schema, its checkpoints.
        Assert.Equal(0L, await ScalarAsync<long>(
            "SELECT (SELECT count(*) FROM pg_namespace WHERE nspname = 'query_rebuild') + (SELECT count(*) FROM events.progress WHERE name LIKE '%@rebuild%')"));
    }

    private async Task<List<string>> PostSeedsAsync()
    {
        using var ingestion = system.Ingestion!.CreateClient();
        var poster = new SeedPoster(ingestion);
        var articles = new List<string>();
        foreach (var seed in SeedCatalog.Load(Path.Combine(TestEnvironment.RepositoryRoot, "seeds")))
        {
            var result = await poster.PostAsync(seed);
            Assert.True(result.Accepted, $"{seed.File}: {result.Error}");
            articles.Add(result.ArticleId!);
        }

        return articles;
    }

    /// <summary>
    /// The bodies once reconciliation has nothing left to say: no event appended for longer than its reliability
    /// interval (5 s), and the query projections past the last one.
    /// </summary>
    private async Task<List<string>> SettledAsync(HttpClient query, IReadOnlyList<string> paths)
    {
        var quietFor = TimeSpan.FromSeconds(6);
        var last = await ScalarAsync<long>("SELECT coalesce(max(seq), 0) FROM events.events");
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            await Task.Delay(quietFor);
            var now = await ScalarAsync<long>("SELECT coalesce(max(seq), 0) FROM events.events");
            if (now == last)
            {
                break;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, "reconciliation kept appending events for 90 s after the seeds");
            last = now;
        }

        await Eventually.HoldsAsync(async () => await ScalarAsync<long>(
            $"SELECT count(*) FROM events.progress WHERE name LIKE 'query-%' AND seq < {last}") == 0, "the query projections catch up");
        return await ReadAllAsync(query, paths);
    }

    private static async Task<List<string>> ReadAllAsync(HttpClient query, IEnumerable<string> paths)
    {
        var bodies = new List<string>();
        foreach (var path in paths)
        {
            bodies.Add($"{path}: {await query.GetStringAsync(path)}");
        }

        return bodies;
    }

    /// <summary>The <c>/sources</c> entries of the outlets that published the seeds.</summary>
    private static async Task<List<string>> SeedSourcesAsync(HttpClient query, IEnumerable<string> seedArticles)
    {
        var outlets = new HashSet<string>();
        foreach (var article in seedArticles)
        {
            outlets.Add((await query.GetFromJsonAsync<JsonElement>("/articles/" + article)).GetProperty("source").GetString()!);
        }

        var sources = await query.GetFromJsonAsync<JsonElement>("/sources");
        return [.. sources.GetProperty("items").EnumerateArray().Where(s => outlets.Contains(s.GetProperty("source").GetString()!)).Select(s => s.ToString())];
    }

    private sealed record Change(long Id, string ClaimId, long Version, string Kind);

    private async Task<(List<Change> Changes, long LastId)> ChangeFeedAsync()
    {
        await using var command = system.Database.DataSource.CreateCommand("SELECT id, claim_id, version, kind FROM query.changes ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync();
        var changes = new List<Change>();
        while (await reader.ReadAsync())
        {
            changes.Add(new Change(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3)));
        }

        return (changes, changes.Count == 0 ? 0 : changes[^1].Id);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = system.Database.DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = system.Database.DataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
