using Claims.Contracts;
using Claims.Contracts.Events;
using Claims.EventStore;
using Claims.Query.Articles;
using Claims.Query.Sources;
using Claims.Testing;
using Npgsql;
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
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly PostgresDatabase _database = new();
    private ArticlesProjection _projection = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        await using (var command = _database.DataSource.CreateCommand("CREATE SCHEMA query;\n" + ArticlesProjection.Schema + SourcesReadModel.Schema))
        {
            await command.ExecuteNonQueryAsync();
        }

        _projection = new ArticlesProjection(new EventStore.EventStore(_database.DataSource, new EventTypeRegistry()));
    }

    public Task DisposeAsync() => _database.DisposeAsync();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Counts_kept_batch_by_batch_equal_counts_from_scratch_after_every_batch(int seed)
    {
        var feed = new Feed(new Random(seed));
        for (var batch = 0; batch < 80; batch++)
        {
            await ApplyAsync(feed.NextBatch());

            var kept = await ReadModelAsync(recountFirst: false);
            var recounted = await ReadModelAsync(recountFirst: true);
            Assert.True(kept.SequenceEqual(recounted),
                $"seed {seed}, batch {batch}: kept\n{string.Join('\n', kept)}\nfrom scratch\n{string.Join('\n', recounted)}");
        }

        // The scenario must have exercised what it is about: outlets that lost articles, and several of them counted.
        Assert.True(feed.Moves > 0, "no correction moved an article to another outlet");
        Assert.True((await ReadModelAsync(recountFirst: false)).Count(row => row.StartsWith("sources ", StringComparison.Ordinal)) >= 3);
    }

    [Fact]
    public async Task An_outlet_whose_only_article_moves_away_disappears_and_its_claims_leave_with_it()
    {
        var feed = new Feed(new Random(0));
        var article = feed.NewArticle("outlet-a", "ru", day: 3);
        await ApplyAsync([article, feed.Mention(article, "claim-1"), feed.Mention(article, "claim-2")]);
        Assert.Contains(await ReadModelAsync(recountFirst: false), row => row.StartsWith("sources outlet-a articles=1 mentions=2 claims=2 languages={ru} first=2025-01-04 last=2025-01-04 ", StringComparison.Ordinal));

        var corrected = feed.Correction(article, "outlet-b", "en");
        await ApplyAsync([corrected, feed.Mention(corrected, "claim-1")]);

        var rows = await ReadModelAsync(recountFirst: false);
        Assert.DoesNotContain(rows, row => row.Contains("outlet-a", StringComparison.Ordinal));
        Assert.Contains(rows, row => row.StartsWith("sources outlet-b articles=1 mentions=1 claims=1 languages={en} first=2025-01-04 last=2025-01-04 ", StringComparison.Ordinal));
    }

    private async Task ApplyAsync(IReadOnlyList<StoredEvent> events)
    {
        await using var connection = await _database.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await _projection.ApplyAsync(new ProjectionBatch(events, connection, transaction), CancellationToken.None);
        await transaction.CommitAsync();
    }

    /// <summary>The outlets and their per-claim and per-language tallies (those at zero left out) as text rows; with <paramref name="recountFirst"/>, as counted from scratch (then rolled back).</summary>
    private async Task<List<string>> ReadModelAsync(bool recountFirst)
    {
        await using var connection = await _database.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        if (recountFirst)
        {
            await using var recount = new NpgsqlCommand(SourcesReadModel.RefreshAll, connection, transaction);
            await recount.ExecuteNonQueryAsync();
        }

        var rows = new List<string>();
        await using (var sources = new NpgsqlCommand(
            """
            SELECT 'sources ' || source || ' articles=' || article_count || ' mentions=' || mention_count || ' claims=' || claim_count
                   || ' languages=' || languages::text || ' first=' || to_char(first_published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')
                   || ' last=' || to_char(last_published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')
                   || ' seen=' || to_char(last_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')
            FROM query.sources ORDER BY source
            """, connection, transaction))
        await using (var reader = await sources.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add(reader.GetString(0));
            }
        }

        await using (var claims = new NpgsqlCommand(
            """
            SELECT 'claims ' || source || ' ' || claim_id || '=' || mentions FROM query.source_claims WHERE mentions <> 0
            UNION ALL
            SELECT 'languages ' || source || ' ' || language || '=' || articles FROM query.source_languages WHERE articles <> 0
            ORDER BY 1
            """, connection, transaction))
        await using (var reader = await claims.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add(reader.GetString(0));
            }
        }

        await transaction.RollbackAsync();
        return rows;
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
            PublishedAt = Start.AddDays(day),
            Language = language,
            Text = "text",
            ReceivedAt = Start.AddMinutes(_sequence),
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
                ReceivedAt = Start.AddMinutes(_sequence),
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
            Mention = new ClaimMention
            {
                ClaimId = claimId,
                Metric = "trade-turnover",
                Subjects = ["AZ", "KZ"],
                Value = 470_000_000m,
                Unit = "USD",
                Qualifier = Qualifiers.Exact,
                Evidence = new Evidence { Text = "470 million", Start = 0, End = 11 },
                Confidence = 0.9,
            },
        });

        private StoredEvent Received(ArticleReceived article)
        {
            _current.RemoveAll(a => a.ArticleId == article.ArticleId);
            _current.Add(article);
            return Append(article.ArticleId, EventAliases.ArticleReceived, article);
        }

        private StoredEvent Append(string articleId, string type, object data)
        {
            _sequence++;
            var stored = new StoredEvent(_sequence, (ulong)_sequence, Guid.NewGuid(), $"article-{articleId}", _sequence, type, data,
                new Dictionary<string, string>(), Start.AddMinutes(_sequence));
            _delivered.Add(stored);
            return stored;
        }
    }
}
