using Claims.Contracts;
using Claims.Contracts.Events;
using Claims.EventStore;
using Claims.Query.Articles;
using Claims.Query.Sources;
using Xunit;

namespace Claims.Query.Tests;

/// <summary>
/// The outlets' counts, kept batch by batch by the articles projection on real PostgreSQL, must always equal what
/// counting every outlet from scratch gives (<see cref="SourcesReadModel.RefreshAll"/>): through new articles,
/// corrections that move an article to another outlet or language, claims read from older revisions, and events
/// delivered twice.
/// </summary>
public sealed class SourcesReadModelTests : IAsyncLifetime
{
    private static readonly string[] Outlets = ["outlet-a", "outlet-b", "outlet-c", "outlet-d", "outlet-e"];
    private static readonly string[] Languages = ["ru", "kk", "en"];

    // The outlets and their tallies of claims and languages (those at zero left out: counting from scratch keeps none).
    private const string ReadModel = """
        SELECT 'sources ' || source || ' articles=' || article_count || ' mentions=' || mention_count || ' claims=' || claim_count
               || ' languages=' || languages::text || ' first=' || to_char(first_published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')
               || ' last=' || to_char(last_published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')
               || ' seen=' || to_char(last_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')
        FROM query.sources
        UNION ALL SELECT 'claims ' || source || ' ' || claim_id || '=' || mentions FROM query.source_claims WHERE mentions <> 0
        UNION ALL SELECT 'languages ' || source || ' ' || language || '=' || articles FROM query.source_languages WHERE articles <> 0
        """;

    private readonly ProjectedReadModel _model = new(ArticlesProjection.Schema + SourcesReadModel.Schema, store => new ArticlesProjection(store));

    public Task InitializeAsync() => _model.InitializeAsync();

    public Task DisposeAsync() => _model.DisposeAsync();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Counts_kept_batch_by_batch_equal_counts_from_scratch_after_every_batch(int seed)
    {
        var feed = new Feed(new Random(seed));
        await _model.AssertKeptAsCountedFromScratchAsync(feed.NextBatch, ReadModel, batches: 80, $"seed {seed}");

        // The scenario must have exercised what it is about: outlets that lost articles, and several of them counted.
        Assert.True(feed.Moves > 0, "no correction moved an article to another outlet");
        Assert.True((await _model.RowsAsync(ReadModel)).Count(row => row.StartsWith("sources ", StringComparison.Ordinal)) >= 3);
    }

    [Fact]
    public async Task An_outlet_whose_only_article_moves_away_disappears_and_its_claims_leave_with_it()
    {
        var feed = new Feed(new Random(0));
        var article = feed.NewArticle("outlet-a", "ru", day: 3);
        await _model.ApplyAsync([article, feed.Mention(article, "claim-1"), feed.Mention(article, "claim-2")]);
        Assert.Contains(await _model.RowsAsync(ReadModel),
            row => row.StartsWith("sources outlet-a articles=1 mentions=2 claims=2 languages={ru} first=2025-01-04 last=2025-01-04 ", StringComparison.Ordinal));

        var corrected = feed.Correction(article, "outlet-b", "en");
        await _model.ApplyAsync([corrected, feed.Mention(corrected, "claim-1")]);

        var rows = await _model.RowsAsync(ReadModel);
        Assert.DoesNotContain(rows, row => row.Contains("outlet-a", StringComparison.Ordinal));
        Assert.Contains(rows,
            row => row.StartsWith("sources outlet-b articles=1 mentions=1 claims=1 languages={en} first=2025-01-04 last=2025-01-04 ", StringComparison.Ordinal));
    }

    /// <summary>
    /// A random newsroom feed: new articles, corrections (half of them to another outlet, some to another language),
    /// mentions of a dozen claims read from the current revision or an older one, and events delivered again.
    /// </summary>
    private sealed class Feed(Random random)
    {
        private readonly List<ArticleReceived> _current = [];
        private readonly List<StoredEvent> _delivered = [];
        private long _sequence;

        public int Moves { get; private set; }

        public IReadOnlyList<StoredEvent> NextBatch()
        {
            var events = new List<StoredEvent>();
            var size = random.Next(1, 7);
            while (events.Count < size)
            {
                var roll = random.NextDouble();
                if (_current.Count == 0 || roll < 0.25)
                {
                    events.Add(NewArticle(Outlets[random.Next(Outlets.Length)], Languages[random.Next(Languages.Length)], random.Next(0, 300)));
                }
                else if (roll < 0.40)
                {
                    var article = _current[random.Next(_current.Count)];
                    var moves = random.NextDouble() < 0.5;
                    events.Add(Correction(
                        Stored(article),
                        moves ? Outlets[random.Next(Outlets.Length)] : article.Source,
                        random.NextDouble() < 0.3 ? Languages[random.Next(Languages.Length)] : article.Language));
                }
                else if (roll < 0.90)
                {
                    var article = _current[random.Next(_current.Count)];
                    var revision = article.Revision > 1 && random.NextDouble() < 0.2 ? random.Next(1, article.Revision) : article.Revision;
                    events.Add(Mention(article.ArticleId, revision, article, $"claim-{random.Next(1, 13)}"));
                }
                else if (_delivered.Count > 0)
                {
                    events.Add(_delivered[random.Next(_delivered.Count)]);
                }
            }

            return events;
        }

        public StoredEvent NewArticle(string outlet, string language, int day) => Received(new ArticleReceived
        {
            ArticleId = $"article-{_sequence + 1}",
            Revision = 1,
            ContentHash = $"hash-{_sequence + 1}",
            Source = outlet,
            PublishedAt = Feeds.Start.AddDays(day),
            Language = language,
            Text = "text",
            ReceivedAt = Feeds.Start.AddMinutes(_sequence),
        });

        public StoredEvent Correction(StoredEvent article, string outlet, string language)
        {
            var before = (ArticleReceived)article.Data!;
            var latest = _current.Single(a => a.ArticleId == before.ArticleId);
            Moves += outlet == latest.Source ? 0 : 1;
            return Received(latest with
            {
                Revision = latest.Revision + 1,
                ContentHash = $"hash-{_sequence + 1}",
                Source = outlet,
                Language = language,
                ReceivedAt = Feeds.Start.AddMinutes(_sequence),
            });
        }

        public StoredEvent Mention(StoredEvent article, string claimId)
        {
            var received = (ArticleReceived)article.Data!;
            return Mention(received.ArticleId, received.Revision, received, claimId);
        }

        private StoredEvent Stored(ArticleReceived article) => _delivered.Last(e => e.Data is ArticleReceived a && a.ArticleId == article.ArticleId);

        private StoredEvent Mention(string articleId, int revision, ArticleReceived article, string claimId) => Append(articleId, EventAliases.ClaimExtracted, new ClaimExtracted
        {
            MentionId = Guid.NewGuid(),
            Article = new SourceArticle { ArticleId = articleId, Revision = revision, Source = article.Source, PublishedAt = article.PublishedAt, Language = article.Language },
            Mention = Feeds.Mention(claimId),
        });

        private StoredEvent Received(ArticleReceived article)
        {
            _current.RemoveAll(a => a.ArticleId == article.ArticleId);
            _current.Add(article);
            return Append(article.ArticleId, EventAliases.ArticleReceived, article);
        }

        private StoredEvent Append(string articleId, string type, object data)
        {
            var stored = ProjectedReadModel.Stored(++_sequence, $"article-{articleId}", _sequence, type, data);
            _delivered.Add(stored);
            return stored;
        }
    }
}
