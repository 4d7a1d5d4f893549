namespace Claims.EventStore;

/// <summary>How a <see cref="ProjectionRunner"/> batches, polls and retries.</summary>
public sealed class ProjectionOptions
{
    /// <summary>Most events read and applied per transaction.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>Wait before the next read after a batch that was not full.</summary>
    public TimeSpan BusyPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Wait before the next read after finding nothing new.</summary>
    public TimeSpan IdlePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// First wait before the next read while committed events wait behind an older transaction still open; it doubles
    /// while that lasts, up to <see cref="BusyPollInterval"/>. Such a transaction (a long batch anywhere on the
    /// server) sends no notification when it ends unless it appended events, so without this a reader held back would
    /// sleep a whole idle interval after it ended.
    /// </summary>
    public TimeSpan HeldBackPollInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Attempts per event, once a batch has failed, before the event is dead-lettered.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Wait after the first failed attempt of an event; doubles with each further attempt.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How often a standby runner tries to take the projection's lock, and how often the active one checks it still holds it.</summary>
    public TimeSpan LockRetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// <c>idle_in_transaction_session_timeout</c> of the runner's connections: a hung batch must not hold every log reader
    /// back for long, because an open transaction with an id stops them all at its position.
    /// </summary>
    public TimeSpan IdleInTransactionTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The name of another projection whose committed checkpoint this one never reads past; <see langword="null"/> to
    /// read to the end of the log. A rebuild's copy follows the live projection it will replace, so that the two meet
    /// at one position (see <see cref="ProjectionHandover"/>).
    /// </summary>
    public string? Follows { get; set; }

    /// <summary>
    /// Whether each batch's commit waits for its WAL to reach disk (<c>synchronous_commit</c>); on by default. A rebuild
    /// turns it off: a crash can lose only its last batches, never the order of anything, and a rebuild that never
    /// handed over starts again from scratch anyway.
    /// </summary>
    public bool WaitForDurableCommit { get; set; } = true;

    /// <summary>
    /// Reads only the streams of one partition (a hash of the stream id); <see langword="null"/> for all. Several runners
    /// under different names share one projection's replay this way, when its rows depend on one stream each (a
    /// rebuild's claims, one stream per claim). Needs <see cref="IProjection.EventTypes"/>.
    /// </summary>
    public StreamPartition? Partition { get; set; }
}

/// <summary>One partition of the log's streams: those whose id hashes to <see cref="Index"/> of <see cref="Count"/>.</summary>
public sealed record StreamPartition
{
    /// <summary>Partition <paramref name="index"/> (from 0) of <paramref name="count"/>.</summary>
    public StreamPartition(int index, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, count);
        Index = index;
        Count = count;
    }

    /// <summary>Which partition, from 0.</summary>
    public int Index { get; }

    /// <summary>How many partitions the streams are split into.</summary>
    public int Count { get; }
}
