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
/// <c>query.sources</c>. One round trip per batch, in the transaction that moves the checkpoint.
/// </summary>
public sealed class ArticlesProjection(EventStore.EventStore store) : SqlBatchProjection
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

    private const string InsertRevision = """
        INSERT INTO query.article_revisions (article_id, revision, content_hash, source, url, title, published_at, language, text, received_at, recorded_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
        ON CONFLICT (article_id, revision) DO NOTHING
        """;

    private const string UpsertArticle = """
        INSERT INTO query.articles (article_id, revision, first_received_at) VALUES ($1, $2, $3)
        ON CONFLICT (article_id) DO UPDATE SET revision = GREATEST(query.articles.revision, EXCLUDED.revision)
        """;

    private const string InsertClaim = """
        INSERT INTO query.article_claims (mention_id, article_id, revision, claim_id, metric, subjects, direction, period, value, unit, noun,
            qualifier, lower, upper, evidence, confidence)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
        ON CONFLICT (mention_id) DO NOTHING
        """;

    public override string Name => "query-articles";

    public override IReadOnlySet<string>? EventTypes { get; } = new HashSet<string> { EventAliases.ArticleReceived, EventAliases.ClaimExtracted };

    protected override void Add(NpgsqlBatch commands, StoredEvent stored, ISet<string> touched)
    {
        switch (stored.Data)
        {
            case ArticleReceived received:
                AddArticle(commands, stored, received);
                touched.Add(received.ArticleId);
                break;
            case ClaimExtracted extracted:
                AddClaim(commands, extracted);
                touched.Add(extracted.Article.ArticleId);
                break;
        }
    }

    protected override void Complete(NpgsqlBatch commands, IReadOnlySet<string> touched)
    {
        if (touched.Count > 0)
        {
            commands.BatchCommands.Add(Command(SourcesReadModel.Refresh, Value(touched.ToArray())));
        }
    }

    public override async Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "TRUNCATE query.articles, query.article_revisions, query.article_claims, query.sources", connection, transaction);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static void AddArticle(NpgsqlBatch commands, StoredEvent stored, ArticleReceived a)
    {
        commands.BatchCommands.Add(Command(InsertRevision,
            Value(a.ArticleId), Value(a.Revision), Value(a.ContentHash), Value(a.Source), Text(a.Url), Text(a.Title), Value(a.PublishedAt),
            Value(a.Language), Value(a.Text), Value(a.ReceivedAt), Value(stored.RecordedAt)));
        commands.BatchCommands.Add(Command(UpsertArticle, Value(a.ArticleId), Value(a.Revision), Value(a.ReceivedAt)));
    }

    private void AddClaim(NpgsqlBatch commands, ClaimExtracted extracted)
    {
        var (m, a) = (extracted.Mention, extracted.Article);
        commands.BatchCommands.Add(Command(InsertClaim,
            Value(extracted.MentionId), Value(a.ArticleId), Value(a.Revision), Value(m.ClaimId), Value(m.Metric), Value(m.Subjects.ToArray()),
            Text(m.Direction), Text(m.Period), Value(m.Value), Value(m.Unit), Text(m.Noun), Value(m.Qualifier), Numeric(m.Lower), Numeric(m.Upper),
            Jsonb(JsonSerializer.Serialize(m.Evidence, store.SerializerOptions)),
            Value(m.Confidence)));
    }
}
