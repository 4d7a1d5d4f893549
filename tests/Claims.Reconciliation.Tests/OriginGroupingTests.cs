using Claims.Reconciliation.Origins;
using Xunit;

namespace Claims.Reconciliation.Tests;

public sealed class OriginGroupingTests
{
    private static readonly DateTimeOffset s_day = new(2025, 10, 18, 0, 0, 0, TimeSpan.Zero);

    // The interview's figures, as the Russian reprint (000), the Kazakh original (001) and the later analysis (004) state them.
    private static readonly (decimal, string)[] s_interview =
        [(470_000_000m, "USD"), (547_000_000m, "USD"), (225_000_000m, "USD"), (136_000_000m, "USD"), (3_500_000m, "t"), (20m, "%"), (1_500_000m, "t"), (250m, "count")];

    [Fact]
    public void A_translation_and_a_later_analysis_repeating_its_figures_are_one_origin()
    {
        var russian = Article("000", s_interview, "Объем товарооборота составил 470 млн долларов", 0);
        var kazakh = Article("001", s_interview, "Тауар айналымы 470 млн долларды құрады", 0);
        var analysis = Article("004", [.. s_interview, (15_000_000m, "t"), (3m, "x")], "Товарооборот в 2024 году составил 470 млн долларов", 3);
        var other = Article("002", [(533_000_000m, "USD"), (1_500_000m, "t"), (1_000_000_000m, "USD"), (85m, "%"), (50m, "%")], "более 533 млн", -36);

        var origins = OriginGrouping.Group([russian, kazakh, analysis, other]);

        Assert.Equal(origins["000"], origins["001"]);
        Assert.Equal(origins["000"], origins["004"]);
        Assert.Equal("002", origins["002"]);
        // Named by the earliest article (ties by id).
        Assert.Equal("000", origins["004"]);
    }

    [Fact]
    public void One_shared_figure_in_the_same_sentence_is_a_reprint()
    {
        const string sentence = "Trade turnover between Azerbaijan and Kazakhstan reached 470 million USD in 2024, the ministry said.";
        var original = Article("a", [(470_000_000m, "USD")], sentence, 0);
        var reprint = Article("b", [(470_000_000m, "USD"), (5m, "%")], "— " + sentence.ToUpperInvariant().Replace(",", "", StringComparison.Ordinal), 1);
        var independent = Article("c", [(470_000_000m, "USD")], "Kazakhstan's statistics bureau puts 2024 trade with Azerbaijan at 470 million dollars.", 2);

        var origins = OriginGrouping.Group([original, reprint, independent]);

        Assert.Equal("a", origins["b"]);
        Assert.Equal("c", origins["c"]);
    }

    [Fact]
    public void Grouping_does_not_depend_on_the_order_articles_are_given_in()
    {
        var articles = new[]
        {
            Article("x", s_interview, "one", 2),
            Article("y", s_interview[..5], "two", 0),
            Article("z", s_interview[3..], "three", 1),
            Article("w", [(1m, "t")], "four", 0),
        };

        var expected = OriginGrouping.Group(articles);
        foreach (var order in new[] { articles.Reverse().ToArray(), [articles[2], articles[0], articles[3], articles[1]] })
        {
            Assert.Equal(expected.OrderBy(p => p.Key), OriginGrouping.Group(order).OrderBy(p => p.Key));
        }
        Assert.Equal("y", expected["x"]);
    }

    [Fact]
    public void An_article_seen_in_part_is_measured_by_the_figures_it_declared()
    {
        // h states 13 figures; the first three seen are common ones that p (8 figures) states too.
        var p = Article("p", [.. Enumerable.Range(1, 8).Select(i => ((decimal)i, "%"))], "p's sentence", 0);
        var partial = Article("h", [(1m, "%"), (2m, "%"), (3m, "%")], "h's sentence", 1);

        // Measured by its three figures seen, h would share all of them with p: one origin, until the rest arrived.
        Assert.Equal("p", OriginGrouping.Group([p, partial])["h"]);
        Assert.Equal("h", OriginGrouping.Group([p, partial with { DeclaredSize = 13 }])["h"]);
        var whole = Article("h", [(1m, "%"), (2m, "%"), (3m, "%"), .. Enumerable.Range(100, 10).Select(i => ((decimal)i, "%"))], "h's sentence", 1);
        Assert.Equal("h", OriginGrouping.Group([p, whole with { DeclaredSize = 13 }])["h"]);
    }

    [Fact]
    public void Articles_seen_in_part_with_their_declared_sizes_are_grouped_within_the_groups_of_the_whole_articles()
    {
        // Most figures are a few common values (round percentages), the others an article's own; what has been seen
        // of an article is the first of its figures, as its mentions arrive in order.
        var random = new Random(20261123);
        var split = 0;
        for (var round = 0; round < 1_000; round++)
        {
            var whole = Enumerable.Range(0, random.Next(2, 9)).Select(i => Article(
                $"a{i}",
                [.. Enumerable.Range(0, random.Next(1, 13)).Select(_ => (random.Next(5) < 3 ? random.Next(1, 5) : 1_000m + random.Next(1_000), "%"))],
                random.Next(6) == 0 ? "shared" : $"a{i}'s",
                random.Next(3))).ToList();
            var parts = whole.Select(a => a with { Figures = [.. a.Figures.Take(random.Next(1, a.Figures.Count + 1))], DeclaredSize = a.Figures.Count }).ToList();

            var final = OriginGrouping.Group(whole);
            var partly = OriginGrouping.Group(parts);
            foreach (var a in whole)
            {
                foreach (var b in whole.Where(b => partly[b.ArticleId] == partly[a.ArticleId]))
                {
                    Assert.Equal(final[a.ArticleId], final[b.ArticleId]);
                }
            }
            // Measured by what was seen, some parts would have been grouped against the whole articles' answer.
            var undeclared = OriginGrouping.Group([.. parts.Select(a => a with { DeclaredSize = null })]);
            split += whole.Count(a => whole.Any(b => undeclared[b.ArticleId] == undeclared[a.ArticleId] && final[a.ArticleId] != final[b.ArticleId])) > 0 ? 1 : 0;
        }
        Assert.True(split > 20, $"only {split} cases of 1,000 would have grouped parts wrongly without declared sizes");
    }

    private static ArticleFigures Article(string id, (decimal Value, string Unit)[] figures, string evidence, int day) =>
        new(id, s_day.AddDays(day), [.. figures.Select(f => new Figure(f.Value, f.Unit, OriginGrouping.EvidenceKey(evidence)))]);
}
