using System.Threading.Channels;
using Claims.EventStore;
using Npgsql;

namespace Claims.Reconciliation.Consensus;

/// <summary>
/// Group commit for mentions: the consumer hands each message here and waits; one loop takes whatever has
/// gathered since its last transaction (up to <c>Reconciliation:BatchSize</c>) and records it as one batch. Under
/// load a transaction carries hundreds of mentions; alone, a mention waits <c>Reconciliation:GatherMilliseconds</c> for others.
/// </summary>
/// <remarks>
/// Why not MassTransit's batch consumer: a batch there fails as a whole, so one poison message would send every
/// message of its batch to the error queue. Here each message keeps its own outcome: a batch that fails for a
/// reason other than an outage or a lasting write conflict is recorded again one mention at a time, and only the mention that fails alone
/// fails its message (to be retried, then parked in the error queue, by the broker).
/// </remarks>
public sealed partial class MentionIntake(MentionRecorder recorder, IConfiguration configuration, ILogger<MentionIntake> logger) : BackgroundService
{
    public const string GatherMillisecondsKey = "Reconciliation:GatherMilliseconds";

    private readonly Channel<Waiting> _waiting = Channel.CreateUnbounded<Waiting>(new UnboundedChannelOptions { SingleReader = true });
    private readonly int _batchSize = configuration.GetValue("Reconciliation:BatchSize", 500);

    /// <summary>
    /// How long a batch that found few mentions waits for more before it starts. Taking whatever had gathered, the
    /// benchmark's half-load phase (batches of about 30 mentions) kept the machine as busy as saturation did (1.94 of 2
    /// cores, PostgreSQL 0.90-0.92); waiting 20 ms, in two pairs of runs: 1.75-1.79 cores, PostgreSQL 0.70-0.79, and
    /// half-load p50/p99 100-114 / 514-585 ms against 168-221 / 718-875. A batch a quarter full or more, as under
    /// load, never waits.
    /// </summary>
    private readonly TimeSpan _gather = TimeSpan.FromMilliseconds(configuration.GetValue(GatherMillisecondsKey, 20));

    /// <summary>Completes once the mention is recorded with its claim's decision (or was already).</summary>
    public Task RecordAsync(ReceivedMention mention, CancellationToken ct)
    {
        var waiting = new Waiting(mention, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_waiting.Writer.TryWrite(waiting))
        {
            throw new InvalidOperationException("Reconciliation is stopping; the message will be delivered again.");
        }
        // A consumer that gives up (shutdown) leaves its mention to be recorded or not: the broker redelivers it either way.
        return waiting.Recorded.Task.WaitAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Waiting>(_batchSize);
        try
        {
            while (await _waiting.Reader.WaitToReadAsync(stoppingToken))
            {
                Take(batch);
                if (_gather > TimeSpan.Zero && batch.Count < _batchSize / 4)
                {
                    await Task.Delay(_gather, stoppingToken);
                    Take(batch);
                }
                await RecordAsync(batch, stoppingToken);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            _waiting.Writer.TryComplete();
            var stopped = new OperationCanceledException("Reconciliation stopped before recording the mention.");
            foreach (var waiting in batch)
            {
                waiting.Recorded.TrySetException(stopped);
            }
            while (_waiting.Reader.TryRead(out var left))
            {
                left.Recorded.TrySetException(stopped);
            }
        }
    }

    private void Take(List<Waiting> batch)
    {
        while (batch.Count < _batchSize && _waiting.Reader.TryRead(out var next))
        {
            batch.Add(next);
        }
    }

    private async Task RecordAsync(IReadOnlyList<Waiting> batch, CancellationToken ct)
    {
        try
        {
            await recorder.RecordAsync([.. batch.Select(w => w.Mention)], ct);
            foreach (var waiting in batch)
            {
                waiting.Recorded.TrySetResult();
            }
        }
        catch (Exception e) when (batch.Count > 1 && !IsNobodysFault(e) && !ct.IsCancellationRequested)
        {
            LogIsolating(logger, batch.Count, e);
            foreach (var waiting in batch)
            {
                await RecordAsync([waiting], ct);
            }
        }
        catch (Exception e)
        {
            // Nothing escapes: an exception out of this loop would stop the whole service.
            foreach (var waiting in batch)
            {
                waiting.Recorded.TrySetException(e);
            }
        }
    }

    /// <summary>
    /// A failure no mention is to blame for: every message fails for now and its consumer's retry policy hands it back
    /// (10 ms later at first), none is recorded alone now. Besides outages, that is a batch whose claims another writer kept appending to through all
    /// of the recorder's immediate attempts (reliability rescoring re-decides claims in a row of transactions):
    /// recording its hundreds of mentions one transaction each had stalled the whole pipeline for seconds.
    /// </summary>
    private static bool IsNobodysFault(Exception e) => e is NpgsqlException { IsTransient: true } or TimeoutException or ConcurrencyException
        || e.InnerException is { } inner && IsNobodysFault(inner);

    private sealed record Waiting(ReceivedMention Mention, TaskCompletionSource Recorded);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Count} mentions failed; recording them one at a time to find the one to blame")]
    private static partial void LogIsolating(ILogger logger, int count, Exception exception);
}
