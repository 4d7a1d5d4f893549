using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Claims.EventStore;

/// <summary>
/// Applies a piece of idempotent DDL once per version of its text, and remembers that it did in
/// <c>claims_schema.applied</c>. A service that connects with a least-privilege role (no CREATE rights) then starts
/// on a schema its owner already created, instead of failing on <c>CREATE ... IF NOT EXISTS</c>, which still needs
/// the right to create.
/// </summary>
public static class SchemaLedger
{
    /// <summary>The table of what was applied; every service role may read it.</summary>
    public const string Table = "claims_schema.applied";

    /// <summary>Whether the DDL ran (false: this exact text was applied before).</summary>
    /// <param name="connection">An open connection; the DDL runs in a transaction of its own.</param>
    /// <param name="name">The schema's name in the ledger.</param>
    /// <param name="ddl">Idempotent DDL.</param>
    /// <param name="lockSql">A statement taking the advisory lock that serialises concurrent creators.</param>
    /// <param name="ct">Cancels the work.</param>
    /// <exception cref="PostgresException">With SQL state 42501 when the schema is new or changed and this role may not create it.</exception>
    public static async Task<bool> ApplyAsync(NpgsqlConnection connection, string name, string ddl, string lockSql, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ddl)));
        if (await IsAppliedAsync(connection, name, hash, ct))
        {
            return false;
        }

        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using var command = new NpgsqlCommand(
            $"""
            {lockSql};
            {ddl};
            CREATE SCHEMA IF NOT EXISTS claims_schema;
            CREATE TABLE IF NOT EXISTS {Table} (name text PRIMARY KEY, hash text NOT NULL, applied_at timestamptz NOT NULL);
            INSERT INTO {Table} (name, hash, applied_at) VALUES (@name, @hash, now())
            ON CONFLICT (name) DO UPDATE SET hash = excluded.hash, applied_at = excluded.applied_at;
            """,
            connection,
            transaction);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("hash", hash);
        await command.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    private static async Task<bool> IsAppliedAsync(NpgsqlConnection connection, string name, string hash, CancellationToken ct)
    {
        await using (var exists = new NpgsqlCommand($"SELECT to_regclass('{Table}') IS NOT NULL", connection))
        {
            if (await exists.ExecuteScalarAsync(ct) is not true)
            {
                return false;
            }
        }
        await using var applied = new NpgsqlCommand($"SELECT hash FROM {Table} WHERE name = @name", connection);
        applied.Parameters.AddWithValue("name", name);
        return await applied.ExecuteScalarAsync(ct) is string stored && stored == hash;
    }
}
