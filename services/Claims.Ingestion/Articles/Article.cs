using System.Collections.Immutable;
using Claims.Contracts;
using Claims.Contracts.Events;

namespace Claims.Ingestion.Articles;

/// <summary>An article as posted, validated and with its claims extracted: the command of <see cref="Article.Decide"/>.</summary>
public sealed record SubmittedArticle(
    string ArticleId,
    string ContentHash,
    string Source,
    string? Url,
    string? Title,
    DateTimeOffset PublishedAt,
    string Language,
    string Text,
    IReadOnlyList<ClaimMention> Claims);

/// <summary>What an article stream says now: its latest revision and that revision's claims.</summary>
public sealed record ArticleState(int Revision, string? ContentHash, ImmutableList<ClaimExtracted> Claims)
{
    public static readonly ArticleState Initial = new(0, null, []);

    public static ArticleState Evolve(ArticleState state, object @event) => @event switch
    {
        ArticleReceived received => new ArticleState(received.Revision, received.ContentHash, []),
        ClaimExtracted claim => state with { Claims = state.Claims.Add(claim) },
        _ => state,
    };
}

/// <summary>The pure decisions about an article stream.</summary>
public static class Article
{
    /// <summary>
    /// Nothing when the same text was already stored (a duplicate post); otherwise a new revision: the first post
    /// is revision 1, a correction (same url, new text) the next one, and its claims replace the old revision's.
    /// </summary>
    public static IReadOnlyList<object> Decide(ArticleState state, SubmittedArticle article, DateTimeOffset now)
    {
        if (state.ContentHash == article.ContentHash)
        {
            return [];
        }
        var revision = state.Revision + 1;
        var received = new ArticleReceived
        {
            ArticleId = article.ArticleId,
            Revision = revision,
            ContentHash = article.ContentHash,
            Source = article.Source,
            Url = article.Url,
            Title = article.Title,
            PublishedAt = article.PublishedAt,
            Language = article.Language,
            Text = article.Text,
            ReceivedAt = now,
        };
        var mentions = article.Claims.DistinctBy(mention => MentionId(article.ArticleId, revision, mention)).ToList();
        return [received, .. mentions.Select(mention => ToClaimExtracted(article, revision, mention, mentions.Count))];
    }

    /// <summary>The event id of each event <see cref="Decide"/> returns: natural ids make a re-append a no-op.</summary>
    public static Guid EventId(object @event) => @event switch
    {
        ArticleReceived received => EventStore.DeterministicGuid.Create("article", received.ArticleId, received.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ClaimExtracted claim => claim.MentionId,
        _ => throw new ArgumentException($"Not an article event: {@event.GetType().Name}", nameof(@event)),
    };

    /// <summary>A mention's id: the same article revision, claim and evidence always give the same id.</summary>
    public static Guid MentionId(string articleId, int revision, ClaimMention mention) =>
        EventStore.DeterministicGuid.Create(
            "mention",
            articleId,
            revision.ToString(System.Globalization.CultureInfo.InvariantCulture),
            mention.ClaimId,
            mention.Evidence.Start.ToString(System.Globalization.CultureInfo.InvariantCulture),
            mention.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
            mention.Qualifier);

    private static ClaimExtracted ToClaimExtracted(SubmittedArticle article, int revision, ClaimMention mention, int mentionCount) => new()
    {
        MentionId = MentionId(article.ArticleId, revision, mention),
        Article = new SourceArticle
        {
            ArticleId = article.ArticleId,
            Revision = revision,
            Source = article.Source,
            Url = article.Url,
            PublishedAt = article.PublishedAt,
            Language = article.Language,
            MentionCount = mentionCount,
        },
        Mention = mention,
    };
}
