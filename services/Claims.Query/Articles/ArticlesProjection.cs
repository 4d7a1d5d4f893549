using System.Text.Json;
using Claims.Contracts;
using Claims.Contracts.Events;
using Claims.EventStore;
using Claims.Query.Sources;
using Npgsql;

using static Claims.Query.Sql;

namespace Claims.Query.Articles;

/// <summary>
/// Projects article streams into <c>query.articles</c> (the current revision of each), <c>query.article_revisions</c>
/// (every text ever received), <c>query.article_claims</c> (the claims extracted from each revision) and
/// <c>query.sources</c>. One set-based statement per kind of write and one round trip per batch, in the transaction
/// that moves the checkpoint.
/// </summary>
public sealed class ArticlesProjection(EventStore.EventStore store, ReadModelSchema target) : SqlBatchProjection(target)
{
    public const string Schema = """
        CREATE TABLE IF NOT EXISTS query.articles (
            article_id text PRIMARY KEY,
            revision int NOT NULL,
            first_received_at timestamptz NOT NULL);
        CREATE TABLE IF NOT EXISTS query.article_revisions (
            article_id text NOT NULL,
            revision int NOT NULL,
            content_hash text NOT NULL,
            source text NOT NULL,
            url text,
            title text,
            published_at timestamptz NOT NULL,
            language text NOT NULL,
            text text NOT NULL,
            received_at timestamptz NOT NULL,
            recorded_at timestamptz NOT NULL,
            PRIMARY KEY (article_id, revision));
        CREATE INDEX IF NOT EXISTS article_revisions_source ON query.article_revisions (source);
        -- An article's text is the one value here long enough to be compressed: lz4 compresses it several times faster
        -- than PostgreSQL's default pglz (which took a twentieth of a rebuild's server time), where the server has it.
        DO $$ BEGIN
            IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
                ALTER TABLE query.article_revisions ALTER COLUMN text SET COMPRESSION lz4;
            END IF;
        END $$;
        CREATE TABLE IF NOT EXISTS query.article_claims (
            mention_id uuid PRIMARY KEY,
            article_id text NOT NULL,
            revision int NOT NULL,
            claim_id text NOT NULL,
            metric text NOT NULL,
            subjects text[] NOT NULL,
            direction text,
            period text,
            value numeric NOT NULL,
            unit text NOT NULL,
            noun text,
            qualifier text NOT NULL,
            lower numeric,
            upper numeric,
            evidence jsonb NOT NULL,
            confidence double precision NOT NULL);
        CREATE INDEX IF NOT EXISTS article_claims_article ON query.article_claims (article_id, revision);
        """;

    private const string InsertRevisions = """
        INSERT INTO query.article_revisions (article_id, revision, content_hash, source, url, title, published_at, language, text, received_at, recorded_at)
        SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::text[], $9::text[],
            $10::timestamptz[], $11::timestamptz[])
        ON CONFLICT (article_id, revision) DO NOTHING
        """;

    // One row per article: its latest revision in the batch, and when the batch first received it.
    private const string UpsertArticles = """
        INSERT INTO query.articles (article_id, revision, first_received_at)
        SELECT * FROM unnest($1::text[], $2::int[], $3::timestamptz[])
        ON CONFLICT (article_id) DO UPDATE SET revision = GREATEST(query.articles.revision, EXCLUDED.revision)
        """;

    private const string InsertClaims = """
        INSERT INTO query.article_claims (mention_id, article_id, revision, claim_id, metric, subjects, direction, period, value, unit, noun,
            qualifier, lower, upper, evidence, confidence)
        SELECT mention_id, article_id, revision, claim_id, metric, string_to_array(subjects, chr(31)), direction, period, value, unit, noun,
            qualifier, lower, upper, evidence, confidence
        FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::numeric[], $10::text[],
            $11::text[], $12::text[], $13::numeric[], $14::numeric[], $15::jsonb[], $16::float8[])
            AS u (mention_id, article_id, revision, claim_id, metric, subjects, direction, period, value, unit, noun, qualifier, lower, upper,
                  evidence, confidence)
        ON CONFLICT (mention_id) DO NOTHING
        """;

    private readonly string _insertRevisions = target.Qualify(InsertRevisions);
    private readonly string _upsertArticles = target.Qualify(UpsertArticles);
    private readonly string _insertClaims = target.Qualify(InsertClaims);
    private readonly string _takeOutOfSources = target.Qualify(SourcesReadModel.TakeOut);
    private readonly string _putIntoSources = target.Qualify(SourcesReadModel.PutIn);
    private readonly string _refreshSources = target.Qualify(SourcesReadModel.Refresh);

    /// <summary>The live projection, as the query service runs it.</summary>
    public ArticlesProjection(EventStore.EventStore store) : this(store, ReadModelSchema.Live)
    {
    }

    public override string Name => Target.ProjectionName("query-articles");

    public override IReadOnlySet<string>? EventTypes { get; } = new HashSet<string> { EventAliases.ArticleReceived, EventAliases.ClaimExtracted };

    public override IReadOnlyList<string> Tables { get; } = ["articles", "article_revisions", "article_claims", "sources", "source_articles", "source_claims", "source_languages"];

    public override string TablesDdl => Schema + SourcesReadModel.Schema;

    protected override void AddCommands(NpgsqlBatch commands, IReadOnlyList<StoredEvent> events)
    {
        var (revisions, claims) = (new RevisionColumns(), new ClaimColumns());
        var articles = new Dictionary<string, (int Revision, DateTimeOffset FirstReceivedAt)>(StringComparer.Ordinal);
        foreach (var stored in events)
        {
            switch (stored.Data)
            {
                case ArticleReceived received:
                    revisions.Add(stored, received);
                    articles[received.ArticleId] = articles.TryGetValue(received.ArticleId, out var seen)
                        ? (Math.Max(seen.Revision, received.Revision), seen.FirstReceivedAt)
                        : (received.Revision, received.ReceivedAt);
                    break;
                case ClaimExtracted extracted:
                    claims.Add(extracted, JsonSerializer.Serialize(extracted.Mention.Evidence, store.SerializerOptions));
                    break;
            }
        }

        // The outlets' counts: the touched articles' contributions out before the writes, back in after, then the touched
        // outlets' dates and languages read again.
        // A rebuild counts its sources once, at its end: recounting every outlet each batch made a replay quadratic.
        var touched = revisions.ArticleId.Concat(claims.ArticleId).Distinct(StringComparer.Ordinal).ToList();
        var countSources = touched.Count > 0 && Target.IsLive;
        if (countSources)
        {
            commands.BatchCommands.Add(Command(_takeOutOfSources, Column(touched)));
        }

        if (revisions.ArticleId.Count > 0)
        {
            commands.BatchCommands.Add(revisions.Command(_insertRevisions));
            commands.BatchCommands.Add(Command(_upsertArticles,
                Column(articles.Keys.ToList()), Column(articles.Values.Select(a => a.Revision).ToList()),
                Column(articles.Values.Select(a => a.FirstReceivedAt).ToList())));
        }

        if (claims.MentionId.Count > 0)
        {
            commands.BatchCommands.Add(claims.Command(_insertClaims));
        }

        if (countSources)
        {
            commands.BatchCommands.Add(Command(_putIntoSources, Column(touched)));
            commands.BatchCommands.Add(Command(_refreshSources, Column(touched)));
        }
    }

    public override async Task CompleteRebuildAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(Target.Qualify(SourcesReadModel.RefreshAll), connection, transaction);
        await command.ExecuteNonQueryAsync(ct);
    }

    private sealed class RevisionColumns
    {
        public readonly List<string> ArticleId = [];
        private readonly List<int> _revision = [];
        private readonly List<string> _contentHash = [], _source = [], _language = [], _text = [];
        private readonly List<string?> _url = [], _title = [];
        private readonly List<DateTimeOffset> _publishedAt = [], _receivedAt = [], _recordedAt = [];

        public void Add(StoredEvent stored, ArticleReceived a)
        {
            ArticleId.Add(a.ArticleId);
            _revision.Add(a.Revision);
            _contentHash.Add(a.ContentHash);
            _source.Add(a.Source);
            _url.Add(a.Url);
            _title.Add(a.Title);
            _publishedAt.Add(a.PublishedAt);
            _language.Add(a.Language);
            _text.Add(a.Text);
            _receivedAt.Add(a.ReceivedAt);
            _recordedAt.Add(stored.RecordedAt);
        }

        public NpgsqlBatchCommand Command(string sql) => Sql.Command(sql,
            Column(ArticleId), Column(_revision), Column(_contentHash), Column(_source), Column(_url), Column(_title), Column(_publishedAt),
            Column(_language), Column(_text), Column(_receivedAt), Column(_recordedAt));
    }

    private sealed class ClaimColumns
    {
        public readonly List<Guid> MentionId = [];
        public readonly List<string> ArticleId = [];
        private readonly List<int> _revision = [];
        private readonly List<string> _claimId = [], _metric = [], _subjects = [], _unit = [], _qualifier = [];
        private readonly List<string?> _direction = [], _period = [], _noun = [], _evidence = [];
        private readonly List<decimal> _value = [];
        private readonly List<decimal?> _lower = [], _upper = [];
        private readonly List<double> _confidence = [];

        public void Add(ClaimExtracted extracted, string evidence)
        {
            var (m, a) = (extracted.Mention, extracted.Article);
            MentionId.Add(extracted.MentionId);
            ArticleId.Add(a.ArticleId);
            _revision.Add(a.Revision);
            _claimId.Add(m.ClaimId);
            _metric.Add(m.Metric);
            _subjects.Add(string.Join(ListSeparator, m.Subjects));
            _direction.Add(m.Direction);
            _period.Add(m.Period);
            _value.Add(m.Value);
            _unit.Add(m.Unit);
            _noun.Add(m.Noun);
            _qualifier.Add(m.Qualifier);
            _lower.Add(m.Lower);
            _upper.Add(m.Upper);
            _evidence.Add(evidence);
            _confidence.Add(m.Confidence);
        }

        public NpgsqlBatchCommand Command(string sql) => Sql.Command(sql,
            Column(MentionId), Column(ArticleId), Column(_revision), Column(_claimId), Column(_metric), Column(_subjects), Column(_direction),
            Column(_period), Column(_value), Column(_unit), Column(_noun), Column(_qualifier), Column(_lower), Column(_upper), JsonbColumn(_evidence),
            Column(_confidence));
    }
}
