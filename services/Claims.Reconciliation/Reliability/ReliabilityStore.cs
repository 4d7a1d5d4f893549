using Claims.Consensus;
using Npgsql;

namespace Claims.Reconciliation.Reliability;

/// <summary>
/// Each claim's votes (does a source agree with its consensus) and each source's reliability, kept in
/// reconciliation's schema; the reliabilities in force are also held in memory for the consensus rule.
/// </summary>
public sealed class ReliabilityStore(NpgsqlDataSource dataSource)
{
    public const string Schema = """
        CREATE TABLE IF NOT EXISTS reconciliation.claim_votes (
            claim_id text NOT NULL,
            source text NOT NULL,
            agrees boolean NOT NULL,
            PRIMARY KEY (claim_id, source));
        CREATE INDEX IF NOT EXISTS claim_votes_source ON reconciliation.claim_votes (source);
        CREATE TABLE IF NOT EXISTS reconciliation.source_reliability (
            source text PRIMARY KEY,
            agreements int NOT NULL,
            disagreements int NOT NULL,
            reliability double precision NOT NULL,
            updated timestamptz NOT NULL);
        """;

    private const long ReliabilityLock = 7243003;
    private volatile IReadOnlyDictionary<string, double> _inForce = new Dictionary<string, double>();

    /// <summary>The reliability in force for a source; the prior for one never scored.</summary>
    public double Of(string source) => _inForce.TryGetValue(source, out var reliability) ? reliability : ReliabilityEstimate.Prior;

    /// <summary>
    /// Replaces the votes of these claims, in the transaction that records their decisions. A claim is decided again
    /// with every mention and every rescoring, and most of its outlets vote as before: only the votes that changed, came
    /// or went are written (deleting and inserting all of them wrote some twenty rows a decision for a claim of twenty
    /// outlets, and left as many dead ones).
    /// </summary>
    private const string ReplaceVotes = """
        WITH new AS (SELECT * FROM unnest($2::text[], $3::text[], $4::boolean[]) AS u (claim_id, source, agrees)),
        gone AS (
            DELETE FROM reconciliation.claim_votes v
            WHERE v.claim_id = ANY ($1) AND NOT EXISTS (SELECT 1 FROM new n WHERE n.claim_id = v.claim_id AND n.source = v.source))
        INSERT INTO reconciliation.claim_votes (claim_id, source, agrees) SELECT claim_id, source, agrees FROM new
        ON CONFLICT (claim_id, source) DO UPDATE SET agrees = EXCLUDED.agrees WHERE reconciliation.claim_votes.agrees <> EXCLUDED.agrees
        """;

    /// <summary>Replaces the votes of these claims (see <see cref="ReplaceVotes"/>).</summary>
    public static async Task SaveVotesAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyDictionary<string, IReadOnlyDictionary<string, bool>> votesByClaim, CancellationToken ct)
    {
        var rows = votesByClaim.SelectMany(claim => claim.Value.Select(vote => (Claim: claim.Key, Source: vote.Key, Agrees: vote.Value))).ToList();
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                // A few claims' votes, found by the primary key. The prepared statement's generic plan, made while the
                // table was small, read all of it instead (3.9 ms a call and 17 % of the database's time at half load in
                // a benchmark run, growing with the votes); planned without full scans, it stays an index lookup.
                new NpgsqlBatchCommand("SELECT set_config('enable_seqscan', 'off', true)"),
                new NpgsqlBatchCommand(ReplaceVotes)
                {
                    Parameters =
                    {
                        new() { Value = votesByClaim.Keys.ToArray() },
                        new() { Value = rows.Select(r => r.Claim).ToArray() },
                        new() { Value = rows.Select(r => r.Source).ToArray() },
                        new() { Value = rows.Select(r => r.Agrees).ToArray() },
                    },
                },
                new NpgsqlBatchCommand("SELECT set_config('enable_seqscan', 'on', true)"),
            },
        };
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Loads the reliabilities in force (at start, and after another instance changed them).</summary>
    public async Task LoadAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT source, reliability FROM reconciliation.source_reliability");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var loaded = new Dictionary<string, double>();
        while (await reader.ReadAsync(ct))
        {
            loaded[reader.GetString(0)] = reader.GetDouble(1);
        }
        _inForce = loaded;
    }

    /// <summary>Scores every source from the claims' current votes.</summary>
    public async Task<IReadOnlyDictionary<string, SourceTrack>> ScoreFromVotesAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT source, count(*) FILTER (WHERE agrees)::int, count(*) FILTER (WHERE NOT agrees)::int FROM reconciliation.claim_votes GROUP BY source
            """);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var tracks = new Dictionary<string, SourceTrack>();
        while (await reader.ReadAsync(ct))
        {
            tracks[reader.GetString(0)] = new SourceTrack(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2));
        }
        return tracks;
    }

    /// <summary>
    /// Stores new scores and puts them in force; returns, for each source whose reliability moved by at least
    /// <paramref name="minimumMove"/> of it, its previous value (null for a new source).
    /// </summary>
    public async Task<IReadOnlyDictionary<SourceTrack, double?>> ApplyAsync(
        IReadOnlyDictionary<string, SourceTrack> tracks, Func<SourceTrack, double> minimumMove, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var lockCommand = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({ReliabilityLock})", connection, transaction))
        {
            await lockCommand.ExecuteNonQueryAsync(ct);
        }
        var stored = new Dictionary<string, double>();
        await using (var read = new NpgsqlCommand("SELECT source, reliability FROM reconciliation.source_reliability", connection, transaction))
        await using (var reader = await read.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                stored[reader.GetString(0)] = reader.GetDouble(1);
            }
        }
        var moved = tracks.Values
            .Where(t => !stored.TryGetValue(t.Source, out var before) || Math.Abs(before - t.Reliability) >= minimumMove(t))
            .ToDictionary(t => t, t => stored.TryGetValue(t.Source, out var before) ? before : (double?)null);
        if (moved.Count > 0)
        {
            await using var upsert = new NpgsqlCommand("""
                INSERT INTO reconciliation.source_reliability (source, agreements, disagreements, reliability, updated)
                SELECT *, $5 FROM unnest($1::text[], $2::int[], $3::int[], $4::float8[])
                ON CONFLICT (source) DO UPDATE SET agreements = EXCLUDED.agreements, disagreements = EXCLUDED.disagreements,
                    reliability = EXCLUDED.reliability, updated = EXCLUDED.updated
                """, connection, transaction);
            upsert.Parameters.Add(new() { Value = moved.Keys.Select(t => t.Source).ToArray() });
            upsert.Parameters.Add(new() { Value = moved.Keys.Select(t => t.Agreements).ToArray() });
            upsert.Parameters.Add(new() { Value = moved.Keys.Select(t => t.Disagreements).ToArray() });
            upsert.Parameters.Add(new() { Value = moved.Keys.Select(t => t.Reliability).ToArray() });
            upsert.Parameters.Add(new() { Value = now });
            await upsert.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        await LoadAsync(ct);
        return moved;
    }

    /// <summary>Every claim with a mention from one of these sources.</summary>
    public async Task<IReadOnlyList<string>> ClaimsOfSourcesAsync(IEnumerable<string> sources, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT DISTINCT claim_id FROM reconciliation.article_figures WHERE source = ANY ($1) ORDER BY 1");
        command.Parameters.Add(new() { Value = sources.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var claims = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            claims.Add(reader.GetString(0));
        }
        return claims;
    }

    /// <summary>Every claim reconciliation has seen.</summary>
    public async Task<IReadOnlyList<string>> AllClaimsAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT DISTINCT claim_id FROM reconciliation.article_figures ORDER BY 1");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var claims = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            claims.Add(reader.GetString(0));
        }
        return claims;
    }
}
