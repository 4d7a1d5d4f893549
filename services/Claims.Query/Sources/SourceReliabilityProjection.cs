using Claims.Contracts.Events;
using Claims.EventStore;
using Npgsql;

namespace Claims.Query.Sources;

/// <summary>
/// Projects reconciliation's reliability estimates (<c>source.reliability-changed.v1</c>, one stream per source) into
/// <c>query.source_reliability</c>; <c>GET /sources</c> joins it to the outlets' counts.
/// </summary>
public sealed class SourceReliabilityProjection : IProjection
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

    public string Name => "query-source-reliability";

    public IReadOnlySet<string>? EventTypes { get; } = new HashSet<string> { EventAliases.SourceReliabilityChanged };

    public async Task ApplyAsync(ProjectionBatch batch, CancellationToken ct)
    {
        await using var commands = new NpgsqlBatch(batch.Connection, batch.Transaction);
        foreach (var changed in batch.Events.Select(e => e.Data).OfType<SourceReliabilityChanged>())
        {
            commands.BatchCommands.Add(new NpgsqlBatchCommand(Upsert)
            {
                Parameters =
                {
                    new NpgsqlParameter<string> { TypedValue = changed.Source },
                    new NpgsqlParameter<double> { TypedValue = changed.Reliability },
                    new NpgsqlParameter<int> { TypedValue = changed.Agreements },
                    new NpgsqlParameter<int> { TypedValue = changed.Disagreements },
                    new NpgsqlParameter<DateTimeOffset> { TypedValue = changed.ChangedAt },
                },
            });
        }
        if (commands.BatchCommands.Count > 0)
        {
            await commands.ExecuteNonQueryAsync(ct);
        }
    }

    public async Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("TRUNCATE query.source_reliability", connection, transaction);
        await command.ExecuteNonQueryAsync(ct);
    }
}
