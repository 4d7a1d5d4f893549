using Claims.Contracts;
using Claims.Contracts.Events;
using Claims.Ingestion.Articles;
using Xunit;

namespace Claims.Ingestion.Tests;

public sealed class ArticleTests
{
    private static readonly DateTimeOffset s_now = new(2025, 10, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_new_article_is_revision_one_with_one_event_per_claim()
    {
        var events = Article.Decide(ArticleState.Initial, Submitted("text one", 470), s_now);

        var received = Assert.IsType<ArticleReceived>(events[0]);
        Assert.Equal(1, received.Revision);
        var claim = Assert.IsType<ClaimExtracted>(Assert.Single(events.Skip(1)));
        Assert.Equal(1, claim.Article.Revision);
        Assert.Equal(claim.MentionId, Article.EventId(claim));
    }

    [Fact]
    public void The_same_text_again_is_a_duplicate()
    {
        var state = Fold(Article.Decide(ArticleState.Initial, Submitted("text one", 470), s_now));

        Assert.Empty(Article.Decide(state, Submitted("text one", 470), s_now));
    }

    [Fact]
    public void A_different_text_is_the_next_revision_with_new_mention_ids()
    {
        var first = Article.Decide(ArticleState.Initial, Submitted("text one", 470), s_now);
        var second = Article.Decide(Fold(first), Submitted("text two", 480), s_now);

        Assert.Equal(2, Assert.IsType<ArticleReceived>(second[0]).Revision);
        Assert.NotEqual(((ClaimExtracted)first[1]).MentionId, ((ClaimExtracted)second[1]).MentionId);
        Assert.NotEqual(Article.EventId(first[0]), Article.EventId(second[0]));
    }

    [Fact]
    public void Mention_ids_are_stable_across_retries()
    {
        var once = Article.Decide(ArticleState.Initial, Submitted("text one", 470), s_now);
        var again = Article.Decide(ArticleState.Initial, Submitted("text one", 470), s_now.AddMinutes(1));

        Assert.Equal(once.Select(Article.EventId), again.Select(Article.EventId));
    }

    [Fact]
    public void Every_mention_says_how_many_distinct_mentions_its_revision_has()
    {
        // Reconciliation may receive an article's mentions over several batches: each tells it the article's size.
        var submitted = Submitted("text one", 470);
        var other = submitted.Claims[0] with { Value = 533_000_000m, Evidence = new Evidence { Text = "text one", Start = 1, End = 8 } };
        var events = Article.Decide(ArticleState.Initial, submitted with { Claims = [submitted.Claims[0], submitted.Claims[0], other] }, s_now);

        var claims = events.OfType<ClaimExtracted>().ToList();
        Assert.Equal(2, claims.Count);
        Assert.All(claims, claim => Assert.Equal(2, claim.Article.MentionCount));
    }

    private static ArticleState Fold(IEnumerable<object> events) => events.Aggregate(ArticleState.Initial, ArticleState.Evolve);

    private static SubmittedArticle Submitted(string text, int millions) => new(
        "u0123", "hash-" + text, "Kazinform", "https://example.org/a", null, s_now.AddDays(-1), "ru", text,
        [new ClaimMention
        {
            ClaimId = "trade_turnover:AZ+KZ:2024",
            Metric = "trade_turnover",
            Subjects = ["AZ", "KZ"],
            Period = "2024",
            Value = millions * 1_000_000m,
            Unit = "USD",
            Qualifier = Qualifiers.Exact,
            Evidence = new Evidence { Text = text, Start = 0, End = text.Length },
            Confidence = 0.9,
        }]);
}
