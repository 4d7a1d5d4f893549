namespace Claims.Query.Sources;

/// <summary>
/// <c>query.sources</c>: one row per outlet, counted over the current revision of each of its articles. The articles
/// projection keeps it, in the transaction that writes the articles.
/// </summary>
public static class SourcesReadModel
{
    public const string Schema = """
        CREATE TABLE IF NOT EXISTS query.sources (
            source text PRIMARY KEY,
            article_count int NOT NULL,
            mention_count int NOT NULL,
            claim_count int NOT NULL,
            languages text[] NOT NULL,
            first_published_at timestamptz NOT NULL,
            last_published_at timestamptz NOT NULL,
            last_seen_at timestamptz NOT NULL);
        """;

    /// <summary>
    /// Recounts every source that any revision of the articles in $1 had (a correction may move an article to another
    /// outlet), and drops sources left without articles. One statement, so it rides in the projection's batch.
    /// </summary>
    public const string Refresh = """
        WITH touched AS (
            SELECT DISTINCT source FROM query.article_revisions WHERE article_id = ANY ($1)),
        """ + Recount;

    /// <summary>Counts every source at once: what a rebuild does once at its end instead of once a batch.</summary>
    public const string RefreshAll = """
        WITH touched AS (
            SELECT DISTINCT source FROM query.article_revisions),
        """ + Recount;

    private const string Recount = """

        current_revisions AS (
            SELECT r.* FROM query.articles a JOIN query.article_revisions r ON r.article_id = a.article_id AND r.revision = a.revision
            WHERE r.source IN (SELECT source FROM touched)),
        stats AS (
            SELECT r.source, count(DISTINCT r.article_id)::int AS articles, count(c.mention_id)::int AS mentions,
                   count(DISTINCT c.claim_id)::int AS claims, array_agg(DISTINCT r.language ORDER BY r.language) AS languages,
                   min(r.published_at) AS first_published, max(r.published_at) AS last_published, max(r.received_at) AS last_seen
            FROM current_revisions r LEFT JOIN query.article_claims c ON c.article_id = r.article_id AND c.revision = r.revision
            GROUP BY r.source),
        gone AS (
            DELETE FROM query.sources s
            WHERE s.source IN (SELECT source FROM touched) AND NOT EXISTS (SELECT 1 FROM stats WHERE stats.source = s.source))
        INSERT INTO query.sources (source, article_count, mention_count, claim_count, languages, first_published_at, last_published_at, last_seen_at)
        SELECT source, articles, mentions, claims, languages, first_published, last_published, last_seen FROM stats
        ON CONFLICT (source) DO UPDATE SET
            article_count = EXCLUDED.article_count, mention_count = EXCLUDED.mention_count, claim_count = EXCLUDED.claim_count,
            languages = EXCLUDED.languages, first_published_at = EXCLUDED.first_published_at,
            last_published_at = EXCLUDED.last_published_at, last_seen_at = EXCLUDED.last_seen_at
        """;
}
