using System.Text.Json;
using Claims.Contracts.Events;
using Claims.EventStore;
using Claims.Query.Changes;
using Npgsql;

using static Claims.Query.Sql;

namespace Claims.Query.ClaimsReadModel;

/// <summary>
/// Projects claim streams into <c>query.claims</c> (summary), <c>query.claim_mentions</c>,
/// <c>query.claim_history</c> and the change feed <c>query.changes</c>. A batch becomes one set-based statement per
/// kind of write (rows passed as arrays and unnested), whatever its size, all sent in one round trip in the transaction
/// that also moves the checkpoint: a batch is applied once or not at all, and a replay of the whole log runs at bulk speed.
/// </summary>
public sealed class ClaimsProjection(EventStore.EventStore store, ReadModelSchema target) : SqlBatchProjection(target)
{
    public const string Schema = """
        CREATE TABLE IF NOT EXISTS query.claims (
            claim_id text PRIMARY KEY,
            metric text NOT NULL,
            subjects text[] NOT NULL,
            direction text,
            period text,
            unit text NOT NULL,
            consensus jsonb,
            status text,
            mention_count int NOT NULL DEFAULT 0,
            origin_count int NOT NULL DEFAULT 0,
            source_count int NOT NULL DEFAULT 0,
            version bigint NOT NULL,
            updated_at timestamptz NOT NULL);
        CREATE INDEX IF NOT EXISTS claims_metric ON query.claims (metric);
        CREATE INDEX IF NOT EXISTS claims_subjects ON query.claims USING gin (subjects);
        CREATE INDEX IF NOT EXISTS claims_updated ON query.claims (updated_at DESC, claim_id);
        CREATE INDEX IF NOT EXISTS claims_status ON query.claims (status, updated_at DESC);
        CREATE TABLE IF NOT EXISTS query.claim_mentions (
            mention_id uuid PRIMARY KEY,
            claim_id text NOT NULL,
            article_id text NOT NULL,
            article_revision int NOT NULL,
            source text NOT NULL,
            url text,
            published_at timestamptz NOT NULL,
            language text NOT NULL,
            value numeric NOT NULL,
            unit text NOT NULL,
            qualifier text NOT NULL,
            lower numeric,
            upper numeric,
            evidence jsonb NOT NULL,
            origin text NOT NULL,
            superseded boolean NOT NULL DEFAULT false,
            version bigint NOT NULL,
            recorded_at timestamptz NOT NULL);
        ALTER TABLE query.claim_mentions ADD COLUMN IF NOT EXISTS retracted boolean NOT NULL DEFAULT false;
        ALTER TABLE query.claim_mentions ADD COLUMN IF NOT EXISTS superseded_by uuid;
        CREATE INDEX IF NOT EXISTS claim_mentions_claim ON query.claim_mentions (claim_id, published_at);
        CREATE TABLE IF NOT EXISTS query.claim_history (
            claim_id text NOT NULL,
            version bigint NOT NULL,
            recorded_at timestamptz NOT NULL,
            published_at timestamptz,
            kind text NOT NULL,
            consensus jsonb,
            status text,
            mention_id uuid,
            PRIMARY KEY (claim_id, version));
        CREATE TABLE IF NOT EXISTS query.claim_origins (
            claim_id text NOT NULL,
            origin text NOT NULL,
            mentions int NOT NULL,
            PRIMARY KEY (claim_id, origin));
        CREATE TABLE IF NOT EXISTS query.claim_sources (
            claim_id text NOT NULL,
            source text NOT NULL,
            mentions int NOT NULL,
            PRIMARY KEY (claim_id, source));
        -- Read models projected before the tallies existed: theirs, once.
        INSERT INTO query.claim_origins
        SELECT claim_id, origin, count(*)::int FROM query.claim_mentions
        WHERE NOT superseded AND NOT EXISTS (SELECT 1 FROM query.claim_origins) GROUP BY claim_id, origin;
        INSERT INTO query.claim_sources
        SELECT claim_id, source, count(*)::int FROM query.claim_mentions
        WHERE NOT superseded AND NOT EXISTS (SELECT 1 FROM query.claim_sources) GROUP BY claim_id, source;
        """;

    /// <summary>
    /// The change feed: what <c>/changes</c> subscribers saw, under ids they resume from. Live only: a rebuild neither
    /// clears nor rewrites it, and a replay finds its rows there (one per claim version) and adds none twice.
    /// </summary>
    public const string ChangesSchema = """
        CREATE TABLE IF NOT EXISTS query.changes (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            claim_id text NOT NULL,
            version bigint NOT NULL,
            kind text NOT NULL,
            metric text NOT NULL,
            subjects text[] NOT NULL,
            direction text,
            period text,
            previous jsonb,
            consensus jsonb,
            previous_status text,
            status text,
            cause text,
            mention_id uuid,
            changed_at timestamptz,
            recorded_at timestamptz NOT NULL,
            UNIQUE (claim_id, version));
        """;

    /// <summary>The <c>kind</c> of a history or change row written for <see cref="MentionRecorded"/>.</summary>
    public const string MentionRecordedKind = "mention-recorded";

    /// <summary>The <c>kind</c> of a history or change row written for <see cref="ConsensusChanged"/>.</summary>
    public const string ConsensusChangedKind = "consensus-changed";

    // Claims first seen in the batch; their version and time are set with the others' by UpdateClaims.
    private const string InsertClaims = """
        INSERT INTO query.claims (claim_id, metric, subjects, direction, period, unit, version, updated_at)
        SELECT claim_id, metric, string_to_array(subjects, chr(31)), direction, period, unit, version, updated_at
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::timestamptz[])
            AS u (claim_id, metric, subjects, direction, period, unit, version, updated_at)
        ON CONFLICT (claim_id) DO NOTHING
        """;

    private const string InsertMentions = """
        INSERT INTO query.claim_mentions (mention_id, claim_id, article_id, article_revision, source, url, published_at, language,
            value, unit, qualifier, lower, upper, evidence, origin, version, recorded_at)
        SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::timestamptz[], $8::text[],
            $9::numeric[], $10::text[], $11::text[], $12::numeric[], $13::numeric[], $14::jsonb[], $15::text[], $16::bigint[], $17::timestamptz[])
        ON CONFLICT (mention_id) DO NOTHING
        """;

    // The last origin of each mention in the batch (one row per mention: UPDATE ... FROM takes any one of several).
    private const string Regroup = """
        UPDATE query.claim_mentions m SET origin = u.origin
        FROM unnest($1::uuid[], $2::text[]) AS u (mention_id, origin) WHERE m.mention_id = u.mention_id
        """;

    // One retraction, supersession or reinstatement per mention; a mention changed twice in a batch takes a second
    // statement for its second change. A retracted mention is never reinstated.
    private const string ChangeMentionStatus = """
        UPDATE query.claim_mentions m SET
            superseded = CASE WHEN u.change <> 'reinstated' THEN true WHEN m.retracted THEN m.superseded ELSE false END,
            retracted = m.retracted OR u.change = 'retracted',
            superseded_by = CASE WHEN u.change = 'superseded' THEN u.superseded_by
                                 WHEN u.change = 'reinstated' AND NOT m.retracted THEN NULL
                                 ELSE m.superseded_by END
        FROM unnest($1::uuid[], $2::text[], $3::uuid[]) AS u (mention_id, change, superseded_by) WHERE m.mention_id = u.mention_id
        """;

    // Every version gets a history row; only a consensus change carries a consensus and status, and a version's
    // standing ones are those of the last change at or before it (ClaimsQueries carries them forward). Copying the
    // standing consensus into every row took a join to the claim per row and wrote the same JSON again and again: the
    // largest write of a replay.
    private const string InsertHistory = """
        INSERT INTO query.claim_history (claim_id, version, recorded_at, published_at, kind, consensus, status, mention_id)
        SELECT * FROM unnest($1::text[], $2::bigint[], $3::timestamptz[], $4::timestamptz[], $5::text[], $6::jsonb[], $7::text[], $8::uuid[])
        ON CONFLICT (claim_id, version) DO NOTHING
        """;

    // Change ids come from an identity column, drawn in log order (ORDER BY the rows' position); one runner writes at a
    // time and each batch commits before the next starts, so ids grow in commit order and a reader that remembers the
    // last id it saw misses nothing.
    private const string InsertChanges = """
        INSERT INTO query.changes (claim_id, version, kind, metric, subjects, direction, period, previous, consensus, previous_status, status,
            cause, mention_id, changed_at, recorded_at)
        SELECT u.claim_id, u.version, u.kind, c.metric, c.subjects, c.direction, c.period, u.previous, u.consensus, u.previous_status, u.status,
            u.cause, u.mention_id, u.changed_at, u.recorded_at
        FROM unnest($1::text[], $2::bigint[], $3::text[], $4::jsonb[], $5::jsonb[], $6::text[], $7::text[], $8::text[], $9::uuid[],
                    $10::timestamptz[], $11::timestamptz[])
            WITH ORDINALITY AS u (claim_id, version, kind, previous, consensus, previous_status, status, cause, mention_id, changed_at, recorded_at, position)
        JOIN query.claims c ON c.claim_id = u.claim_id
        ORDER BY u.position
        ON CONFLICT (claim_id, version) DO NOTHING
        """;

    // Each claim's last version and time in the batch, and its last consensus and status where the batch changed them.
    private const string UpdateClaims = """
        UPDATE query.claims c SET
            version = GREATEST(c.version, u.version), updated_at = u.updated_at,
            consensus = CASE WHEN u.status IS NULL THEN c.consensus ELSE u.consensus END, status = COALESCE(u.status, c.status)
        FROM unnest($1::text[], $2::bigint[], $3::timestamptz[], $4::jsonb[], $5::text[]) AS u (claim_id, version, updated_at, consensus, status)
        WHERE c.claim_id = u.claim_id
        """;

    // A claim counts what still votes: its mentions neither superseded nor retracted, and the origins and outlets they
    // come from. Recounting every touched claim from all of its mentions cost 5-17 ms a batch once claims held hundreds
    // of mentions (the top statement at half load in the benchmark), growing with each claim's history. Now the
    // mentions a batch records, regroups or changes the status of have their votes taken out of the counts before its
    // writes and put back in after: query.claim_origins and query.claim_sources keep each claim's positive tallies, and
    // an origin or outlet counts for a claim while its tally does.
    private static readonly string TakeOutVotes = $"""
        WITH old AS (
            SELECT claim_id, origin, source FROM query.claim_mentions WHERE mention_id = ANY ($1) AND NOT superseded),
        {TakeOutOf("claim_origins", "origin")},
        {TakeOutOf("claim_sources", "source")},
        deltas AS (
            SELECT claim_id, sum(mentions)::int AS mentions, sum(origins)::int AS origins, sum(sources)::int AS sources
            FROM (SELECT claim_id, count(*) AS mentions, 0 AS origins, 0 AS sources FROM old GROUP BY claim_id
                  UNION ALL SELECT claim_id, 0, count(*), 0 FROM origin_gone GROUP BY claim_id
                  UNION ALL SELECT claim_id, 0, 0, count(*) FROM source_gone GROUP BY claim_id) d
            GROUP BY claim_id)
        UPDATE query.claims c
        SET mention_count = c.mention_count - d.mentions, origin_count = c.origin_count - d.origins, source_count = c.source_count - d.sources
        FROM deltas d WHERE c.claim_id = d.claim_id
        """;

    // An origin or outlet without a tally before the batch puts its votes in is new to the claim. (Which tallies exist is
    // read beside the upserts, in the statement's snapshot: joining what they return to what they were given would be
    // a join of two intermediate results, which a live batch plans as a nested loop.)
    private static readonly string PutInVotes = $"""
        WITH new AS (
            SELECT claim_id, origin, source FROM query.claim_mentions WHERE mention_id = ANY ($1) AND NOT superseded),
        {PutInto("claim_origins", "origin")},
        {PutInto("claim_sources", "source")},
        deltas AS (
            SELECT claim_id, sum(mentions)::int AS mentions, sum(origins)::int AS origins, sum(sources)::int AS sources
            FROM (SELECT claim_id, count(*) AS mentions, 0 AS origins, 0 AS sources FROM new GROUP BY claim_id
                  UNION ALL SELECT claim_id, 0, count(*), 0 FROM new_origin WHERE appeared GROUP BY claim_id
                  UNION ALL SELECT claim_id, 0, 0, count(*) FROM new_source WHERE appeared GROUP BY claim_id) d
            GROUP BY claim_id)
        UPDATE query.claims c
        SET mention_count = c.mention_count + d.mentions, origin_count = c.origin_count + d.origins, source_count = c.source_count + d.sources
        FROM deltas d WHERE c.claim_id = d.claim_id
        """;

    /// <summary>
    /// Takes the votes in <c>old</c> out of the per-claim tally <paramref name="table"/> by <paramref name="key"/>; a
    /// tally that falls to zero is deleted, and <c>{key}_gone</c> names its claim.
    /// </summary>
    private static string TakeOutOf(string table, string key) => $"""
        old_{key} AS (SELECT claim_id, {key}, count(*)::int AS mentions FROM old GROUP BY claim_id, {key}),
        {key}_gone AS (
            DELETE FROM query.{table} t USING old_{key} o
            WHERE t.claim_id = o.claim_id AND t.{key} = o.{key} AND t.mentions <= o.mentions
            RETURNING t.claim_id),
        {key}_taken AS (
            UPDATE query.{table} t SET mentions = t.mentions - o.mentions FROM old_{key} o
            WHERE t.claim_id = o.claim_id AND t.{key} = o.{key} AND t.mentions > o.mentions)
        """;

    /// <summary>Puts the votes in <c>new</c> into the per-claim tally <paramref name="table"/> by <paramref name="key"/>; <c>new_{key}</c> marks the keys that had no tally.</summary>
    private static string PutInto(string table, string key) => $"""
        new_{key} AS (
            SELECT n.claim_id, n.{key}, n.mentions,
                   NOT EXISTS (SELECT 1 FROM query.{table} t WHERE t.claim_id = n.claim_id AND t.{key} = n.{key}) AS appeared
            FROM (SELECT claim_id, {key}, count(*)::int AS mentions FROM new GROUP BY claim_id, {key}) n),
        {key}_put AS (
            INSERT INTO query.{table} SELECT claim_id, {key}, mentions FROM new_{key}
            ON CONFLICT (claim_id, {key}) DO UPDATE SET mentions = query.{table}.mentions + EXCLUDED.mentions)
        """;

    // A rebuild's tallies and counts, once at its end over fresh tables (claims without a voting mention keep their zeros).
    private const string RefreshAllCounts = """
        TRUNCATE query.claim_origins, query.claim_sources;
        INSERT INTO query.claim_origins SELECT claim_id, origin, count(*)::int FROM query.claim_mentions WHERE NOT superseded GROUP BY claim_id, origin;
        INSERT INTO query.claim_sources SELECT claim_id, source, count(*)::int FROM query.claim_mentions WHERE NOT superseded GROUP BY claim_id, source;
        UPDATE query.claims c SET mention_count = 0, origin_count = 0, source_count = 0
        WHERE c.mention_count <> 0 OR c.origin_count <> 0 OR c.source_count <> 0;
        UPDATE query.claims c SET mention_count = s.mentions,
            origin_count = (SELECT count(*) FROM query.claim_origins o WHERE o.claim_id = c.claim_id),
            source_count = (SELECT count(*) FROM query.claim_sources t WHERE t.claim_id = c.claim_id)
        FROM (SELECT claim_id, count(*)::int AS mentions FROM query.claim_mentions WHERE NOT superseded GROUP BY claim_id) AS s
        WHERE c.claim_id = s.claim_id;
        """;

    private readonly string _insertClaims = target.Qualify(InsertClaims);
    private readonly string _insertMentions = target.Qualify(InsertMentions);
    private readonly string _regroup = target.Qualify(Regroup);
    private readonly string _changeMentionStatus = target.Qualify(ChangeMentionStatus);
    // A rebuild writes fresh tables and applies each event once (the checkpoint moves in the batch's transaction), and
    // a stream's versions are unique in the log, so its history rows cannot collide: without ON CONFLICT PostgreSQL skips
    // the extra index probe a speculative insert makes before every row (about a twentieth of a replay's server time).
    private readonly string _insertHistory = target.IsLive
        ? InsertHistory
        : target.Qualify(InsertHistory.Replace("ON CONFLICT (claim_id, version) DO NOTHING", "", StringComparison.Ordinal));
    private readonly string _updateClaims = target.Qualify(UpdateClaims);
    private readonly string _takeOutVotes = target.Qualify(TakeOutVotes);
    private readonly string _putInVotes = target.Qualify(PutInVotes);

    // Wakes every query instance's /changes streams once a batch commits, instead of at their next poll; sent after the
    // commit, not inside it (see CommitNotifier: a NOTIFY inside serialised every committing writer's WAL flush).
    private readonly CommitNotifier _changesCommitted = new(store.DataSource, ChangeSignal.Channel);

    protected override void Applied(ProjectionBatch batch)
    {
        if (Target.IsLive)
        {
            batch.OnCommitted(_changesCommitted.Signal);
        }
    }

    /// <summary>The live projection, as the query service runs it.</summary>
    public ClaimsProjection(EventStore.EventStore store) : this(store, ReadModelSchema.Live)
    {
    }

    public override string Name => Target.ProjectionName("query-claims");

    /// <summary>
    /// Every claim event type reconciliation writes, so the history has every version. A claim event type added later
    /// passes by until it is listed here (and its version is missing from the history until then).
    /// </summary>
    public override IReadOnlySet<string>? EventTypes { get; } = new HashSet<string>
    {
        EventAliases.MentionRecorded,
        EventAliases.ConsensusChanged,
        EventAliases.MentionRegrouped,
        EventAliases.MentionRetracted,
        EventAliases.MentionSuperseded,
        EventAliases.MentionReinstated,
        EventAliases.ConflictDetected,
        EventAliases.ConflictResolved,
    };

    /// <summary>
    /// A detected conflict is only a version here (the groups are the conflicts view's, read from the mentions): its
    /// data, a fifth of the claim events' JSON, is left on the server.
    /// </summary>
    public override IReadOnlySet<string>? EventTypesWithoutData { get; } = new HashSet<string> { EventAliases.ConflictDetected };

    /// <summary>Not <c>changes</c>: see <see cref="ChangesSchema"/>.</summary>
    public override IReadOnlyList<string> Tables { get; } = ["claims", "claim_mentions", "claim_history", "claim_origins", "claim_sources"];

    public override string TablesDdl => Schema;

    /// <summary>
    /// Two: every row of a rebuild depends on one claim stream (the counts and the change feed, which span claims, are
    /// left out of a rebuild), and the claims are the longest replay, so two runners share it on disjoint claims.
    /// </summary>
    public override int RebuildPartitions => 2;

    protected override void AddCommands(NpgsqlBatch commands, IReadOnlyList<StoredEvent> events)
    {
        var rows = new BatchRows();
        foreach (var stored in events)
        {
            if (stored.Type == EventAliases.ConflictDetected)
            {
                rows.AddVersion(stored, StreamIds.ClaimIdOf(stored.StreamId), null);
                continue;
            }

            switch (stored.Data)
            {
                case MentionRecorded recorded:
                    rows.AddMention(stored, recorded, Json(recorded.Mention.Evidence));
                    break;
                case ConsensusChanged changed:
                    rows.AddConsensus(stored, changed, Json(changed.Current), changed.Previous is null ? null : Json(changed.Previous));
                    break;
                case MentionRegrouped regrouped:
                    rows.AddRegroup(stored, regrouped);
                    break;
                case MentionRetracted retracted:
                    rows.AddStatusChange(stored, retracted.ClaimId, retracted.MentionId, "retracted", null);
                    break;
                case MentionSuperseded superseded:
                    rows.AddStatusChange(stored, superseded.ClaimId, superseded.MentionId, "superseded", superseded.SupersededBy);
                    break;
                case MentionReinstated reinstated:
                    rows.AddStatusChange(stored, reinstated.ClaimId, reinstated.MentionId, "reinstated", null);
                    break;
                case ConflictResolved resolved:
                    rows.AddVersion(stored, resolved.ClaimId, null);
                    break;
            }
        }

        if (rows.Claims.Count == 0)
        {
            return;
        }

        rows.AddCommands(commands, this);
    }

    public override async Task CompleteRebuildAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(Target.Qualify(RefreshAllCounts), connection, transaction);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary><c>claim.mention-superseded.v1</c> is kind <c>mention-superseded</c>.</summary>
    public static string Kind(string alias)
    {
        var kind = alias.StartsWith("claim.", StringComparison.Ordinal) ? alias["claim.".Length..] : alias;
        var version = kind.LastIndexOf(".v", StringComparison.Ordinal);
        return version > 0 ? kind[..version] : kind;
    }

    private string Json<T>(T value) => JsonSerializer.Serialize(value, store.SerializerOptions);

    /// <summary>What a claim's row becomes after the batch, and the consensus standing at each point of it.</summary>
    private sealed class ClaimInBatch
    {
        public long Version;
        public DateTimeOffset UpdatedAt;
        public string? Consensus;
        public string? Status;
    }

    /// <summary>A batch's writes as columns, one list per column of each set-based statement, in log order.</summary>
    private sealed class BatchRows
    {
        public readonly Dictionary<string, ClaimInBatch> Claims = new(StringComparer.Ordinal);

        private readonly List<string> _newClaimId = [], _newMetric = [], _newSubjects = [], _newUnit = [];
        private readonly List<string?> _newDirection = [], _newPeriod = [];
        private readonly List<long> _newVersion = [];
        private readonly List<DateTimeOffset> _newUpdatedAt = [];

        private readonly List<Guid> _mentionId = [];
        private readonly List<string> _mentionClaim = [], _mentionArticle = [], _mentionSource = [], _mentionLanguage = [], _mentionUnit = [],
            _mentionQualifier = [], _mentionOrigin = [];
        private readonly List<string?> _mentionUrl = [], _mentionEvidence = [];
        private readonly List<int> _mentionRevision = [];
        private readonly List<DateTimeOffset> _mentionPublished = [], _mentionRecorded = [];
        private readonly List<decimal> _mentionValue = [];
        private readonly List<decimal?> _mentionLower = [], _mentionUpper = [];
        private readonly List<long> _mentionVersion = [];

        private readonly Dictionary<Guid, string> _regrouped = [];
        // Retractions, supersessions and reinstatements per mention, in log order.
        private readonly Dictionary<Guid, List<(string Change, Guid? SupersededBy)>> _statusChanges = [];

        private readonly List<string> _historyClaim = [], _historyKind = [];
        private readonly List<long> _historyVersion = [];
        private readonly List<DateTimeOffset> _historyRecorded = [];
        private readonly List<DateTimeOffset?> _historyPublished = [];
        private readonly List<string?> _historyConsensus = [], _historyStatus = [];
        private readonly List<Guid?> _historyMention = [];

        private readonly List<string> _changeClaim = [], _changeKind = [];
        private readonly List<long> _changeVersion = [];
        private readonly List<string?> _changePrevious = [], _changeConsensus = [], _changePreviousStatus = [], _changeStatus = [], _changeCause = [];
        private readonly List<Guid?> _changeMention = [];
        private readonly List<DateTimeOffset?> _changeChangedAt = [];
        private readonly List<DateTimeOffset> _changeRecorded = [];

        public void AddMention(StoredEvent stored, MentionRecorded recorded, string evidence)
        {
            var (m, a) = (recorded.Mention, recorded.Article);
            if (!Claims.ContainsKey(m.ClaimId))
            {
                _newClaimId.Add(m.ClaimId);
                _newMetric.Add(m.Metric);
                _newSubjects.Add(string.Join(ListSeparator, m.Subjects));
                _newDirection.Add(m.Direction);
                _newPeriod.Add(m.Period);
                _newUnit.Add(m.Unit);
                _newVersion.Add(stored.Version);
                _newUpdatedAt.Add(stored.RecordedAt);
            }

            Touch(stored, m.ClaimId);
            _mentionId.Add(recorded.MentionId);
            _mentionClaim.Add(m.ClaimId);
            _mentionArticle.Add(a.ArticleId);
            _mentionRevision.Add(a.Revision);
            _mentionSource.Add(a.Source);
            _mentionUrl.Add(a.Url);
            _mentionPublished.Add(a.PublishedAt);
            _mentionLanguage.Add(a.Language);
            _mentionValue.Add(m.Value);
            _mentionUnit.Add(m.Unit);
            _mentionQualifier.Add(m.Qualifier);
            _mentionLower.Add(m.Lower);
            _mentionUpper.Add(m.Upper);
            _mentionEvidence.Add(evidence);
            _mentionOrigin.Add(recorded.Origin);
            _mentionVersion.Add(stored.Version);
            _mentionRecorded.Add(stored.RecordedAt);

            AddHistory(stored, m.ClaimId, MentionRecordedKind, a.PublishedAt, recorded.MentionId, null, null);
            AddChange(stored, m.ClaimId, MentionRecordedKind, null, null, null, null, null, recorded.MentionId, null);
        }

        public void AddConsensus(StoredEvent stored, ConsensusChanged c, string current, string? previous)
        {
            var claim = Touch(stored, c.ClaimId);
            claim.Consensus = current;
            claim.Status = c.Status;
            AddHistory(stored, c.ClaimId, ConsensusChangedKind, c.CausePublishedAt, c.CausedByMentionId, current, c.Status);
            AddChange(stored, c.ClaimId, ConsensusChangedKind, previous, current, c.PreviousStatus, c.Status, c.Reason, c.CausedByMentionId, c.ChangedAt);
        }

        public void AddRegroup(StoredEvent stored, MentionRegrouped regrouped)
        {
            _regrouped[regrouped.MentionId] = regrouped.Origin;
            AddVersion(stored, regrouped.ClaimId, regrouped.MentionId);
        }

        public void AddStatusChange(StoredEvent stored, string claimId, Guid mentionId, string change, Guid? supersededBy)
        {
            if (!_statusChanges.TryGetValue(mentionId, out var changes))
            {
                _statusChanges[mentionId] = changes = [];
            }

            changes.Add((change, supersededBy));
            AddVersion(stored, claimId, mentionId);
        }

        /// <summary>A version that changes neither the consensus nor the status.</summary>
        public void AddVersion(StoredEvent stored, string claimId, Guid? mentionId)
        {
            Touch(stored, claimId);
            AddHistory(stored, claimId, Kind(stored.Type), null, mentionId, null, null);
        }

        public void AddCommands(NpgsqlBatch commands, ClaimsProjection projection)
        {
            if (_newClaimId.Count > 0)
            {
                commands.BatchCommands.Add(Command(projection._insertClaims,
                    Column(_newClaimId), Column(_newMetric), Column(_newSubjects), Column(_newDirection), Column(_newPeriod), Column(_newUnit),
                    Column(_newVersion), Column(_newUpdatedAt)));
            }

            // The votes of the mentions the batch touches leave the counts before its writes and come back after them. A
            // rebuild counts once, at its end: counting each batch took a third of a replay's database time.
            var touchedMentions = projection.Target.IsLive ? _mentionId.Concat(_regrouped.Keys).Concat(_statusChanges.Keys).Distinct().ToList() : [];
            if (touchedMentions.Count > 0)
            {
                commands.BatchCommands.Add(Command(projection._takeOutVotes, Column(touchedMentions)));
            }

            if (_mentionId.Count > 0)
            {
                commands.BatchCommands.Add(Command(projection._insertMentions,
                    Column(_mentionId), Column(_mentionClaim), Column(_mentionArticle), Column(_mentionRevision), Column(_mentionSource),
                    Column(_mentionUrl), Column(_mentionPublished), Column(_mentionLanguage), Column(_mentionValue), Column(_mentionUnit),
                    Column(_mentionQualifier), Column(_mentionLower), Column(_mentionUpper), JsonbColumn(_mentionEvidence), Column(_mentionOrigin),
                    Column(_mentionVersion), Column(_mentionRecorded)));
            }

            if (_regrouped.Count > 0)
            {
                commands.BatchCommands.Add(Command(projection._regroup, Column(_regrouped.Keys.ToList()), Column(_regrouped.Values.ToList())));
            }

            // Round n applies every mention's n-th change: a mention's changes stay in order, different mentions' commute.
            for (var round = 0; _statusChanges.Values.Any(changes => changes.Count > round); round++)
            {
                var (ids, kinds, by) = (new List<Guid>(), new List<string>(), new List<Guid?>());
                foreach (var (mentionId, changes) in _statusChanges)
                {
                    if (changes.Count > round)
                    {
                        ids.Add(mentionId);
                        kinds.Add(changes[round].Change);
                        by.Add(changes[round].SupersededBy);
                    }
                }

                commands.BatchCommands.Add(Command(projection._changeMentionStatus, Column(ids), Column(kinds), Column(by)));
            }

            commands.BatchCommands.Add(Command(projection._insertHistory,
                Column(_historyClaim), Column(_historyVersion), Column(_historyRecorded), Column(_historyPublished), Column(_historyKind),
                JsonbColumn(_historyConsensus), Column(_historyStatus), Column(_historyMention)));

            if (projection.Target.IsLive && _changeClaim.Count > 0)
            {
                commands.BatchCommands.Add(Command(InsertChanges,
                    Column(_changeClaim), Column(_changeVersion), Column(_changeKind), JsonbColumn(_changePrevious), JsonbColumn(_changeConsensus),
                    Column(_changePreviousStatus), Column(_changeStatus), Column(_changeCause), Column(_changeMention), Column(_changeChangedAt),
                    Column(_changeRecorded)));
            }

            var (claimIds, versions, updatedAt, consensus, status) = (new List<string>(), new List<long>(), new List<DateTimeOffset>(), new List<string?>(), new List<string?>());
            foreach (var (claimId, claim) in Claims)
            {
                claimIds.Add(claimId);
                versions.Add(claim.Version);
                updatedAt.Add(claim.UpdatedAt);
                consensus.Add(claim.Consensus);
                status.Add(claim.Status);
            }

            commands.BatchCommands.Add(Command(projection._updateClaims,
                Column(claimIds), Column(versions), Column(updatedAt), JsonbColumn(consensus), Column(status)));
            if (touchedMentions.Count > 0)
            {
                commands.BatchCommands.Add(Command(projection._putInVotes, Column(touchedMentions)));
            }
        }

        private ClaimInBatch Touch(StoredEvent stored, string claimId)
        {
            if (!Claims.TryGetValue(claimId, out var claim))
            {
                Claims[claimId] = claim = new ClaimInBatch();
            }

            claim.Version = Math.Max(claim.Version, stored.Version);
            claim.UpdatedAt = stored.RecordedAt;
            return claim;
        }

        private void AddHistory(StoredEvent stored, string claimId, string kind, DateTimeOffset? publishedAt, Guid? mentionId, string? consensus, string? status)
        {
            _historyClaim.Add(claimId);
            _historyVersion.Add(stored.Version);
            _historyRecorded.Add(stored.RecordedAt);
            _historyPublished.Add(publishedAt);
            _historyKind.Add(kind);
            _historyConsensus.Add(consensus);
            _historyStatus.Add(status);
            _historyMention.Add(mentionId);
        }

        private void AddChange(StoredEvent stored, string claimId, string kind, string? previous, string? consensus, string? previousStatus,
            string? status, string? cause, Guid? mentionId, DateTimeOffset? changedAt)
        {
            _changeClaim.Add(claimId);
            _changeVersion.Add(stored.Version);
            _changeKind.Add(kind);
            _changePrevious.Add(previous);
            _changeConsensus.Add(consensus);
            _changePreviousStatus.Add(previousStatus);
            _changeStatus.Add(status);
            _changeCause.Add(cause);
            _changeMention.Add(mentionId);
            _changeChangedAt.Add(changedAt);
            _changeRecorded.Add(stored.RecordedAt);
        }
    }
}
