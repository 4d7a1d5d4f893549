namespace Claims.Reconciliation.Origins;

/// <summary>
/// Coalesces the origin refreshes of one article within this process. Every mention of an article asks for a
/// refresh after recording its figure, and refreshes run one at a time under a global lock: an article of a dozen
/// claims used to take a dozen turns. A caller here is answered by a refresh that starts after it asked, so it
/// sees the caller's committed figure, but callers that ask while one is waiting to start share that one.
/// </summary>
public sealed class OriginRefreshes(ArticleFigureStore figures)
{
    private readonly Dictionary<string, ArticleQueue> _queues = new(StringComparer.Ordinal);

    /// <summary>The articles whose origin changed, from a refresh of <paramref name="articleId"/> begun after this call.</summary>
    public Task<IReadOnlyDictionary<string, string>> RefreshAsync(string articleId, CancellationToken ct)
    {
        TaskCompletionSource<IReadOnlyDictionary<string, string>> next;
        var start = false;
        lock (_queues)
        {
            if (!_queues.TryGetValue(articleId, out var queue))
            {
                queue = new ArticleQueue();
                _queues[articleId] = queue;
                start = true;
            }
            next = queue.Next ??= new TaskCompletionSource<IReadOnlyDictionary<string, string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        if (start)
        {
            _ = RunAsync(articleId);
        }
        return next.Task.WaitAsync(ct);
    }

    /// <summary>Runs refreshes while callers wait for one, then retires the article's queue.</summary>
    private async Task RunAsync(string articleId)
    {
        while (true)
        {
            TaskCompletionSource<IReadOnlyDictionary<string, string>> current;
            lock (_queues)
            {
                var queue = _queues[articleId];
                if (queue.Next is null)
                {
                    _queues.Remove(articleId);
                    return;
                }
                current = queue.Next;
                queue.Next = null;
            }
            try
            {
                // Not the callers' token: one of them giving up must not fail the others.
                current.SetResult(await figures.RefreshOriginsAroundAsync(articleId, OriginOptions.Default, CancellationToken.None));
            }
            catch (Exception e)
            {
                // Each waiting message fails and is retried by the broker; nothing is marked done.
                current.SetException(e);
            }
        }
    }

    private sealed class ArticleQueue
    {
        /// <summary>The refresh not yet begun that new callers join; null when none is waiting.</summary>
        public TaskCompletionSource<IReadOnlyDictionary<string, string>>? Next { get; set; }
    }
}
