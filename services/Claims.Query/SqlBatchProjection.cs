using Claims.EventStore;
using Npgsql;
using NpgsqlTypes;

namespace Claims.Query;

/// <summary>
/// A read-model projection that turns a batch of events into a few set-based SQL commands (one per kind of write,
/// whatever the batch's size) and sends them in one round trip, in the transaction that also moves its checkpoint.
/// </summary>
public abstract class SqlBatchProjection(ReadModelSchema target) : IProjection
{
    /// <summary>The schema this instance writes: the live read models or a rebuild's fresh tables.</summary>
    public ReadModelSchema Target { get; } = target;

    public abstract string Name { get; }

    public abstract IReadOnlySet<string>? EventTypes { get; }

    public virtual IReadOnlySet<string>? EventTypesWithoutData => null;

    /// <summary>The tables this projection owns, unqualified: what a reset empties and a rebuild replaces.</summary>
    public abstract IReadOnlyList<string> Tables { get; }

    /// <summary>
    /// How many runners share this projection's rebuild, each replaying the streams of one partition; 1 unless its
    /// rows depend on one stream each and its replay is the rebuild's longest.
    /// </summary>
    public virtual int RebuildPartitions => 1;

    /// <summary>The DDL of <see cref="Tables"/>, written against the live schema (<c>query.</c>).</summary>
    public abstract string TablesDdl { get; }

    public async Task ApplyAsync(ProjectionBatch batch, CancellationToken ct)
    {
        await using var commands = new NpgsqlBatch(batch.Connection, batch.Transaction);
        AddCommands(commands, batch.Events);
        if (commands.BatchCommands.Count > 0)
        {
            if (Target.IsLive)
            {
                commands.BatchCommands.Insert(0, new NpgsqlBatchCommand(KeyedAccessOnly));
            }

            await commands.ExecuteNonQueryAsync(ct);
            Applied(batch);
        }
    }

    /// <summary>
    /// A live batch touches a few rows of each table, each found by its key from the batch's arrays, so every
    /// statement's right plan is index lookups. The prepared statements' generic plans cannot know how many keys an
    /// array holds, and were made while the tables were small: in the benchmark they hash-joined whole tables, 21,725
    /// rows of <c>source_claims</c> read twice to update 9 of them (15 ms a batch, growing with the read model). For the
    /// rest of the batch's transaction the planner takes a full scan or a hash or merge join only where nothing else
    /// can run the statement.
    /// </summary>
    private const string KeyedAccessOnly =
        "SELECT set_config('enable_seqscan', 'off', true), set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)";

    /// <summary>Called once a batch's commands have run, still inside the runner's transaction (e.g. to ask for something after its commit).</summary>
    protected virtual void Applied(ProjectionBatch batch)
    {
    }

    /// <summary>Empties <see cref="Tables"/> for an in-place rebuild, in the runner's transaction.</summary>
    public virtual async Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var tables = string.Join(", ", Tables.Select(table => $"{Target.Name}.{table}"));
        await using var command = new NpgsqlCommand($"TRUNCATE {tables}", connection, transaction);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Writes what a rebuild's replay left out: aggregates over the whole read model that the live projection refreshes
    /// every batch but a replay computes once, at its end. Runs in the transaction that switches to the rebuilt tables.
    /// </summary>
    public virtual Task CompleteRebuildAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct) => Task.CompletedTask;

    /// <summary>Adds the commands that apply <paramref name="events"/>, in log order, to the read model.</summary>
    protected abstract void AddCommands(NpgsqlBatch commands, IReadOnlyList<StoredEvent> events);
}

/// <summary>Typed parameters for read-model SQL: nulls carry their type, so PostgreSQL never has to guess.</summary>
public static class Sql
{
    /// <summary>
    /// Joins a text array into one text for an <c>unnest</c> column (PostgreSQL has no ragged arrays); the SQL splits it
    /// back with <c>string_to_array(column, chr(31))</c> (an empty text is an empty array).
    /// </summary>
    public const char ListSeparator = '\u001f';

    public static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    public static NpgsqlParameter<T> Value<T>(T value) => new() { TypedValue = value };

    /// <summary>A column of values for <c>unnest</c>; nullable element types send SQL NULLs.</summary>
    public static NpgsqlParameter<T[]> Column<T>(List<T> values) => new() { TypedValue = values.ToArray() };

    /// <summary>A column of JSON texts as <c>jsonb[]</c>; null elements are SQL NULL.</summary>
    public static NpgsqlParameter JsonbColumn(List<string?> values) =>
        new() { Value = values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb };

    public static NpgsqlParameter Text(string? value) => Nullable(value, NpgsqlDbType.Text);

    private static NpgsqlParameter Nullable(object? value, NpgsqlDbType type) => new() { Value = value ?? DBNull.Value, NpgsqlDbType = type };
}
