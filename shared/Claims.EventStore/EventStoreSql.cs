using System.Text.RegularExpressions;

namespace Claims.EventStore;

/// <summary>The SQL of one event store schema, built once so the hot paths only bind parameters.</summary>
internal sealed partial class EventStoreSql
{
    public const string EventIdConstraint = "events_id_key";
    public const string StreamVersionConstraint = "events_stream_version_key";

    public EventStoreSql(string schema)
    {
        if (!IdentifierPattern().IsMatch(schema))
        {
            throw new ArgumentException(
                $"Event store schema '{schema}' must be 1-50 lower-case letters, digits or underscores, starting with a letter or underscore.",
                nameof(schema));
        }

        const string emptyJsonObject = "'{}'";
        const string eventColumns = "seq, tx, id, stream_id, version, type, data, headers, recorded_at";
        // A read of some types leaves out the data of those its reader does not need (IProjection.EventTypesWithoutData).
        const string typedEventColumns =
            "e.seq, e.tx, e.id, e.stream_id, e.version, e.type, CASE WHEN e.type = ANY(@withoutData) THEN NULL ELSE e.data END AS data, e.headers, e.recorded_at";
        Schema = schema;
        NotifyChannel = $"{schema}_events";
        var s = $"\"{schema}\"";

        CreateSchema = $"""
            CREATE SCHEMA IF NOT EXISTS {s};
            CREATE TABLE IF NOT EXISTS {s}.streams (
                id text PRIMARY KEY,
                type text,
                version bigint NOT NULL,
                created timestamptz NOT NULL,
                updated timestamptz NOT NULL,
                archived boolean NOT NULL DEFAULT false
            );
            CREATE TABLE IF NOT EXISTS {s}.events (
                seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                id uuid NOT NULL CONSTRAINT {EventIdConstraint} UNIQUE,
                stream_id text NOT NULL REFERENCES {s}.streams (id),
                version bigint NOT NULL,
                type text NOT NULL,
                data jsonb NOT NULL,
                headers jsonb NOT NULL DEFAULT {emptyJsonObject},
                recorded_at timestamptz NOT NULL,
                tx xid8 NOT NULL DEFAULT pg_current_xact_id(),
                CONSTRAINT {StreamVersionConstraint} UNIQUE (stream_id, version)
            );
            CREATE TABLE IF NOT EXISTS {s}.progress (
                name text PRIMARY KEY,
                tx xid8 NOT NULL,
                seq bigint NOT NULL,
                updated timestamptz NOT NULL
            );
            CREATE TABLE IF NOT EXISTS {s}.dead_letters (
                projection text NOT NULL,
                seq bigint NOT NULL,
                event_id uuid NOT NULL,
                stream_id text NOT NULL,
                type text NOT NULL,
                error text NOT NULL,
                attempts integer NOT NULL,
                recorded_at timestamptz NOT NULL,
                PRIMARY KEY (projection, seq)
            );
            -- A stream's state folded up to a version, kept beside the stream (Marten's snapshots): a fold without the
            -- state in memory starts there instead of at the stream's first event. Several kinds per stream may exist.
            CREATE TABLE IF NOT EXISTS {s}.snapshots (
                stream_id text NOT NULL,
                kind text NOT NULL,
                version bigint NOT NULL,
                data bytea NOT NULL,
                updated timestamptz NOT NULL,
                PRIMARY KEY (stream_id, kind)
            );
            DO $$
            BEGIN
                -- CREATE INDEX IF NOT EXISTS would still take a share lock on events and stall appends.
                IF to_regclass('{s}.events_tx_seq_idx') IS NULL THEN
                    CREATE INDEX events_tx_seq_idx ON {s}.events (tx, seq);
                END IF;
                -- The transaction that last appended to each stream (see AppendInTransactionAsync); null before it existed.
                IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = '{s}.streams'::regclass AND attname = 'last_tx' AND NOT attisdropped) THEN
                    ALTER TABLE {s}.streams ADD COLUMN last_tx xid8;
                END IF;
            END $$;
            """;

        // Every transaction that appends to this schema's log holds a shared two-key advisory lock from before its first
        // write (so before it has a transaction id) until it ends: the first key is this log's, the second the hash of an
        // event type it may append, or 0 for any type. Readers are held back only by those, and a reader of some types
        // only by those that may append one of its types (see ReadableBeforeOf). A transaction-local setting records what
        // the transaction declared: "all", or a JSON array of types.
        var appendersKey = $"hashtext('{schema}:appenders')";
        var appendingMarker = $"claims.appending_{schema}";
        // Until e11306b an appender held one one-key lock for any type, and readers counted only that one. For one
        // release both sides keep to it too, so that old and new processes may run side by side during a rolling
        // upgrade: a declaration also takes it (an old reader then waits for a new appender, of whatever types), and a
        // reader counts a holder of it that holds none of the two-key locks (an old appender) as an appender of any type.
        // Remove both once no deployment runs services from before e11306b.
        var legacyAppendersKey = $"hashtextextended('{schema}:appenders', 0)";
        // Covered: declared for every type of @types (null: for any type). Otherwise, while the transaction has no id
        // yet, it is declared now, for the types of @declare (null: any type); one that wrote without declaring them
        // stays uncovered, so retrying the refused append in the same transaction fails again.
        // (pg_advisory_xact_lock_shared is volatile: it runs for every key though only their count is used.)
        DeclareAppending = $"""
            SELECT c.covered, c.xid, CASE WHEN NOT c.covered AND c.xid IS NULL THEN
                (SELECT set_config('{appendingMarker}',
                                   CASE WHEN @declare IS NULL THEN 'all' ELSE (coalesce(nullif(c.marker, ''), '[]')::jsonb || to_jsonb(@declare))::text END, true)
                 FROM (SELECT count(*) FROM (SELECT pg_advisory_xact_lock_shared({appendersKey}, k.key)
                                             FROM (SELECT 0 AS key WHERE @declare IS NULL
                                                   UNION SELECT hashtext(t) FROM unnest(@declare) AS t) AS k) AS locked,
                              pg_advisory_xact_lock_shared({legacyAppendersKey}) AS legacy) AS l) END
            FROM (SELECT m AS marker, pg_current_xact_id_if_assigned() AS xid,
                         m = 'all' OR (@types IS NOT NULL AND m <> '' AND jsonb_exists_all(m::jsonb, @types)) AS covered
                  FROM (SELECT coalesce(current_setting('{appendingMarker}', true), '') AS m) AS s) AS c
            """;

        // How far a reader may read: below the oldest transaction still open that may yet append to this log (one of
        // the reader's types, for a reader of some types). Every transaction of the snapshot not in its in-progress list
        // has ended; of those in it, one whose owner holds its own transaction-id lock but no appenders' lock that
        // concerns the reader will never append what it reads (an appender declares itself before it writes, and the
        // store refuses an append from a transaction that wrote without declaring the types it appends). Only what was
        // seen alive counts as harmless: one that has ended since the snapshot may have committed events this snapshot
        // cannot see, so it bounds the read as an appender would. Both lock kinds are judged from one read of pg_locks
        // (MATERIALIZED), since two reads could miss an appender ending between them. Transactions that never append
        // (projection batches, the services' own tables) thus never hold the log back, and a long reconciliation batch,
        // appending claim events only, no longer holds back the relay of the articles' claims: with only xmin, the
        // longest transaction anywhere in the cluster delayed every reader. pg_locks is read only when something is in
        // progress.
        string ReadableBeforeOf(bool ofTypes)
        {
            var concernsTheReader = ofTypes
                ? " AND (objid = 0 OR objid::bigint IN (SELECT hashtext(t)::bigint & 4294967295 FROM unnest(@types) AS t))"
                : "";
            return $"""
                (WITH locks AS MATERIALIZED (
                         SELECT locktype, transactionid, pid, database, classid, objid, objsubid, mode FROM pg_locks
                         WHERE granted AND locktype IN ('transactionid', 'advisory')),
                      owners AS (SELECT transactionid, pid FROM locks WHERE locktype = 'transactionid' AND mode = 'ExclusiveLock' AND pid IS NOT NULL),
                      here AS (SELECT locktype, pid, classid, objid, objsubid FROM locks
                               WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())),
                      -- A two-key advisory lock shows its first key as classid and its second as objid (both as oid).
                      declared AS (SELECT pid, objid FROM here WHERE objsubid = 2 AND classid::bigint = {appendersKey}::bigint & 4294967295),
                      -- A one-key advisory lock shows its key's high half as classid and its low half as objid.
                      legacy AS (SELECT pid FROM here, {legacyAppendersKey} AS k
                                 WHERE objsubid = 1 AND classid::bigint = (k >> 32) & 4294967295 AND objid::bigint = k & 4294967295),
                      appenders AS (SELECT pid FROM declared WHERE true{concernsTheReader}
                                    UNION ALL SELECT pid FROM legacy l WHERE NOT EXISTS (SELECT 1 FROM declared d WHERE d.pid = l.pid))
                 SELECT coalesce(min(x), pg_snapshot_xmax(pg_current_snapshot())) FROM pg_snapshot_xip(pg_current_snapshot()) AS x
                 WHERE NOT EXISTS (SELECT 1 FROM owners o WHERE o.transactionid = xid(x) AND NOT EXISTS (SELECT 1 FROM appenders a WHERE a.pid = o.pid)))
                """;
        }

        // The DISTINCT ... ORDER BY subquery is not flattened, so the locks are taken in key order:
        // two units touching the same streams can never deadlock.
        LockStreams = $"""
            SELECT pg_advisory_xact_lock(k)
            FROM (SELECT DISTINCT hashtextextended('{schema}:stream:' || s, 0) AS k FROM unnest(@streams) AS s ORDER BY k) AS keys
            """;
        SelectStreamVersions = $"SELECT id, version, last_tx FROM {s}.streams WHERE id = ANY(@streams)";
        SelectExistingEventIds = $"SELECT id FROM {s}.events WHERE id = ANY(@ids)";
        // One statement for every stream of the unit of work, in the order the advisory locks were taken.
        UpsertStreams = $"""
            INSERT INTO {s}.streams (id, type, version, created, updated, last_tx)
            SELECT u.id, u.type, u.version, @now, @now, pg_current_xact_id() FROM unnest(@ids, @types, @versions) AS u (id, type, version) ORDER BY u.id
            ON CONFLICT (id) DO UPDATE SET version = excluded.version, updated = excluded.updated, type = coalesce({s}.streams.type, excluded.type),
                last_tx = excluded.last_tx
            """;
        InsertEvents = $"""
            INSERT INTO {s}.events (id, stream_id, version, type, data, headers, recorded_at)
            SELECT e.id, e.stream_id, e.version, e.type, e.data, e.headers, @now
            FROM unnest(@ids, @streams, @versions, @types, @data, @headers) AS e (id, stream_id, version, type, data, headers)
            RETURNING id, seq, tx
            """;

        // A snapshot replaces an older one of its kind, never a newer one, and is stored only if its stream has reached
        // its version, as this transaction sees it (committed, or appended earlier in this transaction).
        UpsertSnapshots = $"""
            INSERT INTO {s}.snapshots (stream_id, kind, version, data, updated)
            SELECT u.stream_id, @kind, u.version, u.data, @now
            FROM unnest(@streams, @versions, @data) AS u (stream_id, version, data)
            JOIN {s}.streams st ON st.id = u.stream_id AND st.version >= u.version
            ORDER BY u.stream_id
            ON CONFLICT (stream_id, kind) DO UPDATE SET version = excluded.version, data = excluded.data, updated = excluded.updated
                WHERE {s}.snapshots.version < excluded.version
            """;
        FetchSnapshots = $"SELECT stream_id, version, data FROM {s}.snapshots WHERE stream_id = ANY(@streams) AND kind = @kind";

        FetchStream = $"SELECT {eventColumns} FROM {s}.events WHERE stream_id = @stream";
        FetchStreamVersion = $"SELECT version FROM {s}.streams WHERE id = @stream";
        // LATERAL keeps the plan an index range scan per stream: a plain join, not knowing how few streams the
        // arrays hold, was planned as a hash join over the whole events table (70 ms a call in the benchmark).
        FetchStreamsAfter = $"""
            SELECT e.*
            FROM unnest(@streams, @after) AS k (stream_id, after)
                 CROSS JOIN LATERAL (SELECT {eventColumns} FROM {s}.events
                                     WHERE stream_id = k.stream_id AND version > k.after ORDER BY version) AS e
            """;

        // Every transaction below the bound has finished or never appends, and aborted ones left no rows:
        // nothing readable later can ever sort before what this returns.
        // Every read also says whether committed events wait at or above its bound, because a transaction that may append
        // is still open: the reader then polls again soon, since that transaction's end sends no notification unless it
        // appended events itself. The bound and the answer come from one statement, so from one snapshot and one read of
        // pg_locks: asked in a statement of their own, before or after the read, a blocker that ended in between left a
        // reader believing nothing was held back, asleep for its idle interval with events to read (a CI run waited out
        // 15 s that way), and each question read pg_locks again (3 % of the database's time for the second).
        // Each gap between two in-progress transactions from the bound on (the last one up to xmax) is probed with both
        // bounds in the index, so the scan never visits an open transaction's uncommitted rows: scanning from xmin
        // visited each of them in the heap to find it invisible, a reconciliation batch of ~1,500 events a call: 14 ms a
        // call and 70 % of the database's time in the benchmark's saturated phase.
        string ReadableAndHeldBack(bool ofTypes) => $"""
            readable AS MATERIALIZED (SELECT {ReadableBeforeOf(ofTypes)} AS b),
            held_back AS MATERIALIZED (
                SELECT EXISTS (
                    SELECT 1 FROM (SELECT x AS after, coalesce(lead(x) OVER (ORDER BY x), pg_snapshot_xmax(pg_current_snapshot())) AS before
                                   FROM readable, pg_snapshot_xip(pg_current_snapshot()) AS x WHERE x >= readable.b) AS gaps
                    WHERE EXISTS (SELECT 1 FROM {s}.events e WHERE e.tx > gaps.after AND e.tx < gaps.before)) AS held)
            """;
        const string inOrder = " ORDER BY tx, seq LIMIT @max";
        // A follower reads no further than the committed checkpoint of the projection it follows (none: nothing).
        var followed = $" AND (tx, seq) <= (SELECT p.tx, p.seq FROM {s}.progress p WHERE p.name = @follows)";
        // A read of some types (and, for one partition of a replay, of some streams) returns only those events, as
        // Marten's daemon does: the log's other rows stay on the server (returning them without data still cost about
        // 3 µs a row, and the rebuild's four readers stepped over 336k of them on a 112k-event log). It first fixes how
        // far it may look, the last visible position (below ReadableBeforeOf, so final), then takes at most @window positions after
        // the checkpoint in log order, and returns the events of its types among them. Every row carries how far it
        // looked (on a single row of nulls when nothing matched): the last position taken when the window was full,
        // else the bound. A reader that got fewer than it asked for has seen everything up to there and moves its
        // checkpoint there. The window keeps the scan in the index's order: the planner cannot estimate a partition's
        // filter (a hash of the stream id, masked to stay non-negative), took it for 1 row in 200, and scanned and sorted
        // every event after the checkpoint for each page instead (30 ms for a page of 1,000 on a 112k-event log, 2 ms now).
        // Each event of the page is then fetched by its position, one index lookup each (LATERAL ... OFFSET 0, which the
        // planner cannot turn back into a join): a plain join let a prepared statement's generic plan, made while the
        // log was small, hash-join the page with the whole log, read from end to end (26 ms for a page on a 73k-event log
        // in the benchmark, 72 % of the database's time at half load, and growing with the log).
        string OfTypes(bool following, bool partitioned) => $"""
            WITH {ReadableAndHeldBack(ofTypes: true)},
            bound AS MATERIALIZED (
                SELECT tx, seq FROM {s}.events
                WHERE tx < (SELECT b FROM readable){(following ? followed : "")}
                ORDER BY tx DESC, seq DESC LIMIT 1),
            scanned AS MATERIALIZED (
                SELECT e.tx, e.seq, e.type, e.stream_id FROM bound b CROSS JOIN LATERAL (
                    SELECT tx, seq, type, stream_id FROM {s}.events
                    WHERE (tx, seq) > (@tx, @seq) AND (tx, seq) <= (b.tx, b.seq)
                    ORDER BY tx, seq LIMIT @window) e),
            reach AS MATERIALIZED (
                SELECT coalesce(l.tx, b.tx) AS tx, coalesce(l.seq, b.seq) AS seq
                FROM bound b LEFT JOIN (SELECT tx, seq FROM scanned WHERE (SELECT count(*) FROM scanned) = @window
                                        ORDER BY tx DESC, seq DESC LIMIT 1) l ON true)
            SELECT e.*, r.tx, r.seq, h.held
            FROM held_back h LEFT JOIN reach r ON true LEFT JOIN LATERAL (
                SELECT {typedEventColumns}
                FROM (SELECT tx, seq FROM scanned
                      WHERE type = ANY(@types){(partitioned ? " AND (hashtext(stream_id) & 2147483647) % @partitions = @partition" : "")}
                      ORDER BY tx, seq LIMIT @max) s
                     CROSS JOIN LATERAL (SELECT * FROM {s}.events x WHERE x.seq = s.seq OFFSET 0) e
                ORDER BY s.tx, s.seq) e ON true
            """;
        string ReadLogSql(bool ofTypes, bool following, bool partitioned) => ofTypes
            ? OfTypes(following, partitioned)
            : $"""
              WITH {ReadableAndHeldBack(ofTypes: false)}
              SELECT e.*, h.held FROM held_back h LEFT JOIN LATERAL (
                  SELECT {eventColumns} FROM {s}.events
                  WHERE (tx, seq) > (@tx, @seq) AND tx < (SELECT b FROM readable){(following ? followed : "")}{inOrder}) e ON true
              """;

        // Indexed as ReadLogIndex numbers them: one bit for each choice.
        _readLogs = [.. Enumerable.Range(0, 8).Select(i => ReadLogSql(ofTypes: (i & 4) != 0, following: (i & 2) != 0, partitioned: (i & 1) != 0))];
        CountEventsUntil = $"SELECT count(*) FROM {s}.events WHERE (tx, seq) <= (@tx, @seq)";
        LastCommittedPosition = $"SELECT tx, seq FROM {s}.events ORDER BY tx DESC, seq DESC LIMIT 1";

        ReadCheckpoint = $"SELECT tx, seq FROM {s}.progress WHERE name = @name";
        EnsureCheckpoint = $"INSERT INTO {s}.progress (name, tx, seq, updated) VALUES (@name, '0', 0, @now) ON CONFLICT (name) DO NOTHING";
        AdvanceCheckpoint = $"UPDATE {s}.progress SET tx = @tx, seq = @seq, updated = @now WHERE name = @name AND tx = @oldTx AND seq = @oldSeq";
        // A rebuild hands its read model over: the live projection's dead letters were replayed, the rebuild's are now its.
        HandOverDeadLetters = $"""
            DELETE FROM {s}.dead_letters WHERE projection = @live;
            UPDATE {s}.dead_letters SET projection = @live WHERE projection = ANY(@rebuilds);
            DELETE FROM {s}.progress WHERE name = ANY(@rebuilds)
            """;
        ResetCheckpoint = $"""
            UPDATE {s}.progress SET tx = '0', seq = 0, updated = @now WHERE name = @name;
            DELETE FROM {s}.dead_letters WHERE projection = @name
            """;
        RecordDeadLetter = $"""
            INSERT INTO {s}.dead_letters (projection, seq, event_id, stream_id, type, error, attempts, recorded_at)
            VALUES (@name, @seq, @id, @stream, @type, @error, @attempts, @now)
            ON CONFLICT (projection, seq) DO UPDATE SET error = excluded.error, attempts = excluded.attempts, recorded_at = excluded.recorded_at
            """;
        ReadDeadLetters = $"SELECT projection, seq, event_id, stream_id, type, error, attempts, recorded_at FROM {s}.dead_letters";

        TryLockProjection = "SELECT pg_try_advisory_lock(hashtextextended(@key, 0))";
        UnlockProjection = "SELECT pg_advisory_unlock(hashtextextended(@key, 0))";
        LockProjectionBatch = "SELECT pg_advisory_xact_lock(hashtextextended(@key, 0))";
        LockSchema = $"SELECT pg_advisory_xact_lock(hashtextextended('{schema}:schema', 0))";
    }

    public string Schema { get; }
    public string NotifyChannel { get; }

    /// <summary>
    /// Whether this transaction had declared itself an appender of every type of <c>@types</c> (null: of any type), and
    /// its transaction id if it has one yet; unless it has an id or had, declares it an appender of the types of
    /// <c>@declare</c> (null: of any type): takes their appenders' locks, shared, until the transaction ends.
    /// </summary>
    public string DeclareAppending { get; }

    public string CreateSchema { get; }
    public string LockSchema { get; }
    public string LockStreams { get; }
    public string SelectStreamVersions { get; }
    public string SelectExistingEventIds { get; }
    public string UpsertStreams { get; }
    public string InsertEvents { get; }
    public string UpsertSnapshots { get; }
    public string FetchSnapshots { get; }
    public string FetchStream { get; }
    public string FetchStreamVersion { get; }
    public string FetchStreamsAfter { get; }
    private readonly string[] _readLogs;

    /// <summary>
    /// The log read after a position: of every event, or with data only for some types (<paramref name="ofTypes"/>), of
    /// one stream partition among them (<paramref name="partitioned"/>), bounded by a followed projection's checkpoint
    /// (<paramref name="following"/>).
    /// </summary>
    public string ReadLog(bool ofTypes, bool following, bool partitioned) => _readLogs[ReadLogIndex(ofTypes, following, partitioned)];

    private static int ReadLogIndex(bool ofTypes, bool following, bool partitioned) =>
        (ofTypes ? 4 : 0) + (following ? 2 : 0) + (partitioned ? 1 : 0);
    public string LastCommittedPosition { get; }
    public string CountEventsUntil { get; }
    public string ReadCheckpoint { get; }
    public string EnsureCheckpoint { get; }
    public string AdvanceCheckpoint { get; }
    public string ResetCheckpoint { get; }
    public string HandOverDeadLetters { get; }
    public string RecordDeadLetter { get; }
    public string ReadDeadLetters { get; }
    public string TryLockProjection { get; }
    public string UnlockProjection { get; }
    public string LockProjectionBatch { get; }

    /// <summary>Key of the session lock that makes one runner per projection active.</summary>
    public string ProjectionLockKey(string projection) => $"{Schema}:projection:{projection}";

    /// <summary>
    /// Key of the transaction lock every batch of a projection takes, so that a runner which lost its session lock
    /// without noticing queues behind the new owner and then sees the moved checkpoint instead of racing it.
    /// </summary>
    public string ProjectionBatchLockKey(string projection) => $"{Schema}:projection-batch:{projection}";

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,49}$")]
    private static partial Regex IdentifierPattern();
}
