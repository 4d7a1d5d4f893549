using Claims.Contracts.Events;
using Claims.EventStore;
using Npgsql;

using static Claims.Query.Sql;

namespace Claims.Query.Sources;

/// <summary>
/// Projects reconciliation's reliability estimates (<c>source.reliability-changed.v1</c>, one stream per source) into
/// <c>query.source_reliability</c>; <c>GET /sources</c> joins it to the outlets' counts.
/// </summary>
public sealed class SourceReliabilityProjection : SqlBatchProjection
{
    public const string Schema = """
        CREATE TABLE IF NOT EXISTS query.source_reliability (
            source text PRIMARY KEY,
            reliability double precision NOT NULL,
            agreements int NOT NULL,
            disagreements int NOT NULL,
            changed_at timestamptz NOT NULL);
        """;

    // Events of one source arrive in order, but a replay may bring an older one again: the latest decision wins.
    private const string Upsert = """
        INSERT INTO query.source_reliability (source, reliability, agreements, disagreements, changed_at) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (source) DO UPDATE SET reliability = EXCLUDED.reliability, agreements = EXCLUDED.agreements,
            disagreements = EXCLUDED.disagreements, changed_at = EXCLUDED.changed_at
        WHERE query.source_reliability.changed_at <= EXCLUDED.changed_at
        """;

    public override string Name => "query-source-reliability";

    public override IReadOnlySet<string>? EventTypes { get; } = new HashSet<string> { EventAliases.SourceReliabilityChanged };

    protected override void Add(NpgsqlBatch commands, StoredEvent stored, ISet<string> touched)
    {
        if (stored.Data is SourceReliabilityChanged changed)
        {
            commands.BatchCommands.Add(Command(Upsert,
                Value(changed.Source), Value(changed.Reliability), Value(changed.Agreements), Value(changed.Disagreements), Value(changed.ChangedAt)));
        }
    }

    public override async Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("TRUNCATE query.source_reliability", connection, transaction);
        await command.ExecuteNonQueryAsync(ct);
    }
}
