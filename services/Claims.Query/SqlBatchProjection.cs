using System.Diagnostics;
using Claims.EventStore;
using Npgsql;
using NpgsqlTypes;

namespace Claims.Query;

/// <summary>
/// A read-model projection that turns each event into SQL commands and sends a whole batch of them in one round
/// trip, in the transaction that also moves its checkpoint. Each event is traced as a continuation of the request
/// that stored it.
/// </summary>
public abstract class SqlBatchProjection : IProjection
{
    public abstract string Name { get; }

    public abstract IReadOnlySet<string>? EventTypes { get; }

    public async Task ApplyAsync(ProjectionBatch batch, CancellationToken ct)
    {
        var activities = new List<Activity>();
        try
        {
            await using var commands = new NpgsqlBatch(batch.Connection, batch.Transaction);
            var touched = new HashSet<string>();
            foreach (var stored in batch.Events)
            {
                if (stored.StartEventActivity("project " + Name) is { } activity)
                {
                    activities.Add(activity);
                }
                Add(commands, stored, touched);
            }
            Complete(commands, touched);
            if (commands.BatchCommands.Count > 0)
            {
                await commands.ExecuteNonQueryAsync(ct);
            }
        }
        finally
        {
            foreach (var activity in activities)
            {
                activity.Dispose();
            }
        }
    }

    public abstract Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct);

    /// <summary>Adds the commands for one event; <paramref name="touched"/> collects the keys whose aggregates need refreshing.</summary>
    protected abstract void Add(NpgsqlBatch commands, StoredEvent stored, ISet<string> touched);

    /// <summary>Adds the commands that follow from the whole batch (counts over the touched keys, say).</summary>
    protected virtual void Complete(NpgsqlBatch commands, IReadOnlySet<string> touched)
    {
    }
}

/// <summary>Typed parameters for read-model SQL: nulls carry their type, so PostgreSQL never has to guess.</summary>
public static class Sql
{
    public static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    public static NpgsqlParameter<T> Value<T>(T value) => new() { TypedValue = value };

    public static NpgsqlParameter Text(string? value) => Nullable(value, NpgsqlDbType.Text);

    public static NpgsqlParameter Uuid(Guid? value) => Nullable(value, NpgsqlDbType.Uuid);

    public static NpgsqlParameter Numeric(decimal? value) => Nullable(value, NpgsqlDbType.Numeric);

    public static NpgsqlParameter Time(DateTimeOffset? value) => Nullable(value, NpgsqlDbType.TimestampTz);

    /// <summary>JSON text as jsonb; null is SQL NULL.</summary>
    public static NpgsqlParameter Jsonb(string? json) => Nullable(json, NpgsqlDbType.Jsonb);

    private static NpgsqlParameter Nullable(object? value, NpgsqlDbType type) => new() { Value = value ?? DBNull.Value, NpgsqlDbType = type };
}
