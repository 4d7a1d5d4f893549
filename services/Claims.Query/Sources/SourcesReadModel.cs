namespace Claims.Query.Sources;

/// <summary>
/// <c>query.sources</c>: one row per outlet, counted over the current revision of each of its articles. The articles
/// projection keeps it, in the transaction that writes the articles.
/// </summary>
/// <remarks>
/// Counting an outlet from its articles' claims read every claim it ever published, and a batch touches most outlets:
/// each batch recounted nearly the whole read model (60 ms a batch at 2,600 articles). Narrow tables then carried what
/// the counts need, each article's current contribution (<c>source_articles</c>) and each outlet's current mentions of
/// each claim (<c>source_claims</c>), but recounting a touched outlet from them still read all of its articles: 5-9 ms
/// a batch in the benchmark, growing with every article an outlet publishes. Now a batch moves the counts by its
/// articles' contributions alone: it takes their old contributions out before it writes and puts the new ones in
/// after, counting the claims whose tallies leave or reach zero, and it reads an outlet's languages and dates through
/// indexes (<c>source_languages</c> tallies each outlet's articles by language). What a batch
/// costs depends on the batch, not on the outlets' history.
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
        DROP INDEX IF EXISTS query.source_articles_source;
        CREATE INDEX IF NOT EXISTS source_articles_published ON query.source_articles (source, published_at);
        CREATE INDEX IF NOT EXISTS source_articles_received ON query.source_articles (source, received_at);
        CREATE TABLE IF NOT EXISTS query.source_claims (
            source text NOT NULL,
            claim_id text NOT NULL,
            mentions int NOT NULL,
            PRIMARY KEY (source, claim_id));
        CREATE TABLE IF NOT EXISTS query.source_languages (
            source text NOT NULL,
            language text NOT NULL,
            articles int NOT NULL,
            PRIMARY KEY (source, language));
        -- Read models projected before these tables existed: their contributions, once.
        INSERT INTO query.source_articles
        {CurrentContributions("NOT EXISTS (SELECT 1 FROM query.source_articles)")};
        INSERT INTO query.source_claims
        {CurrentClaims("NOT EXISTS (SELECT 1 FROM query.source_claims)")};
        INSERT INTO query.source_languages
        {CurrentLanguages("NOT EXISTS (SELECT 1 FROM query.source_languages)")};
        """;

    /// <summary>
    /// Before a batch writes: takes the current contributions of the articles in $1 out of the tallies and the counts
    /// (a new revision or more claims will put them back, changed). A claim whose tally falls to zero leaves its outlet's
    /// count, and an outlet left without articles leaves the read model. Rows stay where they are, at zero if need be:
    /// the batch puts most of them back, and updating a row in place is cheaper than deleting and inserting it again.
    /// </summary>
    public static readonly string TakeOut = $"""
        WITH old_claims AS (
            {CurrentClaims("a.article_id = ANY ($1)")}),
        taken AS (
            UPDATE query.source_claims s SET mentions = s.mentions - o.mentions
            FROM old_claims o
            WHERE s.source = o.source AND s.claim_id = o.claim_id
            RETURNING s.source, s.mentions <= 0 AND s.mentions + o.mentions > 0 AS vanished),
        old_articles AS (
            SELECT source, language, mentions FROM query.source_articles WHERE article_id = ANY ($1)),
        languages_taken AS (
            UPDATE query.source_languages l SET articles = l.articles - o.articles
            FROM (SELECT source, language, count(*)::int AS articles FROM old_articles GROUP BY source, language) o
            WHERE l.source = o.source AND l.language = o.language),
        deltas AS (
            SELECT source, sum(articles)::int AS articles, sum(mentions)::int AS mentions, sum(claims)::int AS claims
            FROM (SELECT source, count(*) AS articles, sum(mentions) AS mentions, 0 AS claims FROM old_articles GROUP BY source
                  UNION ALL
                  SELECT source, 0, 0, count(*) FROM taken WHERE vanished GROUP BY source) d
            GROUP BY source),
        emptied AS (
            DELETE FROM query.sources s USING deltas d WHERE s.source = d.source AND s.article_count <= d.articles)
        UPDATE query.sources s
        SET article_count = s.article_count - d.articles, mention_count = s.mention_count - d.mentions, claim_count = s.claim_count - d.claims
        FROM deltas d
        WHERE s.source = d.source AND s.article_count > d.articles
        """;

    /// <summary>
    /// After a batch writes: puts the current contributions of the articles in $1 in. A claim the outlet had no
    /// mentions of joins its count; an outlet new to the read model joins it with the batch's dates and languages, which
    /// <see cref="Refresh"/> then completes from all of its articles.
    /// </summary>
    public static readonly string PutIn = $"""
        WITH new_articles AS (
            INSERT INTO query.source_articles
            {CurrentContributions("a.article_id = ANY ($1)")}
            ON CONFLICT (article_id) DO UPDATE SET source = EXCLUDED.source, language = EXCLUDED.language,
                published_at = EXCLUDED.published_at, received_at = EXCLUDED.received_at, mentions = EXCLUDED.mentions
            RETURNING source, language, published_at, received_at, mentions),
        languages_put AS (
            INSERT INTO query.source_languages
            SELECT source, language, count(*)::int FROM new_articles GROUP BY source, language
            ON CONFLICT (source, language) DO UPDATE SET articles = query.source_languages.articles + EXCLUDED.articles),
        -- A claim the outlet had no mentions of before the batch puts its own in is new to the outlet. (The tallies are
        -- read beside the upsert, in the statement's snapshot: joining what it returns to what it was given would be a
        -- join of two intermediate results, which a live batch plans as a nested loop.)
        new_claims AS (
            SELECT n.source, n.claim_id, n.mentions,
                   NOT EXISTS (SELECT 1 FROM query.source_claims s WHERE s.source = n.source AND s.claim_id = n.claim_id AND s.mentions > 0)
                       AS appeared
            FROM ({CurrentClaims("a.article_id = ANY ($1)")}) n),
        claims_put AS (
            INSERT INTO query.source_claims SELECT source, claim_id, mentions FROM new_claims
            ON CONFLICT (source, claim_id) DO UPDATE SET mentions = query.source_claims.mentions + EXCLUDED.mentions),
        deltas AS (
            SELECT source, sum(articles)::int AS articles, sum(mentions)::int AS mentions, sum(claims)::int AS claims,
                   array_agg(DISTINCT language ORDER BY language) FILTER (WHERE language IS NOT NULL) AS languages,
                   min(published_at) AS first_published, max(published_at) AS last_published, max(received_at) AS last_seen
            FROM (SELECT source, 1 AS articles, mentions, 0 AS claims, language, published_at, received_at FROM new_articles
                  UNION ALL
                  SELECT source, 0, 0, 1, NULL, NULL, NULL FROM new_claims WHERE appeared) d
            GROUP BY source)
        INSERT INTO query.sources (source, article_count, mention_count, claim_count, languages, first_published_at, last_published_at, last_seen_at)
        SELECT source, articles, mentions, claims, languages, first_published, last_published, last_seen FROM deltas
        ON CONFLICT (source) DO UPDATE SET
            article_count = query.sources.article_count + EXCLUDED.article_count,
            mention_count = query.sources.mention_count + EXCLUDED.mention_count,
            claim_count = query.sources.claim_count + EXCLUDED.claim_count
        """;

    /// <summary>
    /// After <see cref="PutIn"/>: the languages and dates of every outlet that any revision of the articles in $1 had (a
    /// correction may move an article to another outlet), each read through an index.
    /// </summary>
    public static readonly string Refresh = """
        UPDATE query.sources s SET
            languages = ARRAY(SELECT l.language FROM query.source_languages l WHERE l.source = s.source AND l.articles > 0 ORDER BY l.language),
            first_published_at = (SELECT min(a.published_at) FROM query.source_articles a WHERE a.source = s.source),
            last_published_at = (SELECT max(a.published_at) FROM query.source_articles a WHERE a.source = s.source),
            last_seen_at = (SELECT max(a.received_at) FROM query.source_articles a WHERE a.source = s.source)
        WHERE s.source IN (SELECT DISTINCT source FROM query.article_revisions WHERE article_id = ANY ($1))
        """;

    /// <summary>
    /// Counts every source from scratch: what a rebuild does once at its end instead of once a batch (its replay
    /// leaves the contribution tables empty).
    /// </summary>
    public static readonly string RefreshAll = $"""
        TRUNCATE query.sources, query.source_articles, query.source_claims, query.source_languages;
        INSERT INTO query.source_articles
        {CurrentContributions("true")};
        INSERT INTO query.source_claims
        {CurrentClaims("true")};
        INSERT INTO query.source_languages
        {CurrentLanguages("true")};
        INSERT INTO query.sources (source, article_count, mention_count, claim_count, languages, first_published_at, last_published_at, last_seen_at)
        SELECT sa.source, count(*)::int, sum(sa.mentions)::int,
               (SELECT count(*) FROM query.source_claims sc WHERE sc.source = sa.source)::int,
               array_agg(DISTINCT sa.language ORDER BY sa.language),
               min(sa.published_at), max(sa.published_at), max(sa.received_at)
        FROM query.source_articles sa
        GROUP BY sa.source;
        """;

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

    /// <summary>How many current articles each outlet has in each language.</summary>
    private static string CurrentLanguages(string filter) => $"""
        SELECT r.source, r.language, count(*)::int
        FROM query.articles a JOIN query.article_revisions r ON r.article_id = a.article_id AND r.revision = a.revision
        WHERE {filter}
        GROUP BY r.source, r.language
        """;
}
