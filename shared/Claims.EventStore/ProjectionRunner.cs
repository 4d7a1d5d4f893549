using System.Collections.Concurrent;
using System.Data;
using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Claims.EventStore;

/// <summary>
/// Runs one projection: tails the log after its checkpoint and applies batches, writing the read model and the new
/// checkpoint in one transaction (a batch is never applied twice). One runner per projection name is active across
/// all processes (a session advisory lock); the others stand by and take over when it goes away.
/// </summary>
public sealed partial class ProjectionRunner : BackgroundService
{
    private static readonly TimeSpan _maxBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan _waitSlice = TimeSpan.FromMilliseconds(100);

    private readonly EventStore _store;
    private readonly IProjection _projection;
    private readonly ProjectionOptions _options;
    private readonly ILogger<ProjectionRunner> _logger;
    private readonly TimeProvider _time;
    private readonly KeyValuePair<string, object?> _projectionTag;
    private readonly Lock _state = new();
    private readonly ConcurrentQueue<TaskCompletionSource> _rebuildRequests = new();
    private LogPosition _checkpoint;

    // What the projection asked to run once the batch under way commits (ProjectionBatch.OnCommitted).
    private readonly List<Action> _afterCommit = [];
    private TaskCompletionSource _checkpointMoved = NewSignal();
    private volatile bool _isActive;
    private volatile bool _wakeRequested;

    // Set by the lock connection's notification handler, which runs within its waits: no other thread touches it.
    private bool _notifiedOfOwnTypes;
    // Whether the last read left committed events behind a transaction still open, and how many reads in a row did.
    private volatile bool _heldBack;
    private int _heldBackReads;
    private long _logReads;
    private (long StartedAt, long Events)? _rebuild;

    /// <summary>Creates a runner; it starts with the host (or <see cref="BackgroundService.StartAsync"/>).</summary>
    public ProjectionRunner(EventStore store, IProjection projection, ProjectionOptions options, ILogger<ProjectionRunner> logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(projection);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentException.ThrowIfNullOrWhiteSpace(projection.Name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxAttempts);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.IdleInTransactionTimeout, TimeSpan.Zero);
        _store = store;
        _projection = projection;
        _options = options;
        _logger = logger;
        _time = store.Time;
        _projectionTag = new("claims.projection", projection.Name);
    }

    /// <summary>The projection's name.</summary>
    public string Name => _projection.Name;

    /// <summary>Whether this runner holds the projection's lock and is processing.</summary>
    public bool IsActive => _isActive;

    /// <summary>How many times this runner has read the log: one that stops counting is stuck.</summary>
    public long LogReads => Interlocked.Read(ref _logReads);

    /// <summary>
    /// Whether its last read found committed events it may not take yet, because an older transaction is still open
    /// (they follow once it ends).
    /// </summary>
    public bool IsHeldBack => _heldBack;

    /// <summary>The last checkpoint this runner committed or loaded.</summary>
    public LogPosition Checkpoint
    {
        get
        {
            lock (_state)
            {
                return _checkpoint;
            }
        }
    }

    /// <summary>
    /// Clears the read model, the checkpoint and the projection's dead letters in one transaction while holding the
    /// projection's lock, then waits until the replay from the start has caught up. The runner must be running; if
    /// another process holds the lock, the reset waits until this runner takes over. Cancelling before the reset has
    /// started withdraws it; once reset, the replay goes on regardless.
    /// </summary>
    public async Task RebuildAsync(CancellationToken ct)
    {
        if (ExecuteTask is null || ExecuteTask.IsCompleted)
        {
            throw new InvalidOperationException($"The runner of projection '{Name}' is not running; start it before rebuilding.");
        }

        var reset = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (ct.Register(() => reset.TrySetCanceled(ct)))
        {
            _rebuildRequests.Enqueue(reset);
            _wakeRequested = true;
            await reset.Task;
        }

        await WaitForCatchUpAsync(ct);
    }

    /// <summary>
    /// Completes once the projection's checkpoint has reached the last event committed when this was called, whether
    /// this runner or one in another process moved it ("read your writes", tests).
    /// </summary>
    public async Task WaitForCatchUpAsync(CancellationToken ct)
    {
        if (await _store.ReadLastCommittedPositionAsync(ct) is { } target)
        {
            await WaitForCheckpointAsync(target, ct);
        }
    }

    /// <summary>Completes once the projection's checkpoint has reached <paramref name="target"/>, whichever runner moved it.</summary>
    public async Task WaitForCheckpointAsync(LogPosition target, CancellationToken ct)
    {
        while (true)
        {
            Task moved;
            lock (_state)
            {
                if (_checkpoint >= target)
                {
                    return;
                }

                moved = _checkpointMoved.Task;
            }

            if (!_isActive && await _store.ReadCheckpointAsync(Name, ct) >= target)
            {
                return;
            }

            _wakeRequested = true;
            await Task.WhenAny(moved, Task.Delay(_options.BusyPollInterval, _time, ct));
            ct.ThrowIfCancellationRequested();
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await RunAsync(() => failures = 0, stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // Lost connection, PostgreSQL restart, a broken projection: log, back off, start over from the
                    // committed checkpoint. Never let it reach the host.
                    failures++;
                    var delay = TimeSpan.FromMilliseconds(Math.Min(_maxBackoff.TotalMilliseconds, 500 * Math.Pow(2, Math.Min(failures - 1, 10))));
                    LogInterrupted(_logger, Name, delay, ex);
                    await Task.Delay(delay, _time, stoppingToken);
                }
            }
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: whatever the cancelled work threw, its transaction rolled back and the checkpoint stands.
        }
        finally
        {
            while (_rebuildRequests.TryDequeue(out var request))
            {
                request.TrySetCanceled(stoppingToken);
            }
        }
    }

    private async Task RunAsync(Action onProgress, CancellationToken ct)
    {
        await using var lockConnection = await _store.DataSource.OpenConnectionAsync(ct);
        var lockKey = _store.Sql.ProjectionLockKey(Name);
        var standingBy = false;
        while (!await TryLockAsync(lockConnection, lockKey, ct))
        {
            if (!standingBy)
            {
                LogStandingBy(_logger, Name);
                standingBy = true;
            }

            await Task.Delay(_options.LockRetryInterval, _time, ct);
        }

        // A notification whose commit holds none of this projection's types wakes nobody here (CommitNotifier.Concerns),
        // unless its events wait behind an open transaction: any commit may be that one's end, whatever it appended.
        lockConnection.Notification += (_, notification) =>
            _notifiedOfOwnTypes |= _heldBack || CommitNotifier.Concerns(notification.Payload, _projection.EventTypes);
        try
        {
            await ConfigureAsync(lockConnection, listen: true, ct);
            await using var connection = await _store.DataSource.OpenConnectionAsync(ct);
            await ConfigureAsync(connection, listen: false, ct);
            await LoadCheckpointAsync(connection, ct);
            _isActive = true;
            LogActive(_logger, Name, Checkpoint);
            await ProcessAsync(lockConnection, connection, onProgress, ct);
        }
        finally
        {
            _isActive = false;
            await ReleaseLockAsync(lockConnection, lockKey);
        }
    }

    private async Task ProcessAsync(NpgsqlConnection lockConnection, NpgsqlConnection connection, Action onProgress, CancellationToken ct)
    {
        var lockCheckedAt = _time.GetTimestamp();
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            // A request cancelled while queued is withdrawn.
            if (_rebuildRequests.TryDequeue(out var request) && !request.Task.IsCompleted)
            {
                try
                {
                    await ResetForRebuildAsync(connection, ct);
                    request.TrySetResult();
                }
                catch (Exception ex)
                {
                    request.TrySetException(ex);
                    throw;
                }
            }

            var read = await ProcessNextBatchAsync(connection, ct);
            onProgress();
            TrackRebuild(read);
            if (read >= _options.BatchSize)
            {
                // More is waiting: go on at once, but still notice when the lock's connection is gone.
                if (_time.GetElapsedTime(lockCheckedAt) >= _options.LockRetryInterval)
                {
                    await using var check = new NpgsqlCommand("SELECT 1", lockConnection);
                    await check.ExecuteScalarAsync(ct);
                    lockCheckedAt = _time.GetTimestamp();
                }

                continue;
            }

            await WaitForWakeUpAsync(lockConnection, NextPoll(read), ct);
            lockCheckedAt = _time.GetTimestamp();
        }
    }

    /// <summary>
    /// How long to wait before reading again: soon when events wait behind a transaction still open (its end notifies
    /// nobody), doubling while it stays open, up to the busy interval; the busy interval after a batch; longer when
    /// there was nothing.
    /// </summary>
    private TimeSpan NextPoll(int read)
    {
        if (!_heldBack)
        {
            _heldBackReads = 0;
            return read > 0 ? _options.BusyPollInterval : _options.IdlePollInterval;
        }
        var wait = _options.HeldBackPollInterval * Math.Pow(2, Math.Min(_heldBackReads++, 16));
        return wait < _options.BusyPollInterval ? wait : _options.BusyPollInterval;
    }

    /// <summary>Reads, applies and commits one batch.</summary>
    /// <returns>How many events were applied (a batch of other types' events moves the checkpoint and applies none).</returns>
    private async Task<int> ProcessNextBatchAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        _afterCommit.Clear();
        var from = Checkpoint;
        LogPage page;
        await using (var transaction = await connection.BeginTransactionAsync(ct))
        {
            if (await BeginBatchAsync(connection, transaction, from, readLog: true, ct) is not { } read)
            {
                await transaction.RollbackAsync(ct);
                await ReloadCheckpointAsync(connection, ct);
                return 0;
            }

            page = read;
            if (page.ScannedTo <= from)
            {
                await transaction.RollbackAsync(ct);
                return 0;
            }

            bool applied;
            try
            {
                await ApplyBatchAsync(connection, transaction, page.Events, ct);
                applied = true;
            }
            catch (Exception ex) when (IsEventFailure(connection, ex, ct))
            {
                LogBatchFailed(_logger, Name, page.Events.Count, ex);
                await transaction.RollbackAsync(ct);
                applied = false;
            }

            if (applied)
            {
                return await CompleteBatchAsync(connection, transaction, from, page, ct);
            }
        }

        return await ProcessEventByEventAsync(connection, from, page, ct);
    }

    private async Task ApplyBatchAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<StoredEvent> events, CancellationToken ct)
    {
        var handled = new List<StoredEvent>(events.Count);
        foreach (var stored in events)
        {
            if (stored.DataError is { } error)
            {
                // Retrying cannot make a payload deserialize.
                await RecordDeadLetterAsync(connection, transaction, stored, error, attempts: 1, ct);
                continue;
            }

            handled.Add(stored);
        }

        if (handled.Count == 0)
        {
            return;
        }

        using var batchActivity = StartBatchActivity(handled);
        var eventActivities = StartEventActivities(handled);
        try
        {
            await _projection.ApplyAsync(new ProjectionBatch(handled, connection, transaction, _afterCommit), ct);
            StopActivities(eventActivities, failure: null);
        }
        catch (Exception ex)
        {
            batchActivity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            StopActivities(eventActivities, ex);
            throw;
        }
    }

    /// <summary>After a failed batch: each event in its own savepoint, retried, then dead-lettered, all in one transaction.</summary>
    private async Task<int> ProcessEventByEventAsync(NpgsqlConnection connection, LogPosition from, LogPage page, CancellationToken ct)
    {
        // The failed batch rolled back: what it asked to run after its commit is asked again event by event.
        _afterCommit.Clear();
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await BeginBatchAsync(connection, transaction, from, readLog: false, ct) is null)
        {
            await transaction.RollbackAsync(ct);
            await ReloadCheckpointAsync(connection, ct);
            return 0;
        }

        foreach (var stored in page.Events)
        {
            if (stored.DataError is { } error)
            {
                await RecordDeadLetterAsync(connection, transaction, stored, error, attempts: 1, ct);
                continue;
            }

            await ApplyOneAsync(connection, transaction, stored, ct);
        }

        return await CompleteBatchAsync(connection, transaction, from, page, ct);
    }

    private async Task ApplyOneAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StoredEvent stored, CancellationToken ct)
    {
        const string savepoint = "projection_event";
        for (var attempt = 1; ; attempt++)
        {
            using var activity = EventStoreTelemetry.Source.StartActivity($"project {Name} {stored.Type}", ActivityKind.Internal, stored.ParentContext ?? default);
            TagEventActivity(activity, stored);
            await transaction.SaveAsync(savepoint, ct);
            try
            {
                await _projection.ApplyAsync(new ProjectionBatch([stored], connection, transaction, _afterCommit), ct);
                await transaction.ReleaseAsync(savepoint, ct);
                return;
            }
            catch (Exception ex) when (IsEventFailure(connection, ex, ct))
            {
                activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
                await transaction.RollbackAsync(savepoint, ct);
                if (attempt >= _options.MaxAttempts)
                {
                    LogDeadLettered(_logger, Name, stored.Seq, stored.Type, stored.StreamId, attempt, ex);
                    await RecordDeadLetterAsync(connection, transaction, stored, ex, attempt, ct);
                    return;
                }

                LogEventFailed(_logger, Name, stored.Seq, stored.Type, attempt, _options.MaxAttempts, ex);
                await Task.Delay(_options.RetryDelay * Math.Pow(2, attempt - 1), _time, ct);
            }
        }
    }

    /// <summary>
    /// Takes the projection's batch lock and checks that the committed checkpoint is still <paramref name="from"/>,
    /// then (with <paramref name="readLog"/>) reads the next events, all in one round trip.
    /// </summary>
    /// <returns>
    /// The page read (empty, at <paramref name="from"/>, without <paramref name="readLog"/>), or <see langword="null"/>
    /// when another runner moved the checkpoint.
    /// </returns>
    private async Task<LogPage?> BeginBatchAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, LogPosition from, bool readLog, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(_store.Sql.LockProjectionBatch)
        {
            Parameters = { new NpgsqlParameter<string>("key", _store.Sql.ProjectionBatchLockKey(Name)) },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(_store.Sql.ReadCheckpoint) { Parameters = { new NpgsqlParameter<string>("name", Name) } });
        if (readLog)
        {
            batch.BatchCommands.Add(_store.CreateReadLogCommand(
                from, _options.BatchSize, _projection.EventTypes, _options.Follows, _options.Partition, _projection.EventTypesWithoutData));
        }

        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.NextResultAsync(ct);
        var committed = await reader.ReadAsync(ct) ? new LogPosition(reader.GetFieldValue<ulong>(0), reader.GetInt64(1)) : (LogPosition?)null;
        if (committed != from)
        {
            return null;
        }

        if (!readLog)
        {
            return new LogPage([], from, HeldBack: false);
        }

        await reader.NextResultAsync(ct);
        var page = await _store.ReadLogPageAsync(reader, from, _options.BatchSize, ct);
        _heldBack = page.HeldBack;
        Interlocked.Increment(ref _logReads);
        return page;
    }

    private void RunAfterCommit()
    {
        foreach (var action in _afterCommit)
        {
            action();
        }

        _afterCommit.Clear();
    }

    private async Task<int> CompleteBatchAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, LogPosition from, LogPage page, CancellationToken ct)
    {
        var to = page.ScannedTo;
        await using (var command = new NpgsqlCommand(_store.Sql.AdvanceCheckpoint, connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<string>("name", Name));
            command.Parameters.Add(EventStore.Xid8Parameter("tx", to.Tx));
            command.Parameters.Add(new NpgsqlParameter<long>("seq", to.Seq));
            command.Parameters.Add(EventStore.Xid8Parameter("oldTx", from.Tx));
            command.Parameters.Add(new NpgsqlParameter<long>("oldSeq", from.Seq));
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", _time.GetUtcNow()));
            if (await command.ExecuteNonQueryAsync(ct) == 0)
            {
                await transaction.RollbackAsync(ct);
                await ReloadCheckpointAsync(connection, ct);
                return 0;
            }
        }

        await transaction.CommitAsync(ct);
        SetCheckpoint(to);
        RunAfterCommit();
        EventStoreTelemetry.EventsProjected.Add(page.Events.Count, _projectionTag);
        return page.Events.Count;
    }

    private async Task ResetForRebuildAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var command = new NpgsqlCommand(_store.Sql.LockProjectionBatch, connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<string>("key", _store.Sql.ProjectionBatchLockKey(Name)));
            await command.ExecuteNonQueryAsync(ct);
        }

        await _projection.ResetAsync(connection, transaction, ct);
        await using (var command = new NpgsqlCommand(_store.Sql.ResetCheckpoint, connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<string>("name", Name));
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", _time.GetUtcNow()));
            await command.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
        SetCheckpoint(LogPosition.Start);
        _rebuild = (_time.GetTimestamp(), 0);
        LogReset(_logger, Name);
    }

    private void TrackRebuild(int read)
    {
        if (_rebuild is not { } rebuild)
        {
            return;
        }

        var events = rebuild.Events + read;
        if (read >= _options.BatchSize)
        {
            _rebuild = (rebuild.StartedAt, events);
            return;
        }

        var elapsed = _time.GetElapsedTime(rebuild.StartedAt);
        LogReplayed(_logger, Name, events, elapsed, events / Math.Max(elapsed.TotalSeconds, 0.001));
        _rebuild = null;
    }

    private async Task RecordDeadLetterAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, StoredEvent stored, Exception error, int attempts, CancellationToken ct)
    {
        const int maxErrorLength = 8000;
        var text = error.ToString();
        await using var command = new NpgsqlCommand(_store.Sql.RecordDeadLetter, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string>("name", Name));
        command.Parameters.Add(new NpgsqlParameter<long>("seq", stored.Seq));
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", stored.Id));
        command.Parameters.Add(new NpgsqlParameter<string>("stream", stored.StreamId));
        command.Parameters.Add(new NpgsqlParameter<string>("type", stored.Type));
        command.Parameters.Add(new NpgsqlParameter<string>("error", text.Length > maxErrorLength ? text[..maxErrorLength] : text));
        command.Parameters.Add(new NpgsqlParameter<int>("attempts", attempts));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", _time.GetUtcNow()));
        await command.ExecuteNonQueryAsync(ct);
        EventStoreTelemetry.DeadLetters.Add(1, _projectionTag);
    }

    private async Task<bool> TryLockAsync(NpgsqlConnection lockConnection, string lockKey, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(_store.Sql.TryLockProjection, lockConnection);
        command.Parameters.Add(new NpgsqlParameter<string>("key", lockKey));
        return await command.ExecuteScalarAsync(ct) is true;
    }

    private async Task ReleaseLockAsync(NpgsqlConnection lockConnection, string lockKey)
    {
        if (lockConnection.State != ConnectionState.Open)
        {
            // A broken connection's session ended, and its locks with it.
            return;
        }

        try
        {
            // Pooled connections are reset only when reused, so an idle one would keep the lock: release it here.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await using var batch = new NpgsqlBatch(lockConnection)
            {
                BatchCommands =
                {
                    new NpgsqlBatchCommand(_store.Sql.UnlockProjection) { Parameters = { new NpgsqlParameter<string>("key", lockKey) } },
                    new NpgsqlBatchCommand("UNLISTEN *"),
                },
            };
            await batch.ExecuteNonQueryAsync(timeout.Token);
        }
        catch (Exception ex)
        {
            LogUnlockFailed(_logger, Name, ex);
            NpgsqlConnection.ClearPool(lockConnection);
        }
    }

    private async Task ConfigureAsync(NpgsqlConnection connection, bool listen, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT set_config('idle_in_transaction_session_timeout', @timeout, false)")
        {
            Parameters = { new NpgsqlParameter<string>("timeout", ((long)_options.IdleInTransactionTimeout.TotalMilliseconds).ToString()) },
        });
        // Every session setting is set both ways: the connections are pooled and may have run another projection.
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT set_config('synchronous_commit', @commit, false)")
        {
            Parameters = { new NpgsqlParameter<string>("commit", _options.WaitForDurableCommit ? "on" : "off") },
        });
        if (listen)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"LISTEN \"{_store.Sql.NotifyChannel}\""));
        }

        await batch.ExecuteNonQueryAsync(ct);
    }

    private async Task LoadCheckpointAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(_store.Sql.EnsureCheckpoint, connection);
        command.Parameters.Add(new NpgsqlParameter<string>("name", Name));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", _time.GetUtcNow()));
        await command.ExecuteNonQueryAsync(ct);
        await ReloadCheckpointAsync(connection, ct);
    }

    private async Task ReloadCheckpointAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(_store.Sql.ReadCheckpoint, connection);
        command.Parameters.Add(new NpgsqlParameter<string>("name", Name));
        await using var reader = await command.ExecuteReaderAsync(ct);
        var committed = await reader.ReadAsync(ct) ? new LogPosition(reader.GetFieldValue<ulong>(0), reader.GetInt64(1)) : LogPosition.Start;
        if (committed != Checkpoint && _isActive)
        {
            LogCheckpointMoved(_logger, Name, Checkpoint, committed);
        }

        SetCheckpoint(committed);
    }

    /// <summary>Waits for the poll interval, a NOTIFY of a commit that holds events of its types, or a wake-up request, whichever comes first.</summary>
    private async Task WaitForWakeUpAsync(NpgsqlConnection lockConnection, TimeSpan interval, CancellationToken ct)
    {
        var started = _time.GetTimestamp();
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (_wakeRequested || _notifiedOfOwnTypes)
            {
                _wakeRequested = false;
                _notifiedOfOwnTypes = false;
                return;
            }

            var remaining = interval - _time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                return;
            }

            // Short uncancelled waits keep stop and wake-up requests prompt; Npgsql is least robust when a wait is
            // cancelled. A wait also reads the connection, so a lost lock connection surfaces here as an exception.
            // Notifications that came while a batch ran are delivered by the next wait, which then returns at once.
            var slice = Math.Max(1, (int)Math.Ceiling(Math.Min(remaining.TotalMilliseconds, _waitSlice.TotalMilliseconds)));
            await lockConnection.WaitAsync(slice, CancellationToken.None);
        }
    }

    /// <summary>
    /// Whether a failure is the event's (retry it, then dead-letter it) rather than the runner's: stopping, a lost
    /// connection, or an unavailable dependency must leave the events for the next attempt, never in the dead letters.
    /// </summary>
    private static bool IsEventFailure(NpgsqlConnection connection, Exception exception, CancellationToken ct) =>
        exception is not ProjectionUnavailableException
        && !ct.IsCancellationRequested
        && connection.State == ConnectionState.Open
        && (connection.FullState & ConnectionState.Broken) == 0;

    private void SetCheckpoint(LogPosition position)
    {
        TaskCompletionSource moved;
        lock (_state)
        {
            _checkpoint = position;
            moved = _checkpointMoved;
            _checkpointMoved = NewSignal();
        }

        moved.TrySetResult();
    }

    private Activity? StartBatchActivity(List<StoredEvent> events)
    {
        if (!EventStoreTelemetry.Source.HasListeners())
        {
            return null;
        }

        var links = events.Select(e => e.ParentContext).OfType<ActivityContext>().Select(c => new ActivityLink(c)).ToList();
        var activity = EventStoreTelemetry.Source.StartActivity($"project {Name}", ActivityKind.Internal, parentContext: default, links: links);
        activity?.SetTag(_projectionTag.Key, Name);
        activity?.SetTag("claims.batch.size", events.Count);
        return activity;
    }

    /// <summary>
    /// One activity per event, parented by the trace the event was appended under, so each trace shows the projection
    /// that handled it. They are siblings, not nested, so none of them becomes <see cref="Activity.Current"/>.
    /// </summary>
    private List<Activity>? StartEventActivities(List<StoredEvent> events)
    {
        if (!EventStoreTelemetry.Source.HasListeners())
        {
            return null;
        }

        var current = Activity.Current;
        var activities = new List<Activity>(events.Count);
        foreach (var stored in events)
        {
            var activity = EventStoreTelemetry.Source.StartActivity(
                $"project {Name} {stored.Type}", ActivityKind.Internal, stored.ParentContext ?? current?.Context ?? default);
            if (activity is not null)
            {
                TagEventActivity(activity, stored);
                activities.Add(activity);
            }

            Activity.Current = current;
        }

        return activities;
    }

    private static void StopActivities(List<Activity>? activities, Exception? failure)
    {
        if (activities is null)
        {
            return;
        }

        var current = Activity.Current;
        foreach (var activity in activities)
        {
            if (failure is not null)
            {
                activity.SetStatus(ActivityStatusCode.Error, failure.Message);
            }

            activity.Stop();
        }

        Activity.Current = current;
    }

    private void TagEventActivity(Activity? activity, StoredEvent stored)
    {
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(_projectionTag.Key, Name);
            EventStoreTelemetry.Tag(activity, stored);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(1, LogLevel.Information, "Projection {Projection} is active from checkpoint {Checkpoint}")]
    private static partial void LogActive(ILogger logger, string projection, LogPosition checkpoint);

    [LoggerMessage(2, LogLevel.Information, "Projection {Projection} is active in another process; standing by")]
    private static partial void LogStandingBy(ILogger logger, string projection);

    [LoggerMessage(3, LogLevel.Warning, "Projection {Projection} was interrupted; starting over from its checkpoint in {Delay}")]
    private static partial void LogInterrupted(ILogger logger, string projection, TimeSpan delay, Exception exception);

    [LoggerMessage(4, LogLevel.Warning, "A batch of {Count} events failed in projection {Projection}; applying them one by one")]
    private static partial void LogBatchFailed(ILogger logger, string projection, int count, Exception exception);

    [LoggerMessage(5, LogLevel.Warning, "Event {Seq} ({Type}) failed in projection {Projection}, attempt {Attempt} of {MaxAttempts}")]
    private static partial void LogEventFailed(ILogger logger, string projection, long seq, string type, int attempt, int maxAttempts, Exception exception);

    [LoggerMessage(6, LogLevel.Error, "Projection {Projection} gave up on event {Seq} ({Type}) of stream {StreamId} after {Attempts} attempts; it is recorded as a dead letter")]
    private static partial void LogDeadLettered(ILogger logger, string projection, long seq, string type, string streamId, int attempts, Exception exception);

    [LoggerMessage(7, LogLevel.Warning, "The checkpoint of projection {Projection} moved from {Expected} to {Committed} under it; continuing from the committed one")]
    private static partial void LogCheckpointMoved(ILogger logger, string projection, LogPosition expected, LogPosition committed);

    [LoggerMessage(8, LogLevel.Information, "Projection {Projection} was reset for a rebuild; replaying from the start")]
    private static partial void LogReset(ILogger logger, string projection);

    [LoggerMessage(9, LogLevel.Information, "Projection {Projection} replayed {Count} events in {Elapsed} ({Rate:F0} events/s)")]
    private static partial void LogReplayed(ILogger logger, string projection, long count, TimeSpan elapsed, double rate);

    [LoggerMessage(10, LogLevel.Warning, "Could not release the lock of projection {Projection}; dropping pooled connections")]
    private static partial void LogUnlockFailed(ILogger logger, string projection, Exception exception);
}
