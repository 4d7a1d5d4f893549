using Npgsql;

namespace Claims.Query.ClaimsReadModel;

/// <summary>Creates the query schema's tables at start, waiting for PostgreSQL when it is not up yet.</summary>
public sealed partial class ReadModelSchema(NpgsqlDataSource dataSource, ILogger<ReadModelSchema> logger) : IHostedService
{
    public const string Sql = """
        CREATE SCHEMA IF NOT EXISTS query;
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
        """;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                // Several query instances may start at once; DDL under one lock keeps them from tripping on each other.
                await using var command = new NpgsqlCommand($"SELECT pg_advisory_xact_lock(7243001); {Sql}", connection);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                command.Transaction = transaction;
                await command.ExecuteNonQueryAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return;
            }
            catch (NpgsqlException e) when (!cancellationToken.IsCancellationRequested)
            {
                LogWaiting(logger, attempt, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 5)), cancellationToken);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waiting for PostgreSQL to create the read models (attempt {Attempt}): {Reason}")]
    private static partial void LogWaiting(ILogger logger, int attempt, string reason);
}
