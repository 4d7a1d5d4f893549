using Claims.Contracts;
using Claims.Reconciliation.Origins;
using Claims.Testing;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace Claims.Reconciliation.Tests;

/// <summary>The incremental origin refresh on real PostgreSQL: it must end where grouping all articles at once ends.</summary>
public sealed class ArticleFigureStoreTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();
    private ArticleFigureStore _store = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        await using (var command = _database.DataSource.CreateCommand(ArticleFigureStore.Schema))
        {
            await command.ExecuteNonQueryAsync();
        }
        _store = new ArticleFigureStore(_database.DataSource);
    }

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task A_refresh_that_reaches_a_group_through_a_member_keeps_the_group_with_its_earliest_article()
    {
        // o is the original; b reprints its three figures and adds a fourth; x repeats only b's fourth sentence.
        // o-b share most figures, b-x share a sentence, o-x share nothing: one origin, named o, the earliest.
        await RecordAsync("o", day: 0, (1, "one"), (2, "two"), (3, "three"));
        await RecordAsync("b", day: 1, (1, "one, reprinted"), (2, "two, reprinted"), (3, "three, reprinted"), (9, "nine"));
        // x's refresh finds b, whose group is named after o: o has no row of its own (an origin names itself) and
        // must still be counted, or b and x would be split off as a group of their own.
        await RecordAsync("x", day: 2, (9, "nine"));

        var expected = OriginGrouping.Group([Figures("o", 0, 1, 2, 3), Figures("b", 1, 1, 2, 3, 9), Figures("x", 2, 9)]);
        Assert.Equal("o", expected["x"]);
        Assert.Equal(expected["b"], await OriginAsync("b"));
        Assert.Equal(expected["x"], await OriginAsync("x"));
    }

    [Fact]
    public async Task A_group_re_rooted_by_an_earlier_article_moves_all_its_members()
    {
        // n reprints one sentence of m: one origin, named m.
        await RecordAsync("m", day: 5, (4, "four"), (5, "five"), (6, "six"), (7, "seven"));
        await RecordAsync("n", day: 6, (7, "seven"));
        Assert.Equal("m", await OriginAsync("n"));

        // An earlier article shares most of m's figures and nothing with n: m's whole group, n included, is now
        // named after it, although e's refresh only finds m (which, naming its group, has no row of its own).
        await RecordAsync("e", day: 1, (4, "four first"), (5, "five first"), (6, "six first"));

        Assert.Equal("e", await OriginAsync("m"));
        Assert.Equal("e", await OriginAsync("n"));
    }

    [Fact]
    public async Task Articles_refreshed_in_one_batch_end_where_grouping_them_all_at_once_ends()
    {
        // The same articles as above, all recorded and refreshed in one unit of work, in an order that puts the
        // reprint before its original and the group's earliest article last.
        await RecordTogetherAsync(
            ("x", 2, [(9, "nine")]),
            ("b", 1, [(1, "one, reprinted"), (2, "two, reprinted"), (3, "three, reprinted"), (9, "nine")]),
            ("n", 6, [(7, "seven")]),
            ("m", 5, [(4, "four"), (5, "five"), (6, "six"), (7, "seven")]),
            ("o", 0, [(1, "one"), (2, "two"), (3, "three")]),
            ("e", 1, [(4, "four first"), (5, "five first"), (6, "six first")]));

        Assert.Equal(["o", "o", "o"], [await OriginAsync("o"), await OriginAsync("b"), await OriginAsync("x")]);
        Assert.Equal(["e", "e", "e"], [await OriginAsync("e"), await OriginAsync("m"), await OriginAsync("n")]);
    }

    [Fact]
    public async Task A_corrected_reprint_that_no_longer_repeats_its_original_leaves_the_group()
    {
        await RecordAsync("o", day: 0, (1, "one"), (2, "two"), (3, "three"));
        await RecordAsync("b", day: 1, (1, "one, reprinted"), (2, "two, reprinted"), (3, "three, reprinted"));
        Assert.Equal("o", await OriginAsync("b"));

        // Revision 2 of b keeps none of o's figures: b was seen before, so its group is recomputed, and split.
        await RecordAsync("b", day: 1, revision: 2, (7, "seven"));

        Assert.Equal("b", await OriginAsync("b"));
        Assert.Equal("o", await OriginAsync("o"));
    }

    [Fact]
    public async Task A_corrected_article_is_measured_by_its_current_revision_alone()
    {
        // x's first text states ten figures, its correction three; y states those three among eight. Three shared
        // figures are all of the corrected x (the smaller article): one origin. Counted with x's retired figures,
        // x would seem to have thirteen, and three of eight would not be enough.
        await RecordAsync("x", day: 0, [.. Enumerable.Range(10, 10).Select(v => ((decimal)v, $"first text, {v}"))]);
        await RecordAsync("x", day: 0, revision: 2, (1, "corrected, one"), (2, "corrected, two"), (3, "corrected, three"));
        await RecordAsync("y", day: 1, [.. Enumerable.Range(1, 8).Select(v => ((decimal)v, $"y's own, {v}"))]);

        Assert.Equal("x", await OriginAsync("y"));
    }

    [Fact]
    public async Task A_later_revision_retires_the_figures_of_the_earlier_one_and_names_the_claims_that_count_them()
    {
        var first = Mentions.InClaim(Mentions.Of("r", 5_000_000m), "claim-old");
        await using var connection = await _database.DataSource.OpenConnectionAsync();
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            Assert.Empty((await _store.RecordAsync(connection, transaction, [first], CancellationToken.None)).Outdated);
            await transaction.CommitAsync();
        }

        var corrected = Mentions.InClaim(Mentions.Of("r", 6_000_000m, revision: 2), "claim-new");
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            var recorded = await _store.RecordAsync(connection, transaction, [corrected, corrected], CancellationToken.None);
            await transaction.CommitAsync();
            Assert.Equal([new OutdatedRevision("claim-old", "r", 2)], recorded.Outdated);
            Assert.Equal(["r"], recorded.ArticlesSeenBefore);
        }

        await using var retired = _database.DataSource.CreateCommand("SELECT mention_id, retracted FROM reconciliation.article_figures ORDER BY revision");
        await using var reader = await retired.ExecuteReaderAsync();
        var rows = new List<(Guid, bool)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetGuid(0), reader.GetBoolean(1)));
        }
        Assert.Equal([(first.MentionId, true), (corrected.MentionId, false)], rows);
    }

    [Fact]
    public async Task Each_instance_counts_the_figures_the_others_committed_and_none_of_a_unit_of_work_rolled_back()
    {
        // A unit of work that rolls back: its figures must never be counted, here or elsewhere.
        await RecordMentionsAsync(MentionsOf("ghost", 0, (1, "g one"), (2, "g two"), (3, "g three")), commit: false);
        await RecordAsync("o", day: 1, (1, "one"), (2, "two"), (3, "three"));

        // A second instance: its first unit of work reads what the first committed, and finds the translation's original.
        var other = new ArticleFigureStore(_database.DataSource);
        await RecordMentionsAsync(MentionsOf("t", 2, (1, "uno"), (2, "dos"), (3, "tres")), other);
        Assert.Equal("o", await OriginAsync("t"));
        Assert.Equal(3, other.IndexedFigures);

        // And the first instance reads the second's: before recording a third article it holds o's figures and t's.
        await RecordAsync("u", day: 3, (1, "eins"), (2, "zwei"), (3, "drei"), (4, "vier"), (5, "funf"), (6, "sechs"));
        Assert.Equal(6, _store.IndexedFigures);
        Assert.Equal("o", await OriginAsync("u"));
        Assert.Equal("ghost", await OriginAsync("ghost"));
    }

    [Fact]
    public async Task Any_articles_arriving_in_any_batches_end_in_the_groups_of_grouping_them_all_at_once()
    {
        // The candidates query counts shared figures as a multiset and matches sentences in SQL, apart from
        // OriginGrouping's C#; this holds the two to one answer. Few values, so that articles share figures (repeated
        // ones too) and chain into groups; sentences mostly their own, so that shares decide more often than reprinted
        // sentences do. Mentions of one article may arrive in different batches, which takes the regrouping path as
        // well as the joining one; one article in four is corrected, its two revisions' mentions arriving in any order.
        var scenarios =
            from articleCount in Gen.Choose(2, 8)
            from articles in Gen.CollectToList(Enumerable.Range(1, articleCount), i =>
                from day in Gen.Choose(0, 3)
                from revisions in Gen.Frequency((3, Gen.Constant(1)), (1, Gen.Constant(2)))
                from texts in Gen.ListOf(
                    from figureCount in Gen.Choose(1, 7)
                    from figures in Gen.ListOf(Gen.Zip(Gen.Choose(1, 6), Gen.Frequency((6, Gen.Constant($"a{i}'s own")), (1, Gen.Elements("reprinted", "quoted")))), figureCount)
                    select figures.Select(f => (Value: f.Item1, Sentence: f.Item2)).ToList(), revisions)
                select (Id: $"a{i}", Day: day, Revisions: texts))
            from arrivals in Gen.Shuffle(articles.SelectMany(a => a.Revisions.SelectMany((figures, r) => figures.Select((_, index) => (Article: a, Revision: r + 1, Index: index)))))
            from sizes in Gen.ListOf(Gen.Choose(1, 12), arrivals.Length)
            select (Articles: articles, Arrivals: arrivals, Sizes: sizes);

        var reprints = 0;
        foreach (var (articles, arrivals, sizes) in scenarios.Sample(60))
        {
            await using (var reset = _database.DataSource.CreateCommand("TRUNCATE reconciliation.article_figures, reconciliation.article_origins"))
            {
                await reset.ExecuteNonQueryAsync();
            }
            // A store's figure index follows the table's changes; a truncation is none, so each case starts a new store.
            _store = new ArticleFigureStore(_database.DataSource);
            var mentions = arrivals.Select(arrival =>
            {
                var (value, sentence) = arrival.Article.Revisions[arrival.Revision - 1][arrival.Index];
                var mention = Mentions.Of(arrival.Article.Id, value * 1_000_000m, day: arrival.Article.Day, revision: arrival.Revision);
                var text = $"{sentence} sentence stating {value}";
                return mention with
                {
                    MentionId = EventStore.DeterministicGuid.Create(arrival.Article.Id, $"{arrival.Revision}/{arrival.Index}"),
                    Mention = mention.Mention with { Evidence = new Evidence { Text = text, Start = 0, End = text.Length } },
                };
            }).ToList();
            var taken = 0;
            foreach (var size in sizes.TakeWhile(_ => taken < mentions.Count))
            {
                await RecordMentionsAsync(mentions.Skip(taken).Take(size).ToList());
                taken += size;
            }
            await RecordMentionsAsync(mentions.Skip(taken).ToList());

            var expected = OriginGrouping.Group([.. articles.Select(a => new ArticleFigures(a.Id, Mentions.Of(a.Id, 1m, day: a.Day).Article.PublishedAt,
                [.. a.Revisions[^1].Select(f => new Figure(f.Value * 1_000_000m, "USD", OriginGrouping.EvidenceKey($"{f.Sentence} sentence stating {f.Value}")))]))]);
            reprints += expected.Count(grouped => grouped.Key != grouped.Value);
            foreach (var article in articles)
            {
                Assert.True(expected[article.Id] == await OriginAsync(article.Id),
                    $"{article.Id} should count in {expected[article.Id]}; articles: " +
                    string.Join("; ", articles.Select(a => $"{a.Id} day {a.Day}: {string.Join(" | revision: ", a.Revisions.Select(r => string.Join(" ", r.Select(f => $"{f.Value} ({f.Sentence})"))))}")) +
                    $"; batches of {string.Join(", ", sizes)}");
            }
        }
        // The cases must exercise the relation, not only articles standing alone.
        Assert.True(reprints > 20, $"only {reprints} articles were grouped with another in all cases");
    }

    [Fact]
    public async Task An_article_whose_mentions_arrive_over_several_batches_joins_no_group_it_would_leave_once_all_have_arrived()
    {
        // Articles of common figures, each one's mentions spread over the batches in any order: after every batch, two
        // articles in one group must be so in the groups of all the articles at once. Measured by the figures seen
        // so far, a part of an article matched any article stating those few (a benchmark saw one join 342 articles
        // into one group, and every claim of them be decided again when its other mentions split the group up).
        var random = new Random(20261123);
        var transient = 0;
        for (var round = 0; round < 40; round++)
        {
            await using (var reset = _database.DataSource.CreateCommand("TRUNCATE reconciliation.article_figures, reconciliation.article_origins"))
            {
                await reset.ExecuteNonQueryAsync();
            }
            _store = new ArticleFigureStore(_database.DataSource);
            // Most figures are a few common values (round percentages), the others an article's own.
            var articles = Enumerable.Range(0, random.Next(3, 9)).Select(i => (Id: $"a{i}", Day: random.Next(3),
                Figures: Enumerable.Range(0, random.Next(1, 13)).Select(_ => random.Next(5) < 3 ? random.Next(1, 5) : 1_000 + random.Next(1_000)).ToList())).ToList();
            var mentions = articles.SelectMany(a => a.Figures.Select((value, index) =>
            {
                var mention = Mentions.Of(a.Id, value * 1_000_000m, day: a.Day);
                var text = $"{a.Id} states {value} ({index})";
                return mention with
                {
                    MentionId = EventStore.DeterministicGuid.Create(a.Id, index.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    Article = mention.Article with { MentionCount = a.Figures.Count },
                    Mention = mention.Mention with { Evidence = new Evidence { Text = text, Start = 0, End = text.Length } },
                };
            })).OrderBy(_ => random.Next()).ToList();
            var final = OriginGrouping.Group([.. articles.Select(a => new ArticleFigures(a.Id, Mentions.Of(a.Id, 1m, day: a.Day).Article.PublishedAt,
                [.. a.Figures.Select((value, index) => new Figure(value * 1_000_000m, "USD", OriginGrouping.EvidenceKey($"{a.Id} states {value} ({index})")))]))]);

            for (var taken = 0; taken < mentions.Count;)
            {
                var size = random.Next(1, 6);
                await RecordMentionsAsync(mentions.Skip(taken).Take(size).ToList());
                taken += size;
                var now = new Dictionary<string, string>();
                foreach (var article in articles)
                {
                    now[article.Id] = await OriginAsync(article.Id);
                }
                foreach (var a in articles)
                {
                    foreach (var b in articles.Where(b => now[b.Id] == now[a.Id]))
                    {
                        Assert.True(final[a.Id] == final[b.Id],
                            $"{a.Id} and {b.Id} count as one origin after {taken} of {mentions.Count} mentions, but not once all have arrived; articles: "
                            + string.Join("; ", articles.Select(x => $"{x.Id}: {string.Join(" ", x.Figures)}")));
                    }
                }
            }
            transient += articles.Count(a => final[a.Id] != a.Id);
        }
        // The cases must group articles in the end, or they prove nothing about groups formed too early.
        Assert.True(transient > 10, $"only {transient} articles were grouped with another in all cases");
    }

    private Task RecordAsync(string articleId, int day, params (decimal Value, string Sentence)[] figures) =>
        RecordTogetherAsync((articleId, day, figures));

    private Task RecordAsync(string articleId, int day, int revision, params (decimal Value, string Sentence)[] figures) =>
        RecordTogetherAsync(revision, (articleId, day, figures));

    private Task RecordTogetherAsync(params (string ArticleId, int Day, (decimal Value, string Sentence)[] Figures)[] articles) =>
        RecordTogetherAsync(1, articles);

    /// <summary>Records the articles' figures and refreshes their origins in one unit of work, as one batch of mentions.</summary>
    private async Task RecordTogetherAsync(int revision, params (string ArticleId, int Day, (decimal Value, string Sentence)[] Figures)[] articles)
    {
        var mentions = articles.SelectMany(a => a.Figures.Select(f =>
        {
            var mention = Mentions.Of(a.ArticleId, f.Value * 1_000_000m, day: a.Day, revision: revision);
            return mention with { Mention = mention.Mention with { Evidence = new Evidence { Text = f.Sentence, Start = 0, End = f.Sentence.Length } } };
        })).ToList();
        await RecordMentionsAsync(mentions);
    }

    /// <summary>Records mentions and refreshes their articles' origins in one unit of work, as reconciliation does with a batch.</summary>
    private async Task RecordMentionsAsync(IReadOnlyCollection<ClaimExtracted> mentions, ArticleFigureStore? store = null, bool commit = true)
    {
        if (mentions.Count == 0)
        {
            return;
        }
        store ??= _store;
        await using var connection = await _database.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var recorded = await store.RecordAsync(connection, transaction, mentions, CancellationToken.None);
        var articles = mentions.Select(m => m.Article.ArticleId).Distinct().ToList();
        await store.RefreshOriginsAsync(connection, transaction, articles, recorded, OriginOptions.Default, CancellationToken.None);
        if (commit)
        {
            await transaction.CommitAsync();
        }
    }

    private static List<ClaimExtracted> MentionsOf(string articleId, int day, params (decimal Value, string Sentence)[] figures) =>
    [
        .. figures.Select(f =>
        {
            var mention = Mentions.Of(articleId, f.Value * 1_000_000m, day: day);
            return mention with { Mention = mention.Mention with { Evidence = new Evidence { Text = f.Sentence, Start = 0, End = f.Sentence.Length } } };
        }),
    ];

    /// <summary>The origin group an article counts in now (its own id until it is recognised as a reprint).</summary>
    private async Task<string> OriginAsync(string articleId)
    {
        await using var command = _database.DataSource.CreateCommand("SELECT origin_id FROM reconciliation.article_origins WHERE article_id = $1");
        command.Parameters.Add(new() { Value = articleId });
        return await command.ExecuteScalarAsync() as string ?? articleId;
    }

    private static ArticleFigures Figures(string articleId, int day, params decimal[] millions) => new(
        articleId,
        new DateTimeOffset(2025, 10, 1, 0, 0, 0, TimeSpan.Zero).AddDays(day),
        [.. millions.Select(m => new Figure(m * 1_000_000m, "USD", OriginGrouping.EvidenceKey(SentenceOf(articleId, m))))]);

    private static string SentenceOf(string articleId, decimal millions) => (articleId, millions) switch
    {
        ("o", 1) => "one", ("o", 2) => "two", ("o", 3) => "three",
        ("b", 1) => "one, reprinted", ("b", 2) => "two, reprinted", ("b", 3) => "three, reprinted",
        (_, 9) => "nine",
        _ => throw new ArgumentOutOfRangeException(nameof(millions)),
    };
}
