using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Npgsql;
using NpgsqlTypes;

namespace Claims.EventStore;

/// <summary>
/// Event streams in PostgreSQL with Marten's semantics: optimistic appends per stream, a global log read in commit-safe
/// order, projections with exactly-once checkpoints. See <c>shared/docs/event-store.md</c>.
/// </summary>
public sealed class EventStore
{
    private static readonly JsonSerializerOptions _headerSerializerOptions = new();
    private static readonly IReadOnlyDictionary<string, string> _noHeaders = new Dictionary<string, string>();

    /// <summary>Creates a store over <paramref name="dataSource"/>; call <see cref="EnsureSchemaAsync"/> before use.</summary>
    /// <param name="dataSource">Where the events live.</param>
    /// <param name="types">Aliases of the event types this process reads and writes.</param>
    /// <param name="options">The schema and notification settings; defaults when omitted.</param>
    /// <param name="time">The clock stamped on events, streams and checkpoints; the system clock when omitted.</param>
    public EventStore(NpgsqlDataSource dataSource, EventTypeRegistry types, EventStoreOptions? options = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(types);
        DataSource = dataSource;
        Types = types;
        Options = options ?? new EventStoreOptions();
        Time = time ?? TimeProvider.System;
        Sql = new EventStoreSql(Options.Schema);
        _appended = new CommitNotifier(dataSource, Sql.NotifyChannel);
        // What this writes goes to jsonb, never into HTML: the default encoder's \uXXXX for every Cyrillic and Kazakh
        // letter made evidence three times longer and PostgreSQL decode each escape (jsonb keeps the decoded text
        // either way, so stored events read back the same).
        SerializerOptions = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            TypeInfoResolver = Options.EventTypeInfo is { } compiled
                ? JsonTypeInfoResolver.Combine(compiled, new DefaultJsonTypeInfoResolver())
                : new DefaultJsonTypeInfoResolver(),
        };
    }

    private readonly CommitNotifier _appended;

    /// <summary>
    /// Tells projection runners at once that appends committed in a transaction of the caller's
    /// (<see cref="IEventSession.SaveChangesAsync(NpgsqlTransaction, CancellationToken)"/>) are in the log: call it
    /// after the commit. Appends the store commits itself notify by themselves. Without the call runners still find
    /// the events, at their next poll. Does nothing when <see cref="EventStoreOptions.NotifyOnAppend"/> is off.
    /// </summary>
    public void NotifyCommitted()
    {
        if (Options.NotifyOnAppend)
        {
            _appended.Signal();
        }
    }

    /// <summary>
    /// <see cref="NotifyCommitted()"/> for a commit that holds events of <paramref name="eventTypes"/> only: runners
    /// that read other types are not woken by it. Each notification had woken every runner of every service, and most
    /// of them found nothing of theirs: more than half of the log reads under load.
    /// </summary>
    /// <exception cref="ArgumentException">A type was never registered.</exception>
    public void NotifyCommitted(IEnumerable<Type> eventTypes)
    {
        ArgumentNullException.ThrowIfNull(eventTypes);
        NotifyCommittedOf([.. eventTypes.Distinct().Select(Types.AliasOf)]);
    }

    private void NotifyCommittedOf(IReadOnlyCollection<string> aliases)
    {
        if (Options.NotifyOnAppend && aliases.Count > 0)
        {
            _appended.Signal(aliases);
        }
    }

    /// <summary>Where the events live; projections and tests open their connections from it too.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>The options the store was created with (the schema is read once, at construction).</summary>
    public EventStoreOptions Options { get; }

    /// <summary>
    /// How event payloads are written and read: System.Text.Json with web defaults (camelCase).
    /// Add converters before the first append or read; the options freeze on first use.
    /// </summary>
    public JsonSerializerOptions SerializerOptions { get; }

    internal EventTypeRegistry Types { get; }

    internal TimeProvider Time { get; }

    internal EventStoreSql Sql { get; }

    /// <summary>
    /// Creates the schema and its tables if they are missing. Idempotent, and safe when several processes call it at
    /// once: the DDL runs under an advisory lock. Once applied (see <see cref="SchemaLedger"/>), a role without the
    /// right to create may call it too.
    /// </summary>
    public async Task EnsureSchemaAsync(CancellationToken ct = default)
    {
        await using var connection = await DataSource.OpenConnectionAsync(ct);
        await SchemaLedger.ApplyAsync(connection, "event-store:" + Sql.Schema, Sql.CreateSchema, Sql.LockSchema, ct);
    }

    /// <summary>
    /// Declares that <paramref name="transaction"/> will append events, of any type, after writing something else
    /// first: call it before the transaction's first write. Log readers wait only for transactions that may append; a
    /// transaction that has written is known to them by its transaction id, so it must say what it is before it has
    /// one. An append from a transaction that wrote undeclared fails with <see cref="InvalidOperationException"/>. Not
    /// needed when the appends are the transaction's first writes (the store then declares the types it appends).
    /// </summary>
    public Task PrepareForAppendsAsync(NpgsqlTransaction transaction, CancellationToken ct = default) =>
        DeclareAppendingAsync(transaction, eventTypes: null, ct);

    /// <summary>
    /// Declares that <paramref name="transaction"/> will append events of these types only (their aliases), after
    /// writing something else first: readers of other types are then not held back while it runs, however long it
    /// takes. Call it before the transaction's first write; it may be called again, before that write, with more
    /// types. An append of a type not declared, from a transaction that has written, fails with
    /// <see cref="InvalidOperationException"/>.
    /// </summary>
    public Task PrepareForAppendsAsync(NpgsqlTransaction transaction, IEnumerable<string> eventTypes, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(eventTypes);
        return DeclareAppendingAsync(transaction, [.. eventTypes.Distinct(StringComparer.Ordinal)], ct);
    }

    private async Task DeclareAppendingAsync(NpgsqlTransaction transaction, string[]? eventTypes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var connection = transaction.Connection
            ?? throw new InvalidOperationException("The transaction has already completed.");
        await using var command = new NpgsqlCommand(Sql.DeclareAppending, connection, transaction)
        {
            Parameters = { TypesParameter("types", eventTypes), TypesParameter("declare", eventTypes) },
        };
        await using var reader = await command.ExecuteReaderAsync(ct);
        await ReadDeclarationAsync(
            reader, $"{nameof(PrepareForAppendsAsync)} was called after the transaction's first write: call it before", ct);
    }

    /// <summary>Event types of a declaration of appends (<see langword="null"/>: every type).</summary>
    private static NpgsqlParameter TypesParameter(string name, string[]? eventTypes) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = eventTypes is null ? DBNull.Value : eventTypes };

    /// <summary>
    /// Reads the result of <see cref="EventStoreSql.DeclareAppending"/>: the transaction's id if it has one yet.
    /// Throws <paramref name="refusal"/> when the transaction had written before it was declared.
    /// </summary>
    private static async Task<ulong?> ReadDeclarationAsync(NpgsqlDataReader reader, string refusal, CancellationToken ct)
    {
        await reader.ReadAsync(ct);
        var transactionId = reader.IsDBNull(1) ? (ulong?)null : reader.GetFieldValue<ulong>(1);
        if (!reader.GetBoolean(0) && transactionId is not null)
        {
            throw new InvalidOperationException($"{refusal}, or log readers could skip its events.");
        }

        return transactionId;
    }

    /// <summary>Starts a unit of work: appends collected in the session are stored together by its SaveChangesAsync.</summary>
    public IEventSession OpenSession() => new EventSession(this);

    /// <summary>The events of a stream in version order, optionally only up to a version or to before a time.</summary>
    /// <param name="streamId">The stream.</param>
    /// <param name="toVersion">The last version to include.</param>
    /// <param name="recordedBefore">Include only events recorded strictly before this time.</param>
    /// <param name="ct">Cancels the read.</param>
    /// <param name="fromVersion">The first version to include (Marten's <c>fromVersion</c>).</param>
    /// <exception cref="InvalidOperationException">A stored payload no longer deserializes into its registered type.</exception>
    public async Task<IReadOnlyList<StoredEvent>> FetchStreamAsync(
        string streamId, long? toVersion = null, DateTimeOffset? recordedBefore = null, CancellationToken ct = default, long fromVersion = 1)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        var sql = Sql.FetchStream;
        await using var command = DataSource.CreateCommand();
        command.Parameters.Add(new NpgsqlParameter<string>("stream", streamId));
        if (fromVersion > 1)
        {
            sql += " AND version >= @fromVersion";
            command.Parameters.Add(new NpgsqlParameter<long>("fromVersion", fromVersion));
        }

        if (toVersion is { } version)
        {
            sql += " AND version <= @toVersion";
            command.Parameters.Add(new NpgsqlParameter<long>("toVersion", version));
        }

        if (recordedBefore is { } before)
        {
            sql += " AND recorded_at < @before";
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("before", before.ToUniversalTime()));
        }

        command.CommandText = sql + " ORDER BY version";
        await using var reader = await command.ExecuteReaderAsync(ct);
        var events = await ReadEventsAsync(reader, ct);
        foreach (var stored in events)
        {
            ThrowIfUnreadable(stored);
        }

        return events;
    }

    private void ThrowIfUnreadable(StoredEvent stored)
    {
        if (stored.DataError is { } error)
        {
            throw new InvalidOperationException(
                $"Event {stored.Id} (version {stored.Version} of stream '{stored.StreamId}', type '{stored.Type}') does not deserialize into {Types.TypeOf(stored.Type)?.FullName}.",
                error);
        }
    }

    /// <summary>The stream's current version: the version of its last event, 0 when the stream does not exist.</summary>
    public async Task<long> FetchStreamVersionAsync(string streamId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        await using var command = DataSource.CreateCommand(Sql.FetchStreamVersion);
        command.Parameters.Add(new NpgsqlParameter<string>("stream", streamId));
        return await command.ExecuteScalarAsync(ct) is long version ? version : 0;
    }

    /// <summary>
    /// Folds a stream into state, optionally only up to a version or to before a time ("what did we believe then").
    /// Events whose type is not registered in this process are skipped by the fold but still count for the version.
    /// </summary>
    /// <returns>The state and the version it reflects: pass that version to <see cref="IEventSession.Append(string, long, NewEvent[])"/>.</returns>
    public async Task<(T State, long Version)> AggregateStreamAsync<T>(
        string streamId,
        T initial,
        Func<T, object, T> evolve,
        long? toVersion = null,
        DateTimeOffset? recordedBefore = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(evolve);
        var events = await FetchStreamAsync(streamId, toVersion, recordedBefore, ct);
        var state = initial;
        foreach (var stored in events)
        {
            if (stored.Data is { } data)
            {
                state = evolve(state, data);
            }
        }

        return (state, events.Count == 0 ? 0 : events[^1].Version);
    }

    /// <summary>
    /// Brings a state folded up to <paramref name="version"/> up to date by folding only the events after it, as
    /// Marten's <c>AggregateStreamAsync(..., state, fromVersion)</c> does: what makes a cached aggregate cheap.
    /// </summary>
    public async Task<(T State, long Version)> AggregateStreamAsync<T>(
        string streamId, T state, long version, Func<T, object, T> evolve, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(evolve);
        var events = await FetchStreamAsync(streamId, ct: ct, fromVersion: version + 1);
        foreach (var stored in events)
        {
            if (stored.Data is { } data)
            {
                state = evolve(state, data);
            }
        }

        return (state, events.Count == 0 ? version : events[^1].Version);
    }

    /// <summary>
    /// Brings many states up to date in one round trip, each folded only with the events after the version it
    /// reflects: what a unit of work deciding about hundreds of streams at once needs (Marten answers this with a
    /// batched query). Read in <paramref name="transaction"/> when given, so the read sees what the caller locked.
    /// </summary>
    /// <returns>Every requested stream with its state and the version it now reflects (0 for a stream without events).</returns>
    public async Task<IReadOnlyDictionary<string, (T State, long Version)>> AggregateStreamsAsync<T>(
        IReadOnlyDictionary<string, (T State, long Version)> known, Func<T, object, T> evolve, NpgsqlTransaction? transaction = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(known);
        ArgumentNullException.ThrowIfNull(evolve);
        var folded = new Dictionary<string, (T State, long Version)>(known, StringComparer.Ordinal);
        if (known.Count == 0)
        {
            return folded;
        }

        var connection = transaction?.Connection;
        await using var ownConnection = connection is null ? await DataSource.OpenConnectionAsync(ct) : null;
        await using var command = new NpgsqlCommand(Sql.FetchStreamsAfter, connection ?? ownConnection, transaction)
        {
            Parameters =
            {
                new NpgsqlParameter<string[]>("streams", [.. known.Keys]),
                new NpgsqlParameter<long[]>("after", [.. known.Values.Select(k => k.Version)]),
            },
        };
        await using var reader = await command.ExecuteReaderAsync(ct);
        // Folded as they are read, one event at a time: hundreds of streams read from the start (a cold cache) must
        // not all be held in memory at once.
        while (await reader.ReadAsync(ct))
        {
            var stored = ReadEvent(reader);
            ThrowIfUnreadable(stored);
            var (state, _) = folded[stored.StreamId];
            folded[stored.StreamId] = (stored.Data is { } data ? evolve(state, data) : state, stored.Version);
        }

        return folded;
    }

    /// <summary>
    /// Stores states of streams folded up to their versions, as snapshots of <paramref name="kind"/> (Marten keeps an
    /// aggregate's snapshot beside its stream the same way, <c>Projections.Snapshot&lt;T&gt;</c>), in the caller's
    /// transaction. A state may fold committed events, or events appended earlier in the same transaction, with which
    /// it then commits or not at all. A snapshot replaces an older one of its stream and kind, never a newer one; one
    /// ahead of its stream's version is not stored (a state folded from events never committed must never be read back).
    /// </summary>
    /// <param name="kind">What the snapshots hold, and in which shape: give a new kind when the shape changes, and the old ones are ignored.</param>
    /// <param name="snapshots">The states, each stream once.</param>
    /// <param name="transaction">The caller's transaction.</param>
    /// <param name="ct">Cancels the work.</param>
    public async Task StoreSnapshotsAsync<T>(string kind, IReadOnlyCollection<StreamSnapshot<T>> snapshots, NpgsqlTransaction transaction, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(snapshots);
        ArgumentNullException.ThrowIfNull(transaction);
        if (snapshots.Count == 0)
        {
            return;
        }

        await using var command = new NpgsqlCommand(Sql.UpsertSnapshots, transaction.Connection, transaction)
        {
            Parameters =
            {
                new NpgsqlParameter<string>("kind", kind),
                new NpgsqlParameter<string[]>("streams", [.. snapshots.Select(s => s.StreamId)]),
                new NpgsqlParameter<long[]>("versions", [.. snapshots.Select(s => s.Version)]),
                new NpgsqlParameter<byte[][]>("data", [.. snapshots.Select(s => JsonSerializer.SerializeToUtf8Bytes(s.State, SerializerOptions))]),
                new NpgsqlParameter<DateTimeOffset>("now", Time.GetUtcNow()),
            },
        };
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The latest snapshots of <paramref name="kind"/> of the streams that have one (see <see cref="StoreSnapshotsAsync"/>).</summary>
    /// <returns>By stream id; a snapshot that no longer deserializes as <typeparamref name="T"/> is left out, so its stream is folded from its events.</returns>
    public async Task<IReadOnlyDictionary<string, StreamSnapshot<T>>> FetchSnapshotsAsync<T>(
        string kind, IReadOnlyCollection<string> streamIds, NpgsqlTransaction? transaction = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(streamIds);
        var snapshots = new Dictionary<string, StreamSnapshot<T>>(StringComparer.Ordinal);
        if (streamIds.Count == 0)
        {
            return snapshots;
        }

        var connection = transaction?.Connection;
        await using var ownConnection = connection is null ? await DataSource.OpenConnectionAsync(ct) : null;
        await using var command = new NpgsqlCommand(Sql.FetchSnapshots, connection ?? ownConnection, transaction)
        {
            Parameters =
            {
                new NpgsqlParameter<string[]>("streams", [.. streamIds]),
                new NpgsqlParameter<string>("kind", kind),
            },
        };
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            T? state;
            try
            {
                state = JsonSerializer.Deserialize<T>(reader.GetFieldValue<byte[]>(2), SerializerOptions);
            }
            catch (JsonException)
            {
                // Only a shortcut: the events are the truth, and the next snapshot of the stream replaces this one.
                continue;
            }

            if (state is not null)
            {
                var streamId = reader.GetString(0);
                snapshots[streamId] = new StreamSnapshot<T>(streamId, reader.GetInt64(1), state);
            }
        }

        return snapshots;
    }

    /// <summary>
    /// Reads the global log after <paramref name="after"/> in (transaction, sequence) order, stopping below the oldest
    /// transaction still in flight so that nothing committed later can ever sort before what was returned.
    /// </summary>
    /// <param name="after">The position of the last event already processed (<see cref="LogPosition.Start"/> to begin).</param>
    /// <param name="maxCount">At most this many events.</param>
    /// <param name="types">When given, only events of these types (the others are not read at all).</param>
    /// <param name="ct">Cancels the read.</param>
    public async Task<IReadOnlyList<StoredEvent>> ReadLogAsync(
        LogPosition after, int maxCount, IReadOnlySet<string>? types = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        await using var connection = await DataSource.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { CreateReadLogCommand(after, maxCount, types) } };
        await using var reader = await batch.ExecuteReaderAsync(ct);
        return (await ReadLogPageAsync(reader, after, maxCount, ct)).Events;
    }

    /// <summary>Events that projections gave up on, optionally of one projection only, by projection and sequence number.</summary>
    public async Task<IReadOnlyList<DeadLetter>> ReadDeadLettersAsync(string? projection = null, CancellationToken ct = default)
    {
        await using var command = DataSource.CreateCommand();
        command.CommandText = Sql.ReadDeadLetters + (projection is null ? "" : " WHERE projection = @name") + " ORDER BY projection, seq";
        if (projection is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<string>("name", projection));
        }

        await using var reader = await command.ExecuteReaderAsync(ct);
        var deadLetters = new List<DeadLetter>();
        while (await reader.ReadAsync(ct))
        {
            deadLetters.Add(new DeadLetter(
                reader.GetString(0),
                reader.GetInt64(1),
                reader.GetGuid(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetString(5),
                reader.GetInt32(6),
                reader.GetFieldValue<DateTimeOffset>(7)));
        }

        return deadLetters;
    }

    /// <summary>How many events the log holds up to and including <paramref name="until"/> (what a replay to there reads).</summary>
    public async Task<long> CountEventsAsync(LogPosition until, CancellationToken ct = default)
    {
        await using var command = DataSource.CreateCommand(Sql.CountEventsUntil);
        command.Parameters.Add(Xid8Parameter("tx", until.Tx));
        command.Parameters.Add(new NpgsqlParameter<long>("seq", until.Seq));
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The committed checkpoint of a projection or subscription, <see langword="null"/> when it never ran.</summary>
    public async Task<LogPosition?> ReadCheckpointAsync(string name, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        await using var command = DataSource.CreateCommand(Sql.ReadCheckpoint);
        command.Parameters.Add(new NpgsqlParameter<string>("name", name));
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new LogPosition(reader.GetFieldValue<ulong>(0), reader.GetInt64(1)) : null;
    }

    /// <summary>The position of the last event committed so far, or <see langword="null"/> when the log is empty.</summary>
    internal async Task<LogPosition?> ReadLastCommittedPositionAsync(CancellationToken ct)
    {
        await using var command = DataSource.CreateCommand(Sql.LastCommittedPosition);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new LogPosition(reader.GetFieldValue<ulong>(0), reader.GetInt64(1)) : null;
    }

    internal NpgsqlBatchCommand CreateReadLogCommand(
        LogPosition after, int maxCount, IReadOnlySet<string>? types, string? follows = null, StreamPartition? partition = null,
        IReadOnlySet<string>? withoutData = null)
    {
        if (partition is not null && types is null)
        {
            throw new ArgumentException("A reader of one partition must name the event types it reads.", nameof(partition));
        }

        var sql = Sql.ReadLog(ofTypes: types is not null, following: follows is not null, partitioned: partition is not null);
        var command = new NpgsqlBatchCommand(sql)
        {
            Parameters =
            {
                Xid8Parameter("tx", after.Tx),
                new NpgsqlParameter<long>("seq", after.Seq),
                new NpgsqlParameter<int>("max", maxCount),
            },
        };
        if (types is not null)
        {
            // How many positions one read of some types may step through (see EventStoreSql.ReadLog).
            command.Parameters.Add(new NpgsqlParameter<int>("window", (int)Math.Min(int.MaxValue, Math.Max(4_000L, 4L * maxCount))));
            command.Parameters.Add(new NpgsqlParameter<string[]>("types", [.. types]));
            command.Parameters.Add(new NpgsqlParameter<string[]>("withoutData", withoutData is null ? [] : [.. withoutData]));
        }

        if (follows is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<string>("follows", follows));
        }

        if (partition is { } part)
        {
            command.Parameters.Add(new NpgsqlParameter<int>("partitions", part.Count));
            command.Parameters.Add(new NpgsqlParameter<int>("partition", part.Index));
        }

        return command;
    }

    /// <summary>
    /// Reads the current result set of a log read (<see cref="CreateReadLogCommand"/>) after <paramref name="after"/>
    /// of at most <paramref name="maxCount"/> events: the events, and the position a reader may move its checkpoint to.
    /// </summary>
    internal async Task<LogPage> ReadLogPageAsync(NpgsqlDataReader reader, LogPosition after, int maxCount, CancellationToken ct)
    {
        var events = new List<StoredEvent>();
        LogPosition? bound = null;
        bool? heldBack = null;
        // Every row carries, last, whether events are held back, and a read of some types how far it looked in the two
        // columns before, all on a single row of nulls when no event matched (see EventStoreSql.ReadLog).
        var heldBackColumn = reader.FieldCount - 1;
        var bounded = heldBackColumn > 9;
        while (await reader.ReadAsync(ct))
        {
            heldBack ??= reader.GetBoolean(heldBackColumn);
            if (bounded && bound is null && !reader.IsDBNull(9))
            {
                bound = new LogPosition(reader.GetFieldValue<ulong>(9), reader.GetInt64(10));
            }

            if (!reader.IsDBNull(0))
            {
                events.Add(ReadEvent(reader));
            }
        }

        // A full page may have more after it; a short one has seen everything up to the bound, matching or not.
        var last = events.Count > 0 ? events[^1].Position : after;
        var scannedTo = events.Count < maxCount && bound is { } looked && looked > last ? looked : last;
        return new LogPage(events, scannedTo, heldBack ?? false);
    }

    /// <summary>Reads the current result set of <paramref name="reader"/> as events (columns as in the log queries).</summary>
    internal async Task<List<StoredEvent>> ReadEventsAsync(NpgsqlDataReader reader, CancellationToken ct)
    {
        var events = new List<StoredEvent>();
        while (await reader.ReadAsync(ct))
        {
            events.Add(ReadEvent(reader));
        }

        return events;
    }

    internal static NpgsqlParameter<ulong> Xid8Parameter(string name, ulong value) =>
        new(name, NpgsqlDbType.Xid8) { TypedValue = value };

    internal static string SerializeHeaders(IReadOnlyDictionary<string, string> headers) =>
        JsonSerializer.Serialize(headers, _headerSerializerOptions);

    /// <summary>Stores the appends of one unit of work; see <see cref="IEventSession.SaveChangesAsync(CancellationToken)"/>.</summary>
    internal async Task<IReadOnlyList<StoredEvent>> AppendAsync(
        IReadOnlyList<PendingAppend> appends, NpgsqlTransaction? transaction, CancellationToken ct)
    {
        if (transaction is not null)
        {
            try
            {
                return await AppendInTransactionAsync(appends, transaction, ownTransaction: false, ct);
            }
            catch (PostgresException ex) when (IsUniqueViolation(ex))
            {
                throw ToConcurrencyException(appends, ex);
            }
        }

        const int maxAttempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            await using var connection = await DataSource.OpenConnectionAsync(ct);
            await using var own = await connection.BeginTransactionAsync(ct);
            try
            {
                var stored = await AppendInTransactionAsync(appends, own, ownTransaction: true, ct);
                await own.CommitAsync(ct);
                NotifyCommittedOf([.. stored.Select(e => e.Type).Distinct()]);

                return stored;
            }
            catch (PostgresException ex) when (ex is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: EventStoreSql.EventIdConstraint }
                && attempt < maxAttempts)
            {
                // A concurrent unit committed one of these event ids first (in another stream, or the existence check
                // ran before it committed). The next attempt sees the id and drops the event as already stored.
            }
            catch (PostgresException ex) when (IsUniqueViolation(ex))
            {
                throw ToConcurrencyException(appends, ex);
            }
        }
    }

    private async Task<IReadOnlyList<StoredEvent>> AppendInTransactionAsync(
        IReadOnlyList<PendingAppend> appends, NpgsqlTransaction transaction, bool ownTransaction, CancellationToken ct)
    {
        var connection = transaction.Connection
            ?? throw new InvalidOperationException("The transaction passed to SaveChangesAsync has already completed.");
        var streamIds = appends.Select(a => a.StreamId).Distinct(StringComparer.Ordinal).ToArray();
        var eventIds = appends.SelectMany(a => a.Events).Select(e => e.Id).ToArray();

        // Round trip 1: declare the transaction an appender of these types (readers wait only for appenders of their
        // types; one that declared before its first write may have declared more, or any), lock the streams, then
        // read versions and known ids. Both come before any write of the store's, so in a transaction of its own the
        // transaction id is taken after the locks and readers never see one stream's versions committed out of order.
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        var lastWriters = new Dictionary<string, ulong>(StringComparer.Ordinal);
        var knownIds = new HashSet<Guid>();
        ulong? transactionId;
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            // The store's own transaction appends these types and nothing else; a caller's undeclared one may append
            // others after this, so it is declared for any type, as it would have been by PrepareForAppendsAsync.
            string[] types = [.. appends.SelectMany(a => a.Events).Select(e => e.Type).Distinct(StringComparer.Ordinal)];
            batch.BatchCommands.Add(new NpgsqlBatchCommand(Sql.DeclareAppending)
            {
                Parameters = { TypesParameter("types", types), TypesParameter("declare", ownTransaction ? types : null) },
            });
            batch.BatchCommands.Add(new NpgsqlBatchCommand(Sql.LockStreams) { Parameters = { new NpgsqlParameter<string[]>("streams", streamIds) } });
            batch.BatchCommands.Add(new NpgsqlBatchCommand(Sql.SelectStreamVersions) { Parameters = { new NpgsqlParameter<string[]>("streams", streamIds) } });
            batch.BatchCommands.Add(new NpgsqlBatchCommand(Sql.SelectExistingEventIds) { Parameters = { new NpgsqlParameter<Guid[]>("ids", eventIds) } });
            await using var reader = await batch.ExecuteReaderAsync(ct);
            transactionId = await ReadDeclarationAsync(
                reader,
                "This transaction wrote before it appended events without declaring itself an appender of their types first: call "
                + $"{nameof(EventStore)}.{nameof(PrepareForAppendsAsync)} before its first write, with every type it appends",
                ct);

            await reader.NextResultAsync(ct);
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var stream = reader.GetString(0);
                versions[stream] = reader.GetInt64(1);
                if (!reader.IsDBNull(2))
                {
                    lastWriters[stream] = reader.GetFieldValue<ulong>(2);
                }
            }

            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                knownIds.Add(reader.GetGuid(0));
            }
        }

        // A transaction of the caller's may have taken its id before these locks, while a later transaction appended
        // to one of the streams and committed: appending now would put this stream's next version before the
        // previous one in log order. Decide again in a new transaction instead.
        if (transactionId is { } own && lastWriters.FirstOrDefault(w => w.Value > own) is { Key: { } overtaken, Value: var writer })
        {
            var expected = appends.First(a => a.StreamId == overtaken).ExpectedVersion;
            throw new ConcurrencyException(overtaken, expected, actualVersion: null, new InvalidOperationException(
                $"Transaction {own} wrote before transaction {writer} appended version {versions[overtaken]} of the stream and committed: its append would come first in the log."));
        }

        var planned = new List<(PendingEvent Event, string StreamId, long Version)>();
        var streams = new Dictionary<string, (long Version, string? Type)>(StringComparer.Ordinal);
        foreach (var append in appends)
        {
            // HashSet.Add also drops an id repeated within this unit of work.
            var fresh = append.Events.Where(e => knownIds.Add(e.Id)).ToList();
            if (fresh.Count == 0)
            {
                // Every event is already stored: this append happened before, and its version check with it.
                continue;
            }

            var current = versions.GetValueOrDefault(append.StreamId);
            if (append.ExpectedVersion != ExpectedVersion.Any && append.ExpectedVersion != current)
            {
                throw new ConcurrencyException(append.StreamId, append.ExpectedVersion, current);
            }

            foreach (var pending in fresh)
            {
                planned.Add((pending, append.StreamId, ++current));
            }

            versions[append.StreamId] = current;
            var type = streams.TryGetValue(append.StreamId, out var earlier) ? earlier.Type ?? append.StreamType : append.StreamType;
            streams[append.StreamId] = (current, type);
        }

        if (planned.Count == 0)
        {
            return [];
        }

        // Round trip 2: the streams rows first (events reference them), then all events in one statement.
        var now = Time.GetUtcNow();
        var positions = new Dictionary<Guid, (long Seq, ulong Tx)>(planned.Count);
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            var upserted = streams.Keys.Order(StringComparer.Ordinal).ToArray();
            batch.BatchCommands.Add(new NpgsqlBatchCommand(Sql.UpsertStreams)
            {
                Parameters =
                {
                    new NpgsqlParameter<string[]>("ids", upserted),
                    new NpgsqlParameter<string?[]>("types", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. upserted.Select(id => streams[id].Type)] },
                    new NpgsqlParameter<long[]>("versions", [.. upserted.Select(id => streams[id].Version)]),
                    new NpgsqlParameter<DateTimeOffset>("now", now),
                },
            });

            batch.BatchCommands.Add(new NpgsqlBatchCommand(Sql.InsertEvents)
            {
                Parameters =
                {
                    new NpgsqlParameter<Guid[]>("ids", [.. planned.Select(p => p.Event.Id)]),
                    new NpgsqlParameter<string[]>("streams", [.. planned.Select(p => p.StreamId)]),
                    new NpgsqlParameter<long[]>("versions", [.. planned.Select(p => p.Version)]),
                    new NpgsqlParameter<string[]>("types", [.. planned.Select(p => p.Event.Type)]),
                    new NpgsqlParameter<string[]>("data", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { TypedValue = [.. planned.Select(p => p.Event.Json)] },
                    new NpgsqlParameter<string[]>("headers", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { TypedValue = [.. planned.Select(p => p.Event.HeadersJson)] },
                    new NpgsqlParameter<DateTimeOffset>("now", now),
                },
            });

            await using var reader = await batch.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                positions[reader.GetGuid(0)] = (reader.GetInt64(1), reader.GetFieldValue<ulong>(2));
            }
        }

        return
        [
            .. planned.Select(p =>
            {
                var (seq, tx) = positions[p.Event.Id];
                return new StoredEvent(seq, tx, p.Event.Id, p.StreamId, p.Version, p.Event.Type, p.Event.Data, p.Event.Headers, now);
            }),
        ];
    }

    private StoredEvent ReadEvent(NpgsqlDataReader reader)
    {
        var type = reader.GetString(5);
        object? data = null;
        Exception? dataError = null;
        if (Types.TypeOf(type) is { } clrType && !reader.IsDBNull(6))
        {
            try
            {
                data = JsonSerializer.Deserialize(reader.GetFieldValue<byte[]>(6), clrType, SerializerOptions);
            }
            catch (Exception ex) when (ex is JsonException or NotSupportedException)
            {
                dataError = ex;
            }
        }

        var headers = JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetFieldValue<byte[]>(7), _headerSerializerOptions) ?? _noHeaders;
        return new StoredEvent(
            reader.GetInt64(0),
            reader.GetFieldValue<ulong>(1),
            reader.GetGuid(2),
            reader.GetString(3),
            reader.GetInt64(4),
            type,
            data,
            headers,
            reader.GetFieldValue<DateTimeOffset>(8))
        {
            DataError = dataError,
        };
    }

    private static bool IsUniqueViolation(PostgresException ex) =>
        ex is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: EventStoreSql.EventIdConstraint or EventStoreSql.StreamVersionConstraint };

    private static ConcurrencyException ToConcurrencyException(IReadOnlyList<PendingAppend> appends, PostgresException ex)
    {
        // The server does not say which stream collided (error details are off by default), so name the first one.
        var first = appends[0];
        return new ConcurrencyException(first.StreamId, first.ExpectedVersion, actualVersion: null, ex);
    }
}
