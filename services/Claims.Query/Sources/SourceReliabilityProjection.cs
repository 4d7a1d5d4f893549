using Claims.Contracts.Events;
using Claims.EventStore;
using Npgsql;

using static Claims.Query.Sql;

namespace Claims.Query.Sources;

/// <summary>
/// Projects reconciliation's reliability estimates (<c>source.reliability-changed.v1</c>, one stream per source) into
/// <c>query.source_reliability</c>; <c>GET /sources</c> joins it to the outlets' counts.
/// </summary>
public sealed class SourceReliabilityProjection(ReadModelSchema target) : SqlBatchProjection(target)
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

    private readonly string _upsert = target.Qualify(Upsert);

    /// <summary>The live projection, as the query service runs it.</summary>
    public SourceReliabilityProjection() : this(ReadModelSchema.Live)
    {
    }

    public override string Name => Target.ProjectionName("query-source-reliability");

    public override IReadOnlySet<string>? EventTypes { get; } = new HashSet<string> { EventAliases.SourceReliabilityChanged };

    public override IReadOnlyList<string> Tables { get; } = ["source_reliability"];

    public override string TablesDdl => Schema;

    // A few events per batch, one per source whose estimate moved: a statement each keeps "the latest decision wins" plain.
    protected override void AddCommands(NpgsqlBatch commands, IReadOnlyList<StoredEvent> events)
    {
        foreach (var stored in events)
        {
            if (stored.Data is SourceReliabilityChanged changed)
            {
                commands.BatchCommands.Add(Command(_upsert,
                    Value(changed.Source), Value(changed.Reliability), Value(changed.Agreements), Value(changed.Disagreements), Value(changed.ChangedAt)));
            }
        }
    }
}
