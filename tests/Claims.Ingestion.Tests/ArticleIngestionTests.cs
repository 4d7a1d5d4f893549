using Claims.Contracts;
using Claims.Contracts.Events;
using Claims.EventStore;
using Claims.Ingestion.Articles;
using Claims.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Claims.Ingestion.Tests;

/// <summary>The group commit of posted articles on real PostgreSQL: many posts at once, each stored exactly once.</summary>
public sealed class ArticleIngestionTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();
    private EventStore.EventStore _store = null!;
    private ArticleIngestion _ingestion = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _store = new EventStore.EventStore(_database.DataSource, new EventTypeRegistry().Register(EventCatalog.ArticleStream));
        await _store.EnsureSchemaAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("Ingestion:BatchSize", "16")]).Build();
        _ingestion = new ArticleIngestion(_store, TimeProvider.System, configuration, NullLogger<ArticleIngestion>.Instance);
        await _ingestion.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _ingestion.StopAsync(CancellationToken.None);
        _ingestion.Dispose();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Articles_posted_at_once_are_each_stored_once_and_the_same_article_posted_together_is_a_duplicate_after_the_first()
    {
        // Forty articles of two claims each, and one article posted three times at the same moment, in batches of 16.
        var posts = Enumerable.Range(0, 40).Select(i => Submitted($"a{i}", $"text {i}"))
            .Concat(Enumerable.Repeat(Submitted("same", "the same text"), 3))
            .ToList();

        var outcomes = await Task.WhenAll(posts.Select(post => Task.Run(() => _ingestion.IngestAsync(post, CancellationToken.None))));

        Assert.All(outcomes.Where(o => o.ArticleId != "same"), outcome => Assert.False(outcome.Duplicate));
        Assert.Equal([false, true, true], outcomes.Where(o => o.ArticleId == "same").Select(o => o.Duplicate).Order());
        Assert.All(outcomes, outcome => Assert.Equal(2, outcome.Claims.Count));
        foreach (var articleId in posts.Select(p => p.ArticleId).Distinct())
        {
            var events = await _store.FetchStreamAsync(StreamIds.Article(articleId));
            Assert.Equal(["article.received.v1", "article.claim-extracted.v1", "article.claim-extracted.v1"], events.Select(e => e.Type));
            Assert.Equal(1, Assert.IsType<ArticleReceived>(events[0].Data).Revision);
        }
    }

    [Fact]
    public async Task A_post_that_cannot_be_stored_fails_alone_and_the_rest_of_its_batch_is_stored()
    {
        // A claim whose figure JSON cannot represent fails its own post; the others gathered with it are stored.
        var posts = Enumerable.Range(0, 10).Select(i => Submitted($"b{i}", $"text {i}")).ToList();
        posts[4] = posts[4] with { Claims = [posts[4].Claims[0] with { Confidence = double.NaN }] };

        var outcomes = await Task.WhenAll(posts.Select(post => Task.Run(async () =>
        {
            try
            {
                return (Outcome: (IngestionOutcome?)await _ingestion.IngestAsync(post, CancellationToken.None), Failed: false);
            }
            catch (ArgumentException)
            {
                return (Outcome: (IngestionOutcome?)null, Failed: true);
            }
        })));

        Assert.Equal([4], Enumerable.Range(0, 10).Where(i => outcomes[i].Failed));
        Assert.Empty(await _store.FetchStreamAsync(StreamIds.Article("b4")));
        Assert.Equal(3, (await _store.FetchStreamAsync(StreamIds.Article("b5"))).Count);
    }

    private static SubmittedArticle Submitted(string articleId, string text) => new(
        articleId, "hash-" + text, "Kazinform", "https://example.org/" + articleId, null, new DateTimeOffset(2025, 10, 24, 0, 0, 0, TimeSpan.Zero), "ru", text,
        [.. new[] { 470, 533 }.Select(millions => new ClaimMention
        {
            ClaimId = $"trade_turnover:AZ+KZ:2024:{millions}",
            Metric = "trade_turnover",
            Subjects = ["AZ", "KZ"],
            Period = "2024",
            Value = millions * 1_000_000m,
            Unit = "USD",
            Qualifier = Qualifiers.Exact,
            Evidence = new Evidence { Text = text, Start = 0, End = text.Length },
            Confidence = 0.9,
        })]);
}
