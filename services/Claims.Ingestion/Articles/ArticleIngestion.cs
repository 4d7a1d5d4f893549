using System.Threading.Channels;
using Claims.Contracts;
using Claims.Contracts.Events;
using Claims.EventStore;
using Npgsql;

namespace Claims.Ingestion.Articles;

/// <summary>The outcome of a post: the article's id, whether it was already stored, and its claims.</summary>
public sealed record IngestionOutcome(string ArticleId, bool Duplicate, IReadOnlyList<ClaimMention> Claims);

/// <summary>
/// Stores each article with its ClaimExtracted events before its post is answered. The relay publishes them later
/// from the log, so a post that was answered 202 is never lost, even when RabbitMQ is down.
/// </summary>
/// <remarks>
/// A group commit: each post hands its article here and waits; one loop stores whatever has gathered since its last
/// transaction (up to <c>Ingestion:BatchSize</c> articles) in one read of their streams and one transaction. Alone,
/// an article waits for nobody; under load, a transaction per post had been a sixth of the database's time in its
/// events insert alone, plus a commit, a notification and a log read by each of the log's readers per post. The same
/// article posted twice at once goes into the next batch, after the first, and so is found a duplicate. A batch that
/// fails for a reason other than an outage is stored again one article at a time, so that only the post at fault fails.
/// </remarks>
public sealed partial class ArticleIngestion(EventStore.EventStore store, TimeProvider time, IConfiguration configuration, ILogger<ArticleIngestion> logger)
    : BackgroundService
{
    private const int MaxAttempts = 5;

    private readonly Channel<Waiting> _waiting = Channel.CreateUnbounded<Waiting>(new UnboundedChannelOptions { SingleReader = true });
    private readonly int _batchSize = configuration.GetValue("Ingestion:BatchSize", 64);

    /// <summary>Completes once the article is stored with its claims (or was already).</summary>
    public Task<IngestionOutcome> IngestAsync(SubmittedArticle article, CancellationToken ct)
    {
        // Captured here: the batch is stored by the loop, outside this request's span.
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        EventHeaders.AddTraceContext(headers);
        var waiting = new Waiting(article, headers, new TaskCompletionSource<IngestionOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_waiting.Writer.TryWrite(waiting))
        {
            throw new OperationCanceledException("Ingestion is stopping; post the article again.");
        }
        // A post that gives up (the client left) leaves its article to be stored or not: posting it again is safe either way.
        return waiting.Stored.Task.WaitAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Waiting>(_batchSize);
        var next = new List<Waiting>();
        try
        {
            while (next.Count > 0 || await _waiting.Reader.WaitToReadAsync(stoppingToken))
            {
                var deferred = new List<Waiting>();
                var articles = new HashSet<string>(StringComparer.Ordinal);
                foreach (var waiting in next)
                {
                    (articles.Add(waiting.Article.ArticleId) ? batch : deferred).Add(waiting);
                }
                while (batch.Count < _batchSize && _waiting.Reader.TryRead(out var arrived))
                {
                    (articles.Add(arrived.Article.ArticleId) ? batch : deferred).Add(arrived);
                }
                await StoreAsync(batch, stoppingToken);
                batch.Clear();
                next = deferred;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            _waiting.Writer.TryComplete();
            var stopped = new OperationCanceledException("Ingestion stopped before storing the article; post it again.");
            foreach (var waiting in batch.Concat(next))
            {
                waiting.Stored.TrySetException(stopped);
            }
            while (_waiting.Reader.TryRead(out var left))
            {
                left.Stored.TrySetException(stopped);
            }
        }
    }

    private async Task StoreAsync(IReadOnlyList<Waiting> batch, CancellationToken ct)
    {
        try
        {
            var outcomes = await StoreTogetherAsync(batch, ct);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Stored.TrySetResult(outcomes[i]);
            }
        }
        catch (Exception e) when (batch.Count > 1 && !IsOutage(e) && !ct.IsCancellationRequested)
        {
            LogIsolating(logger, batch.Count, e);
            foreach (var waiting in batch)
            {
                await StoreAsync([waiting], ct);
            }
        }
        catch (Exception e)
        {
            // Nothing escapes: an exception out of the loop would stop the service. Each post answers with it (an
            // outage as 503).
            foreach (var waiting in batch)
            {
                waiting.Stored.TrySetException(e);
            }
        }
    }

    /// <summary>Decides every article of the batch on one read of their streams and stores them in one transaction.</summary>
    private async Task<IngestionOutcome[]> StoreTogetherAsync(IReadOnlyList<Waiting> batch, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var known = batch.ToDictionary(w => StreamIds.Article(w.Article.ArticleId), _ => (ArticleState.Initial, 0L), StringComparer.Ordinal);
            var folded = await store.AggregateStreamsAsync(known, ArticleState.Evolve, ct: ct);
            var now = time.GetUtcNow();
            var outcomes = new IngestionOutcome[batch.Count];
            var stored = new List<(SubmittedArticle Article, ArticleReceived Received, int Claims)>();
            await using var session = store.OpenSession();
            for (var i = 0; i < batch.Count; i++)
            {
                var (article, headers) = (batch[i].Article, batch[i].Headers);
                var streamId = StreamIds.Article(article.ArticleId);
                var (state, version) = folded[streamId];
                var events = Article.Decide(state, article, now);
                if (events.Count == 0)
                {
                    outcomes[i] = new IngestionOutcome(article.ArticleId, Duplicate: true, [.. state.Claims.Select(claim => claim.Mention)]);
                    continue;
                }
                session.Headers.Clear();
                foreach (var (key, value) in headers)
                {
                    session.Headers[key] = value;
                }
                session.Append(streamId, version, events.Select(e => new NewEvent(Article.EventId(e), e)), streamType: "article");
                outcomes[i] = new IngestionOutcome(article.ArticleId, Duplicate: false, article.Claims);
                stored.Add((article, (ArticleReceived)events[0], events.Count - 1));
            }
            try
            {
                await session.SaveChangesAsync(ct);
                foreach (var (article, received, claims) in stored)
                {
                    LogStored(logger, article.ArticleId, received.Revision, claims);
                }
                return outcomes;
            }
            catch (ConcurrencyException) when (attempt < MaxAttempts)
            {
                // Someone stored one of these articles at the same moment (another instance): re-read; it is most
                // likely now a duplicate.
            }
        }
    }

    /// <summary>The database is down or restarting: every post fails for now (503), none is to blame.</summary>
    private static bool IsOutage(Exception e) => e is NpgsqlException { IsTransient: true } or TimeoutException
        || e.InnerException is { } inner && IsOutage(inner);

    private sealed record Waiting(SubmittedArticle Article, IReadOnlyDictionary<string, string> Headers, TaskCompletionSource<IngestionOutcome> Stored);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored article {ArticleId} revision {Revision} with {ClaimCount} claims")]
    private static partial void LogStored(ILogger logger, string articleId, int revision, int claimCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Count} articles failed; storing them one at a time to find the one to blame")]
    private static partial void LogIsolating(ILogger logger, int count, Exception exception);
}
