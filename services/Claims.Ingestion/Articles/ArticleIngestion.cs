using Claims.Contracts;
using Claims.Contracts.Events;
using Claims.EventStore;

namespace Claims.Ingestion.Articles;

/// <summary>The outcome of a post: the article's id, whether it was already stored, and its claims.</summary>
public sealed record IngestionOutcome(string ArticleId, bool Duplicate, IReadOnlyList<ClaimMention> Claims);

/// <summary>
/// Stores an article and its ClaimExtracted events in one transaction. The relay publishes them later from the
/// log, so a post that was answered 202 is never lost, even when RabbitMQ is down.
/// </summary>
public sealed partial class ArticleIngestion(EventStore.EventStore store, TimeProvider time, ILogger<ArticleIngestion> logger)
{
    private const int MaxAttempts = 5;

    public async Task<IngestionOutcome> IngestAsync(SubmittedArticle article, CancellationToken ct)
    {
        var streamId = StreamIds.Article(article.ArticleId);
        for (var attempt = 1; ; attempt++)
        {
            var (state, version) = await store.AggregateStreamAsync(streamId, ArticleState.Initial, ArticleState.Evolve, ct: ct);
            var events = Article.Decide(state, article, time.GetUtcNow());
            if (events.Count == 0)
            {
                return new IngestionOutcome(article.ArticleId, Duplicate: true, [.. state.Claims.Select(claim => claim.Mention)]);
            }
            await using var session = store.OpenSession();
            session.Append(streamId, version, events.Select(e => new NewEvent(Article.EventId(e), e)), streamType: "article");
            try
            {
                await session.SaveChangesAsync(ct);
                LogStored(logger, article.ArticleId, ((ArticleReceived)events[0]).Revision, events.Count - 1);
                return new IngestionOutcome(article.ArticleId, Duplicate: false, article.Claims);
            }
            catch (ConcurrencyException) when (attempt < MaxAttempts)
            {
                // Someone stored this article at the same moment: re-read; it is most likely now a duplicate.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored article {ArticleId} revision {Revision} with {ClaimCount} claims")]
    private static partial void LogStored(ILogger logger, string articleId, int revision, int claimCount);
}
