using Claims.EventStore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Claims.ServiceDefaults;

/// <summary>Creates a service's own tables at start, so a fresh database needs no migration step.</summary>
public static class SchemaInitializerExtensions
{
    /// <summary>
    /// Runs idempotent DDL (<c>CREATE ... IF NOT EXISTS</c>) at start, before hosted services registered after it,
    /// waiting for PostgreSQL when it is not up yet. Several instances may start at once: the DDL runs under an
    /// advisory lock so they do not trip over each other.
    /// </summary>
    public static IServiceCollection AddSchema(this IServiceCollection services, string name, string ddl) =>
        services.AddSingleton<IHostedService>(sp => new SchemaInitializer(
            name, ddl, sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<ILogger<SchemaInitializer>>()));
}

/// <summary>See <see cref="SchemaInitializerExtensions.AddSchema"/>.</summary>
public sealed partial class SchemaInitializer(string name, string ddl, NpgsqlDataSource dataSource, ILogger<SchemaInitializer> logger) : IHostedService
{
    private const long DdlLock = 7243001;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                await SchemaLedger.ApplyAsync(connection, name, ddl, $"SELECT pg_advisory_xact_lock({DdlLock})", cancellationToken);
                LogReady(logger, name);
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege && !cancellationToken.IsCancellationRequested)
            {
                // A least-privilege role meets a schema its owner has not created (or changed) yet: wait for the owner.
                LogNotMigrated(logger, name, attempt);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 5)), cancellationToken);
            }
            catch (NpgsqlException e) when (!cancellationToken.IsCancellationRequested)
            {
                LogWaiting(logger, name, attempt, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 5)), cancellationToken);
            }
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Schema {Name} is ready")]
    private static partial void LogReady(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Error, Message = "Schema {Name} is missing or out of date and this role may not create it (attempt {Attempt}): start this version once with the database owner's connection string, then again with the service's role (README, Database roles)")]
    private static partial void LogNotMigrated(ILogger logger, string name, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waiting for PostgreSQL to create schema {Name} (attempt {Attempt}): {Reason}")]
    private static partial void LogWaiting(ILogger logger, string name, int attempt, string reason);
}
