using System.Diagnostics;
using Claims.Contracts;
using Npgsql;
using NpgsqlTypes;

namespace Claims.Reconciliation.Origins;

/// <summary>
/// Reconciliation's own tables: every figure each article states (what origin detection compares, and which
/// claims an article touches) and the origin group each article counts in.
/// </summary>
public sealed partial class ArticleFigureStore(NpgsqlDataSource dataSource, ILogger<ArticleFigureStore>? logger = null)
{
    /// <summary>A refresh slower than this is logged with its sizes: it runs under the origins lock, and every batch waits for it.</summary>
    private static readonly TimeSpan s_slowRefresh = TimeSpan.FromMilliseconds(250);

    private readonly LiveFigureIndex _index = new();

    public const string Schema = """
        CREATE SCHEMA IF NOT EXISTS reconciliation;
        CREATE TABLE IF NOT EXISTS reconciliation.article_figures (
            mention_id uuid PRIMARY KEY,
            article_id text NOT NULL,
            revision int NOT NULL,
            claim_id text NOT NULL,
            published_at timestamptz NOT NULL,
            source text NOT NULL,
            value numeric NOT NULL,
            unit text NOT NULL,
            evidence text NOT NULL,
            evidence_key text NOT NULL,
            retracted boolean NOT NULL DEFAULT false);
        CREATE INDEX IF NOT EXISTS article_figures_article ON reconciliation.article_figures (article_id);
        -- Origin candidates sharing figures are counted in memory (LiveFigureIndex); those stating a sentence are found
        -- through the sentence index. The index by figure value that served the former is gone: the planner took it for
        -- the sentence lookups too, and walked every article stating a common figure (330 ms for 80 articles, 15 ms
        -- through the sentence index), and so is the frequent vacuuming its index-only scans needed.
        DROP INDEX IF EXISTS reconciliation.article_figures_figure;
        DROP INDEX IF EXISTS reconciliation.article_figures_live_figure;
        ALTER TABLE reconciliation.article_figures RESET (autovacuum_vacuum_insert_scale_factor);
        CREATE INDEX IF NOT EXISTS article_figures_sentence ON reconciliation.article_figures (evidence_key);
        CREATE INDEX IF NOT EXISTS article_figures_claim ON reconciliation.article_figures (claim_id);
        -- Every insert and retirement draws a new change, which the reconciliation instances' in-memory figure indexes
        -- follow (LiveFigureIndex).
        CREATE SEQUENCE IF NOT EXISTS reconciliation.article_figure_changes;
        ALTER TABLE reconciliation.article_figures ADD COLUMN IF NOT EXISTS change bigint NOT NULL DEFAULT nextval('reconciliation.article_figure_changes');
        CREATE INDEX IF NOT EXISTS article_figures_change ON reconciliation.article_figures (change);
        -- How many mentions ingestion read from the row's article revision (SourceArticle.MentionCount), null when not
        -- said: an article whose mentions arrive over several batches is measured by it, not by the figures seen yet.
        ALTER TABLE reconciliation.article_figures ADD COLUMN IF NOT EXISTS article_mentions int;
        CREATE TABLE IF NOT EXISTS reconciliation.article_origins (
            article_id text PRIMARY KEY,
            origin_id text NOT NULL);
        CREATE INDEX IF NOT EXISTS article_origins_origin ON reconciliation.article_origins (origin_id);
        """;

    /// <summary>
    /// Figures and origin groups are written under one lock, taken first by every unit of work that records
    /// figures: two overlapping recomputations would otherwise each see half, and a regrouping commits together with
    /// the decisions of every claim it moves (so a crash can never leave claims counting stale origins). Decisions
    /// made outside a recording take it before they append (<see cref="Consensus.ClaimDecisions.DecideAsync"/>).
    /// </summary>
    internal const long OriginsLock = 7243002;

    public NpgsqlDataSource DataSource => dataSource;

    /// <summary>The live figures this instance's index holds (what it has read of the table so far).</summary>
    public int IndexedFigures => _index.Count;

    /// <summary>
    /// Takes the origins lock, brings the figure index up to date, records the figures of these mentions (each once),
    /// retires the figures of their articles' older revisions, and returns every claim that still counts a mention of
    /// such an older revision, which of the articles had figures recorded before, and the articles' live figures now.
    /// </summary>
    public async Task<RecordedFigures> RecordAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyCollection<ClaimExtracted> mentions, CancellationToken ct)
    {
        var articles = mentions.Select(m => m.Article.ArticleId).Distinct(StringComparer.Ordinal).ToArray();
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand($"SELECT pg_advisory_xact_lock({OriginsLock})"),
                // Under the lock and before this unit's own writes: every change committed since the index last looked.
                new NpgsqlBatchCommand("""
                    SELECT change, mention_id, article_id, value, unit, retracted, article_mentions FROM reconciliation.article_figures
                    WHERE change > $1 ORDER BY change
                    """)
                {
                    Parameters = { new NpgsqlParameter<long> { TypedValue = _index.Seen } },
                },
                new NpgsqlBatchCommand("SELECT DISTINCT article_id FROM reconciliation.article_figures WHERE article_id = ANY ($1)")
                {
                    Parameters = { new() { Value = articles } },
                },
                new NpgsqlBatchCommand("""
                    INSERT INTO reconciliation.article_figures (mention_id, article_id, revision, claim_id, published_at, source, value, unit, evidence, evidence_key,
                                                                article_mentions)
                    SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::timestamptz[], $6::text[], $7::numeric[], $8::text[], $9::text[], $10::text[],
                                         $11::int[])
                    ON CONFLICT (mention_id) DO NOTHING
                    """)
                {
                    Parameters =
                    {
                        new() { Value = mentions.Select(m => m.MentionId).ToArray() },
                        new() { Value = mentions.Select(m => m.Article.ArticleId).ToArray() },
                        new() { Value = mentions.Select(m => m.Article.Revision).ToArray() },
                        new() { Value = mentions.Select(m => m.Mention.ClaimId).ToArray() },
                        new() { Value = mentions.Select(m => m.Article.PublishedAt).ToArray() },
                        new() { Value = mentions.Select(m => m.Article.Source).ToArray() },
                        new() { Value = mentions.Select(m => m.Mention.Value).ToArray() },
                        new() { Value = mentions.Select(m => m.Mention.Unit).ToArray() },
                        new() { Value = mentions.Select(m => m.Mention.Evidence.Text).ToArray() },
                        new() { Value = mentions.Select(m => OriginGrouping.EvidenceKey(m.Mention.Evidence.Text)).ToArray() },
                        new() { Value = mentions.Select(m => m.Article.MentionCount).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer },
                    },
                },
                // Whichever revision arrived first, the figures of every revision older than the latest are retired,
                // and every claim counting a mention of one is named, to be retracted there. (The repeated
                // "article_id = ANY" lets the planner use the article index; joined through the CTE alone, it
                // scanned the whole table twice per batch.)
                new NpgsqlBatchCommand("""
                    WITH latest AS (SELECT article_id, max(revision) AS revision FROM reconciliation.article_figures
                                    WHERE article_id = ANY ($1) GROUP BY article_id),
                         retired AS (UPDATE reconciliation.article_figures f
                                     SET retracted = true, change = nextval('reconciliation.article_figure_changes') FROM latest
                                      WHERE f.article_id = ANY ($1) AND f.article_id = latest.article_id AND f.revision < latest.revision
                                        AND NOT f.retracted)
                    SELECT DISTINCT f.claim_id, f.article_id, latest.revision
                    FROM reconciliation.article_figures f JOIN latest USING (article_id)
                    WHERE f.article_id = ANY ($1) AND f.revision < latest.revision
                    ORDER BY 1, 2
                    """)
                {
                    Parameters = { new() { Value = articles } },
                },
                new NpgsqlBatchCommand("SELECT article_id, value, unit, article_mentions FROM reconciliation.article_figures WHERE article_id = ANY ($1) AND NOT retracted")
                {
                    Parameters = { new() { Value = articles } },
                },
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(ct);
        // Past the lock's result; the INSERT returns no rows and so has no result set to skip.
        await reader.NextResultAsync(ct);
        var changes = new List<FigureChange>();
        while (await reader.ReadAsync(ct))
        {
            changes.Add(new FigureChange(reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetDecimal(3), reader.GetString(4), reader.GetBoolean(5),
                reader.IsDBNull(6) ? null : reader.GetInt32(6)));
        }
        _index.Apply(changes);
        await reader.NextResultAsync(ct);
        var seenBefore = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            seenBefore.Add(reader.GetString(0));
        }
        await reader.NextResultAsync(ct);
        var outdated = new List<OutdatedRevision>();
        while (await reader.ReadAsync(ct))
        {
            outdated.Add(new OutdatedRevision(reader.GetString(0), reader.GetString(1), reader.GetInt32(2)));
        }
        await reader.NextResultAsync(ct);
        var live = new Dictionary<string, Dictionary<(decimal Value, string Unit), int>>(StringComparer.Ordinal);
        var declared = new Dictionary<string, int>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            var articleId = reader.GetString(0);
            if (!live.TryGetValue(articleId, out var figures))
            {
                live[articleId] = figures = [];
            }
            var figure = (reader.GetDecimal(1), reader.GetString(2));
            figures[figure] = figures.GetValueOrDefault(figure) + 1;
            if (!reader.IsDBNull(3))
            {
                declared[articleId] = Math.Max(declared.GetValueOrDefault(articleId), reader.GetInt32(3));
            }
        }
        return new RecordedFigures(
            outdated, seenBefore, live.ToDictionary(a => a.Key, IReadOnlyDictionary<(decimal Value, string Unit), int> (a) => a.Value, StringComparer.Ordinal),
            declared);
    }

    /// <summary>
    /// Brings the origin groups up to date with the figures just recorded for these articles, stores what changed,
    /// and returns the articles whose origin changed. Runs in the transaction of <see cref="RecordAsync"/>, under
    /// its lock. An article seen for the first time can only join groups (nobody else's figures changed), which is
    /// cheap whatever the size of the groups; an article with figures recorded before (a correction, or mentions
    /// that arrived in another batch) may also split its group, so its groups are recomputed in full.
    /// </summary>
    public async Task<IReadOnlySet<string>> RefreshOriginsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyCollection<string> articleIds, RecordedFigures recorded,
        OriginOptions options, CancellationToken ct)
    {
        var changed = new HashSet<string>(StringComparer.Ordinal);
        var again = articleIds.Where(recorded.ArticlesSeenBefore.Contains).ToList();
        if (again.Count > 0)
        {
            var clock = RefreshClock.Start();
            var sharing = _index.SharingPairs(again, recorded.LiveFigures, recorded.DeclaredSizes, options);
            clock.Counted();
            var (regrouped, read) = await RegroupAsync(connection, transaction, again, sharing, options, ct);
            changed.UnionWith(regrouped.Keys);
            LogIfSlow(clock, "regroup", again.Count, sharing.Count, read, regrouped.Count);
        }
        var firstSeen = articleIds.Where(a => !recorded.ArticlesSeenBefore.Contains(a)).ToList();
        if (firstSeen.Count > 0)
        {
            var clock = RefreshClock.Start();
            var sharing = _index.SharingPairs(firstSeen, recorded.LiveFigures, recorded.DeclaredSizes, options);
            clock.Counted();
            var (joined, read) = await JoinAsync(connection, transaction, firstSeen, sharing, options, ct);
            changed.UnionWith(joined);
            LogIfSlow(clock, "join", firstSeen.Count, sharing.Count, read, joined.Count);
        }
        return changed;
    }

    /// <summary>Where a refresh's time went: counting shared figures in memory, the rest (SQL), and GC pauses meanwhile.</summary>
    private struct RefreshClock
    {
        private long _started;
        private long _counted;
        private TimeSpan _pausedBefore;

        public static RefreshClock Start() => new() { _started = Stopwatch.GetTimestamp(), _pausedBefore = GC.GetTotalPauseDuration() };

        public void Counted() => _counted = Stopwatch.GetTimestamp();

        public readonly TimeSpan Elapsed => Stopwatch.GetElapsedTime(_started);

        public readonly TimeSpan Counting => Stopwatch.GetElapsedTime(_started, _counted);

        public readonly TimeSpan GcPauses => GC.GetTotalPauseDuration() - _pausedBefore;
    }

    private void LogIfSlow(RefreshClock clock, string kind, int articles, int sharingPairs, LiveArticles read, int changed)
    {
        if (logger is not null && clock.Elapsed >= s_slowRefresh)
        {
            LogSlowRefresh(logger, kind, articles, (int)clock.Elapsed.TotalMilliseconds, (int)clock.Counting.TotalMilliseconds,
                (int)clock.GcPauses.TotalMilliseconds, ThreadPool.PendingWorkItemCount, ThreadPool.ThreadCount,
                sharingPairs, read.Articles.Count, read.Articles.Values.Sum(a => a.Figures.Count), changed);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Origins {Kind} of {Articles} articles took {Milliseconds} ms ({CountingMilliseconds} ms counting shared figures in memory, "
            + "{GcPauseMilliseconds} ms of GC pauses; thread pool: {PendingWorkItems} work items waiting, {Threads} threads): "
            + "{SharingPairs} pairs sharing figures, {ArticlesRead} articles and {FiguresRead} figures read, {Changed} origins changed")]
    private static partial void LogSlowRefresh(
        ILogger logger, string kind, int articles, int milliseconds, int countingMilliseconds, int gcPauseMilliseconds, long pendingWorkItems, int threads,
        int sharingPairs, int articlesRead, int figuresRead, int changed);

    /// <summary>
    /// Joins each new article to the groups of the articles it matches: the merged group is named after the
    /// earliest of their roots (each root being its group's earliest article), and every member of the other
    /// groups is moved to it in SQL, without reading the groups.
    /// </summary>
    private static async Task<(IReadOnlyCollection<string> Joined, LiveArticles Read)> JoinAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyCollection<string> articleIds, IReadOnlyList<(string, string)> sharing,
        OriginOptions options, CancellationToken ct)
    {
        LiveArticles read;
        await using (var command = new NpgsqlCommand($"""
            WITH {CandidatesSql},
                 involved AS (SELECT article_id FROM pairs UNION SELECT article_id FROM refreshed),
                 rooted AS (SELECT i.article_id, coalesce(o.origin_id, i.article_id) AS root
                            FROM involved i LEFT JOIN reconciliation.article_origins o USING (article_id)),
                 -- The figures are read by article through the article index (LATERAL … OFFSET 0): the planner, unable
                 -- to estimate the CTEs, hashed the whole table twice instead (60 ms against 3 ms for a batch of 20
                 -- articles of a 37,540-figure table, and growing with the table).
                 roots AS (SELECT g.root, p.published_at
                           FROM (SELECT DISTINCT root FROM rooted) g
                                CROSS JOIN LATERAL (SELECT min(f.published_at) AS published_at FROM reconciliation.article_figures f
                                                    WHERE f.article_id = g.root) p
                           WHERE p.published_at IS NOT NULL),
                 candidacy AS (SELECT article_id, array_agg(mine_id) AS candidate_of FROM pairs GROUP BY article_id)
            SELECT r.article_id, f.published_at, f.value, f.unit, f.evidence_key, r.root, c.candidate_of, f.article_mentions, roots.published_at
            FROM rooted r
                 CROSS JOIN LATERAL (SELECT f.published_at, f.value, f.unit, f.evidence_key, f.article_mentions FROM reconciliation.article_figures f
                                     WHERE f.article_id = r.article_id AND NOT f.retracted OFFSET 0) f
                 JOIN roots USING (root)
                 LEFT JOIN candidacy c USING (article_id)
            """, connection, transaction))
        {
            read = await LiveArticles.ReadAsync(command, articleIds, sharing, ct);
        }

        // Union-find over group roots; a merged group's root is the earliest root, as OriginGrouping names groups.
        var mergedInto = new Dictionary<string, string>(StringComparer.Ordinal);
        string Find(string root)
        {
            while (mergedInto.TryGetValue(root, out var parent))
            {
                root = parent;
            }
            return root;
        }
        foreach (var articleId in articleIds.Order(StringComparer.Ordinal).Where(read.Articles.ContainsKey))
        {
            var roots = read.Matched(articleId, options)
                .Append(articleId)
                .Select(a => Find(read.OriginOf[a]))
                .Distinct(StringComparer.Ordinal)
                .OrderBy(r => read.OriginPublished[r]).ThenBy(r => r, StringComparer.Ordinal)
                .ToList();
            foreach (var root in roots.Skip(1))
            {
                mergedInto[root] = roots[0];
            }
        }
        if (mergedInto.Count == 0)
        {
            return ([], read);
        }

        var moves = mergedInto.Keys.Select(root => (From: root, To: Find(root))).ToList();
        var moved = new HashSet<string>(StringComparer.Ordinal);
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("""
                    UPDATE reconciliation.article_origins o SET origin_id = m.to_root
                    FROM unnest($1::text[], $2::text[]) AS m (from_root, to_root)
                    WHERE o.origin_id = m.from_root
                    RETURNING o.article_id
                    """)
                {
                    Parameters = { new() { Value = moves.Select(m => m.From).ToArray() }, new() { Value = moves.Select(m => m.To).ToArray() } },
                },
                // A root has no row of its own: the roots of the merged groups get one.
                new NpgsqlBatchCommand("""
                    INSERT INTO reconciliation.article_origins (article_id, origin_id) SELECT * FROM unnest($1::text[], $2::text[])
                    ON CONFLICT (article_id) DO UPDATE SET origin_id = EXCLUDED.origin_id
                    RETURNING article_id
                    """)
                {
                    Parameters = { new() { Value = moves.Select(m => m.From).ToArray() }, new() { Value = moves.Select(m => m.To).ToArray() } },
                },
            },
        };
        await using var movedRows = await batch.ExecuteReaderAsync(ct);
        do
        {
            while (await movedRows.ReadAsync(ct))
            {
                moved.Add(movedRows.GetString(0));
            }
        }
        while (await movedRows.NextResultAsync(ct));
        return (moved, read);
    }

    /// <summary>
    /// The live figures a refresh reads, by article, with each article's origin and the refreshed articles it is a
    /// candidate of. Both refreshes select <c>article_id, published_at, value, unit, evidence_key, origin,
    /// candidate_of, article_mentions</c>; the join adds the origin's publication time.
    /// </summary>
    private sealed class LiveArticles
    {
        public Dictionary<string, (DateTimeOffset PublishedAt, List<Figure> Figures)> Articles { get; } = new(StringComparer.Ordinal);
        private Dictionary<string, int> DeclaredSizes { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, string> OriginOf { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, DateTimeOffset> OriginPublished { get; } = new(StringComparer.Ordinal);
        private Dictionary<string, List<string>> CandidatesOf { get; } = new(StringComparer.Ordinal);

        public ArticleFigures Figures(string id) =>
            new(id, Articles[id].PublishedAt, Articles[id].Figures, DeclaredSizes.TryGetValue(id, out var declared) ? declared : null);

        /// <summary>The candidates of a refreshed article that really are of one origin with it.</summary>
        public IEnumerable<string> Matched(string articleId, OriginOptions options) =>
            CandidatesOf.GetValueOrDefault(articleId, []).Where(c => OriginGrouping.SameOrigin(Figures(articleId), Figures(c), options));

        public static async Task<LiveArticles> ReadAsync(
            NpgsqlCommand command, IReadOnlyCollection<string> articleIds, IReadOnlyList<(string Refreshed, string Other)> sharing, CancellationToken ct)
        {
            command.Parameters.Add(new() { Value = articleIds.ToArray() });
            command.Parameters.Add(new() { Value = sharing.Select(p => p.Refreshed).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            command.Parameters.Add(new() { Value = sharing.Select(p => p.Other).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            var read = new LiveArticles();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var id = reader.GetString(0);
                if (!read.Articles.TryGetValue(id, out var article))
                {
                    read.Articles[id] = article = (reader.GetFieldValue<DateTimeOffset>(1), []);
                    read.OriginOf[id] = reader.GetString(5);
                    foreach (var refreshed in reader.IsDBNull(6) ? [] : reader.GetFieldValue<string[]>(6))
                    {
                        if (!read.CandidatesOf.TryGetValue(refreshed, out var candidates))
                        {
                            read.CandidatesOf[refreshed] = candidates = [];
                        }
                        candidates.Add(id);
                    }
                    if (reader.FieldCount > 8)
                    {
                        read.OriginPublished[read.OriginOf[id]] = reader.GetFieldValue<DateTimeOffset>(8);
                    }
                }
                article.Figures.Add(new Figure(reader.GetDecimal(2), reader.GetString(3), reader.GetString(4)));
                if (!reader.IsDBNull(7))
                {
                    read.DeclaredSizes[id] = Math.Max(read.DeclaredSizes.GetValueOrDefault(id), reader.GetInt32(7));
                }
            }
            return read;
        }
    }

    /// <summary>
    /// Shared by both refreshes: the refreshed articles, and the articles each one is of one origin with, as
    /// <see cref="OriginGrouping.SameOrigin(ArticleFigures, ArticleFigures, OriginOptions)"/> tests them: a figure
    /// stated in the same sentence (matched here, through the sentence index), or enough figures shared (counted by
    /// the <see cref="LiveFigureIndex"/> and passed in as the pairs <c>$2</c>, <c>$3</c>). Only true matches leave the database.
    /// </summary>
    private const string CandidatesSql = """
        refreshed AS (SELECT DISTINCT unnest($1::text[]) AS article_id),
                 mine_rows AS (SELECT article_id AS mine_id, value, unit, evidence_key FROM reconciliation.article_figures
                               WHERE article_id = ANY ($1) AND NOT retracted),
                 -- One probe of the sentence index per figure (OFFSET 0 keeps the planner from hashing the whole table
                 -- instead: 35 ms against 6 ms for 80 articles of a 33k-figure table, and growing with the table).
                 same_sentence AS (SELECT m.mine_id, f.article_id
                                   FROM mine_rows m CROSS JOIN LATERAL (
                                       SELECT f.article_id FROM reconciliation.article_figures f
                                       WHERE f.evidence_key = m.evidence_key AND f.value = m.value AND f.unit = m.unit
                                         AND NOT f.retracted AND f.article_id <> m.mine_id
                                       OFFSET 0) f),
                 pairs AS (SELECT mine_id, article_id FROM same_sentence
                           UNION
                           SELECT mine_id, article_id FROM unnest($2::text[], $3::text[]) AS sharing (mine_id, article_id))
        """;

    /// <summary>
    /// Recomputes the origin groups that the figures of these articles can change, stores what changed, and returns
    /// the articles whose origin changed. Only the groups of each article and of the candidates it really matches
    /// are recomputed, since no other pair of articles changed.
    /// </summary>
    private static async Task<(IReadOnlyDictionary<string, string> Changed, LiveArticles Read)> RegroupAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyCollection<string> articleIds, IReadOnlyList<(string, string)> sharing,
        OriginOptions options, CancellationToken ct)
    {
        LiveArticles read;
        await using (var command = new NpgsqlCommand($"""
            WITH {CandidatesSql},
                 involved AS (SELECT article_id FROM pairs UNION SELECT article_id FROM refreshed),
                 -- An article without a row is its own origin, and a group's earliest article (its name) has no row
                 -- either: both must be counted, or a refresh would regroup part of a group without its root.
                 groups AS (SELECT DISTINCT coalesce(o.origin_id, i.article_id) AS origin_id
                            FROM involved i LEFT JOIN reconciliation.article_origins o USING (article_id)),
                 members AS (SELECT article_id FROM involved
                             UNION SELECT article_id FROM reconciliation.article_origins WHERE origin_id IN (SELECT origin_id FROM groups)
                             UNION SELECT origin_id FROM groups),
                 candidacy AS (SELECT article_id, array_agg(mine_id) AS candidate_of FROM pairs GROUP BY article_id)
            SELECT m.article_id, f.published_at, f.value, f.unit, f.evidence_key, coalesce(o.origin_id, m.article_id), c.candidate_of, f.article_mentions
            FROM members m
                 CROSS JOIN LATERAL (SELECT f.published_at, f.value, f.unit, f.evidence_key, f.article_mentions FROM reconciliation.article_figures f
                                     WHERE f.article_id = m.article_id AND NOT f.retracted OFFSET 0) f
                 LEFT JOIN reconciliation.article_origins o USING (article_id)
                 LEFT JOIN candidacy c USING (article_id)
            """, connection, transaction))
        {
            read = await LiveArticles.ReadAsync(command, articleIds, sharing, ct);
        }
        var stored = read.OriginOf;
        var changed = new Dictionary<string, string>(StringComparer.Ordinal);
        // One article after another, as if each had been refreshed alone: every group any of them can reach was read.
        foreach (var articleId in articleIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Where(read.Articles.ContainsKey))
        {
            var matched = read.Matched(articleId, options).ToList();
            // The article's own group (its new figures may split it) and the groups it joins.
            var origins = matched.Select(m => stored[m]).Append(stored[articleId]).ToHashSet(StringComparer.Ordinal);
            var affected = stored.Where(s => origins.Contains(s.Value)).Select(s => s.Key).Union(matched).Append(articleId).Distinct().ToList();
            foreach (var (article, origin) in OriginGrouping.Group([.. affected.Select(read.Figures)], options))
            {
                if (stored[article] != origin)
                {
                    stored[article] = origin;
                    changed[article] = origin;
                }
            }
        }
        if (changed.Count > 0)
        {
            await using var upsert = new NpgsqlCommand("""
                INSERT INTO reconciliation.article_origins (article_id, origin_id) SELECT * FROM unnest($1::text[], $2::text[])
                ON CONFLICT (article_id) DO UPDATE SET origin_id = EXCLUDED.origin_id
                """, connection, transaction);
            upsert.Parameters.Add(new() { Value = changed.Keys.ToArray() });
            upsert.Parameters.Add(new() { Value = changed.Values.ToArray() });
            await upsert.ExecuteNonQueryAsync(ct);
        }
        return (changed, read);
    }

    /// <summary>
    /// For each claim with a figure from one of <paramref name="articles"/> (a batch's: its mentions' claims and those
    /// counting older revisions of its articles) or <paramref name="regroupedArticles"/>: the current origin of each of
    /// those articles. Only those: every regrouping commits together with the decisions of every claim with a figure
    /// from an article it moved, so a claim already counts the current origin of each of its other articles. (Reading
    /// the origin of every article of every claim concerned cost 10-30 ms a batch under the origins lock once claims
    /// held hundreds of mentions, 21 % of the database's time at half load in the benchmark.)
    /// </summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> OriginsInClaimsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<string> articles, IEnumerable<string> regroupedArticles, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            SELECT DISTINCT f.claim_id, f.article_id, coalesce(o.origin_id, f.article_id)
            FROM reconciliation.article_figures f LEFT JOIN reconciliation.article_origins o USING (article_id)
            WHERE f.article_id = ANY ($1)
            """, connection, transaction);
        command.Parameters.Add(new() { Value = articles.Concat(regroupedArticles).Distinct(StringComparer.Ordinal).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var origins = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            var claimId = reader.GetString(0);
            if (!origins.TryGetValue(claimId, out var inClaim))
            {
                origins[claimId] = inClaim = new Dictionary<string, string>(StringComparer.Ordinal);
            }
            inClaim[reader.GetString(1)] = reader.GetString(2);
        }
        return origins.ToDictionary(o => o.Key, IReadOnlyDictionary<string, string> (o) => o.Value, StringComparer.Ordinal);
    }
}

/// <summary>
/// What recording a batch's figures found: claims counting outdated revisions, articles already known, and the live
/// figures (value and unit, with how often each is stated) of every article of the batch as the unit of work left them,
/// with the number of figures each article declared (where its mentions said).
/// </summary>
public sealed record RecordedFigures(
    IReadOnlyList<OutdatedRevision> Outdated,
    IReadOnlySet<string> ArticlesSeenBefore,
    IReadOnlyDictionary<string, IReadOnlyDictionary<(decimal Value, string Unit), int>> LiveFigures,
    IReadOnlyDictionary<string, int> DeclaredSizes);

/// <summary>A claim that counts a mention read from a revision of an article older than its latest.</summary>
public sealed record OutdatedRevision(string ClaimId, string ArticleId, int LatestRevision);
