using Claims.Contracts;
using Npgsql;
using NpgsqlTypes;

namespace Claims.Reconciliation.Origins;

/// <summary>
/// Reconciliation's own tables: every figure each article states (what origin detection compares, and which
/// claims an article touches) and the origin group each article counts in.
/// </summary>
public sealed class ArticleFigureStore(NpgsqlDataSource dataSource)
{
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
        CREATE INDEX IF NOT EXISTS article_figures_figure ON reconciliation.article_figures (value, unit);
        CREATE INDEX IF NOT EXISTS article_figures_claim ON reconciliation.article_figures (claim_id);
        CREATE TABLE IF NOT EXISTS reconciliation.article_origins (
            article_id text PRIMARY KEY,
            origin_id text NOT NULL);
        CREATE INDEX IF NOT EXISTS article_origins_origin ON reconciliation.article_origins (origin_id);
        """;

    // Origin groups are recomputed under one lock: two overlapping recomputations would otherwise each see half.
    private const long OriginsLock = 7243002;

    public NpgsqlDataSource DataSource => dataSource;

    /// <summary>Records the mention's figure (once) and retires the figures of the article's older revisions.</summary>
    public async Task RecordAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ClaimExtracted extracted, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("""
                    INSERT INTO reconciliation.article_figures (mention_id, article_id, revision, claim_id, published_at, source, value, unit, evidence, evidence_key, retracted)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
                            EXISTS (SELECT 1 FROM reconciliation.article_figures WHERE article_id = $2 AND revision > $3))
                    ON CONFLICT (mention_id) DO NOTHING
                    """)
                {
                    Parameters =
                    {
                        new() { Value = extracted.MentionId },
                        new() { Value = extracted.Article.ArticleId },
                        new() { Value = extracted.Article.Revision },
                        new() { Value = extracted.Mention.ClaimId },
                        new() { Value = extracted.Article.PublishedAt },
                        new() { Value = extracted.Article.Source },
                        new() { Value = extracted.Mention.Value },
                        new() { Value = extracted.Mention.Unit },
                        new() { Value = extracted.Mention.Evidence.Text },
                        new() { Value = OriginGrouping.EvidenceKey(extracted.Mention.Evidence.Text) },
                    },
                },
                new NpgsqlBatchCommand("UPDATE reconciliation.article_figures SET retracted = true WHERE article_id = $1 AND revision < $2 AND NOT retracted")
                {
                    Parameters = { new() { Value = extracted.Article.ArticleId }, new() { Value = extracted.Article.Revision } },
                },
            },
        };
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The origin group an article counts in now (its own id until it is recognised as a reprint).</summary>
    public async Task<string> OriginOfAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string articleId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT origin_id FROM reconciliation.article_origins WHERE article_id = $1", connection, transaction)
        {
            Parameters = { new() { Value = articleId } },
        };
        return await command.ExecuteScalarAsync(ct) as string ?? articleId;
    }

    /// <summary>The article's latest revision seen so far; retires the figures of every older one.</summary>
    public async Task<int> LatestRevisionAsync(string articleId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            WITH latest AS (SELECT max(revision) AS revision FROM reconciliation.article_figures WHERE article_id = $1),
                 retired AS (UPDATE reconciliation.article_figures f SET retracted = true FROM latest
                             WHERE f.article_id = $1 AND f.revision < latest.revision AND NOT f.retracted)
            SELECT revision FROM latest
            """);
        command.Parameters.Add(new() { Value = articleId });
        return await command.ExecuteScalarAsync(ct) is int revision ? revision : 0;
    }

    /// <summary>Claims with mentions read from revisions of the article before <paramref name="revision"/>.</summary>
    public Task<IReadOnlyList<string>> ClaimsWithRevisionsBeforeAsync(string articleId, int revision, CancellationToken ct) =>
        ReadStringsAsync("SELECT DISTINCT claim_id FROM reconciliation.article_figures WHERE article_id = $1 AND revision < $2 ORDER BY 1",
            [new() { Value = articleId }, new() { Value = revision }], ct);

    /// <summary>Claims with mentions read from any of these articles.</summary>
    public Task<IReadOnlyList<string>> ClaimsOfArticlesAsync(IEnumerable<string> articleIds, CancellationToken ct) =>
        ReadStringsAsync("SELECT DISTINCT claim_id FROM reconciliation.article_figures WHERE article_id = ANY ($1) ORDER BY 1",
            [new() { Value = articleIds.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text }], ct);

    /// <summary>The current origin of every article with a mention of the claim.</summary>
    public async Task<IReadOnlyDictionary<string, string>> OriginsInClaimAsync(string claimId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT DISTINCT f.article_id, COALESCE(o.origin_id, f.article_id)
            FROM reconciliation.article_figures f LEFT JOIN reconciliation.article_origins o USING (article_id)
            WHERE f.claim_id = $1
            """);
        command.Parameters.Add(new() { Value = claimId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var origins = new Dictionary<string, string>();
        while (await reader.ReadAsync(ct))
        {
            origins[reader.GetString(0)] = reader.GetString(1);
        }
        return origins;
    }

    /// <summary>
    /// Recomputes the origin groups an article's new figures can change, stores what changed, and returns the
    /// articles whose origin changed. Candidates are found exactly in SQL (three shared figures, or one in the same
    /// sentence); only the groups of the article and of the candidates it really matches are recomputed, since no
    /// other pair of articles changed.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> RefreshOriginsAroundAsync(string articleId, OriginOptions options, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var articles = new Dictionary<string, (DateTimeOffset PublishedAt, List<Figure> Figures)>();
        var stored = new Dictionary<string, string>();
        var candidates = new HashSet<string>();
        // The lock and the read go in one round trip: every round trip made while holding the lock is one all
        // other refreshes wait for (the benchmark found this lock the pipeline's bottleneck).
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT pg_advisory_xact_lock({OriginsLock})"));
            var command = new NpgsqlBatchCommand("""
            WITH mine AS (SELECT value, unit, evidence_key FROM reconciliation.article_figures WHERE article_id = $1 AND NOT retracted),
                 candidates AS (SELECT f.article_id FROM reconciliation.article_figures f JOIN mine m USING (value, unit)
                                WHERE NOT f.retracted AND f.article_id <> $1
                                GROUP BY f.article_id
                                HAVING count(*) >= $2 OR bool_or(f.evidence_key = m.evidence_key)),
                 involved AS (SELECT article_id FROM candidates UNION SELECT $1),
                 -- An article without a row is its own origin, and a group's earliest article (its name) has no row
                 -- either: both must be counted, or a refresh would regroup part of a group without its root.
                 groups AS (SELECT DISTINCT coalesce(o.origin_id, i.article_id) AS origin_id
                            FROM involved i LEFT JOIN reconciliation.article_origins o USING (article_id)),
                 members AS (SELECT article_id FROM involved
                             UNION SELECT article_id FROM reconciliation.article_origins WHERE origin_id IN (SELECT origin_id FROM groups)
                             UNION SELECT origin_id FROM groups)
            SELECT f.article_id, f.published_at, f.value, f.unit, f.evidence_key, o.origin_id, f.article_id IN (SELECT article_id FROM candidates)
            FROM reconciliation.article_figures f LEFT JOIN reconciliation.article_origins o USING (article_id)
            WHERE f.article_id IN (SELECT article_id FROM members) AND NOT f.retracted
            """);
            command.Parameters.Add(new() { Value = articleId });
            command.Parameters.Add(new() { Value = options.MinSharedFigures });
            batch.BatchCommands.Add(command);
            await using var reader = await batch.ExecuteReaderAsync(ct);
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var id = reader.GetString(0);
                if (!articles.TryGetValue(id, out var article))
                {
                    article = (reader.GetFieldValue<DateTimeOffset>(1), []);
                    articles[id] = article;
                }
                article.Figures.Add(new Figure(reader.GetDecimal(2), reader.GetString(3), reader.GetString(4)));
                stored[id] = reader.IsDBNull(5) ? id : reader.GetString(5);
                if (reader.GetBoolean(6))
                {
                    candidates.Add(id);
                }
            }
        }
        if (!articles.ContainsKey(articleId))
        {
            return new Dictionary<string, string>();
        }
        ArticleFigures Figures(string id) => new(id, articles[id].PublishedAt, articles[id].Figures);
        var matched = candidates.Where(c => OriginGrouping.SameOrigin(Figures(articleId), Figures(c), options)).ToList();
        // The article's own group (its new figures may split it) and the groups it joins.
        var origins = matched.Select(m => stored[m]).Append(stored[articleId]).ToHashSet();
        var affected = stored.Where(s => origins.Contains(s.Value)).Select(s => s.Key).Union(matched).Append(articleId).Distinct().ToList();
        var grouped = OriginGrouping.Group([.. affected.Select(Figures)], options);
        var changed = grouped.Where(g => stored[g.Key] != g.Value).ToDictionary(g => g.Key, g => g.Value);
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
        await transaction.CommitAsync(ct);
        return changed;
    }

    private async Task<IReadOnlyList<string>> ReadStringsAsync(string sql, NpgsqlParameter[] parameters, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddRange(parameters);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var values = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            values.Add(reader.GetString(0));
        }
        return values;
    }
}
