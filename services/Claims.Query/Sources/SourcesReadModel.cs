namespace Claims.Query.Sources;

/// <summary>
/// <c>query.sources</c>: one row per outlet, counted over the current revision of each of its articles. The articles
/// projection keeps it, in the transaction that writes the articles.
/// </summary>
/// <remarks>
/// Counting an outlet from its articles' claims read every claim it ever published, and a batch touches most outlets:
/// each batch recounted nearly the whole read model (60 ms a batch at 2,600 articles, 12 % of the database's time
/// under load, and growing with the log). Two narrow tables now carry what the counts need: each article's current
/// contribution (<c>source_articles</c>) and how many current mentions each outlet has of each claim
/// (<c>source_claims</c>). A batch takes its articles' old contributions out before it writes, puts the new ones in
/// after, and counts the touched outlets from those tables alone.
/// </remarks>
public static class SourcesReadModel
{
    public static readonly string Schema = $"""
        CREATE TABLE IF NOT EXISTS query.sources (
            source text PRIMARY KEY,
            article_count int NOT NULL,
            mention_count int NOT NULL,
            claim_count int NOT NULL,
            languages text[] NOT NULL,
            first_published_at timestamptz NOT NULL,
            last_published_at timestamptz NOT NULL,
            last_seen_at timestamptz NOT NULL);
        CREATE TABLE IF NOT EXISTS query.source_articles (
            article_id text PRIMARY KEY,
            source text NOT NULL,
            language text NOT NULL,
            published_at timestamptz NOT NULL,
            received_at timestamptz NOT NULL,
            mentions int NOT NULL);
        CREATE INDEX IF NOT EXISTS source_articles_source ON query.source_articles (source);
        CREATE TABLE IF NOT EXISTS query.source_claims (
            source text NOT NULL,
            claim_id text NOT NULL,
            mentions int NOT NULL,
            PRIMARY KEY (source, claim_id));
        -- Read models projected before these tables existed: their contributions, once.
        INSERT INTO query.source_articles
        {CurrentContributions("NOT EXISTS (SELECT 1 FROM query.source_articles)")};
        INSERT INTO query.source_claims
        {CurrentClaims("NOT EXISTS (SELECT 1 FROM query.source_claims)")};
        """;

    /// <summary>
    /// Before a batch writes: takes the current contributions of the articles in $1 out of <c>source_claims</c> and
    /// <c>source_articles</c> (a new revision or more claims will put them back, changed).
    /// </summary>
    public static readonly string TakeOut = $"""
        WITH old AS (
            {CurrentClaims("a.article_id = ANY ($1)")}),
        taken AS (
            UPDATE query.source_claims s SET mentions = s.mentions - old.mentions
            FROM old WHERE s.source = old.source AND s.claim_id = old.claim_id)
        DELETE FROM query.source_articles WHERE article_id = ANY ($1)
        """;

    /// <summary>After a batch writes: puts the current contributions of the articles in $1 in.</summary>
    public static readonly string PutIn = $"""
        WITH put_articles AS (
            INSERT INTO query.source_articles
            {CurrentContributions("a.article_id = ANY ($1)")})
        INSERT INTO query.source_claims
        {CurrentClaims("a.article_id = ANY ($1)")}
        ON CONFLICT (source, claim_id) DO UPDATE SET mentions = query.source_claims.mentions + EXCLUDED.mentions
        """;

    /// <summary>
    /// Recounts every source that any revision of the articles in $1 had (a correction may move an article to another
    /// outlet), and drops sources left without articles.
    /// </summary>
    public static readonly string Refresh = """
        WITH touched AS (
            SELECT DISTINCT source FROM query.article_revisions WHERE article_id = ANY ($1)),
        """ + Recount;

    /// <summary>
    /// Counts every source from scratch: what a rebuild does once at its end instead of once a batch (its replay
    /// leaves the contribution tables empty).
    /// </summary>
    public static readonly string RefreshAll = $"""
        TRUNCATE query.source_articles, query.source_claims;
        INSERT INTO query.source_articles
        {CurrentContributions("true")};
        INSERT INTO query.source_claims
        {CurrentClaims("true")};
        WITH touched AS (
            SELECT DISTINCT source FROM query.article_revisions),
        """ + Recount;

    /// <summary>Each article's current revision: its outlet, language, dates and number of mentions.</summary>
    private static string CurrentContributions(string filter) => $"""
        SELECT a.article_id, r.source, r.language, r.published_at, r.received_at,
               (SELECT count(*) FROM query.article_claims c WHERE c.article_id = a.article_id AND c.revision = a.revision)::int
        FROM query.articles a JOIN query.article_revisions r ON r.article_id = a.article_id AND r.revision = a.revision
        WHERE {filter}
        """;

    /// <summary>How many mentions of each claim the current revisions of each outlet's articles make.</summary>
    private static string CurrentClaims(string filter) => $"""
        SELECT r.source, c.claim_id, count(*)::int AS mentions
        FROM query.articles a
             JOIN query.article_revisions r ON r.article_id = a.article_id AND r.revision = a.revision
             JOIN query.article_claims c ON c.article_id = a.article_id AND c.revision = a.revision
        WHERE {filter}
        GROUP BY r.source, c.claim_id
        """;

    private const string Recount = """

        dropped_claims AS (
            DELETE FROM query.source_claims WHERE source IN (SELECT source FROM touched) AND mentions <= 0),
        stats AS (
            SELECT sa.source, count(*)::int AS articles, sum(sa.mentions)::int AS mentions,
                   (SELECT count(*) FROM query.source_claims sc WHERE sc.source = sa.source AND sc.mentions > 0)::int AS claims,
                   array_agg(DISTINCT sa.language ORDER BY sa.language) AS languages,
                   min(sa.published_at) AS first_published, max(sa.published_at) AS last_published, max(sa.received_at) AS last_seen
            FROM query.source_articles sa
            WHERE sa.source IN (SELECT source FROM touched)
            GROUP BY sa.source),
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
