using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Claims.ServiceDefaults;

/// <summary>Registers one <see cref="NpgsqlDataSource"/> per service, from <c>ConnectionStrings:Postgres</c>.</summary>
public static class PostgresExtensions
{
    /// <summary>The configuration key of the connection string.</summary>
    public const string ConnectionStringName = "Postgres";

    internal static IHostApplicationBuilder AddPostgres(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionStringName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{ConnectionStringName} is not configured.");
        var applicationName = builder.Environment.ApplicationName;
        // The hot paths send the same few dozen statements over and over, batched and so never prepared by hand:
        // Npgsql prepares them per connection, so PostgreSQL parses and plans each once instead of on every call.
        // 0 turns it off (a pooler in transaction mode needs that); a connection string's own setting wins.
        var maxAutoPrepare = builder.Configuration.GetValue("Postgres:MaxAutoPrepare", 128);
        // PostgreSQL compiles a statement whose estimated cost passes jit_above_cost with LLVM, again on every
        // execution. The origins refresh's prepared (generic) plan passed it as the tables grew: 0.5 ms of execution
        // took 500-700 ms, under the lock every batch of mentions waits for. No statement here runs long enough to win
        // it back, so it is off unless configured (a connection string's own Options win).
        var jit = builder.Configuration.GetValue("Postgres:Jit", false);
        builder.Services.AddSingleton(_ =>
        {
            var csb = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = applicationName };
            if (csb.MaxAutoPrepare == 0)
            {
                csb.MaxAutoPrepare = maxAutoPrepare;
                csb.AutoPrepareMinUsages = 2;
            }
            if (!jit && csb.Options?.Contains("jit", StringComparison.Ordinal) != true)
            {
                csb.Options = string.IsNullOrWhiteSpace(csb.Options) ? "-c jit=off" : csb.Options + " -c jit=off";
            }
            return new NpgsqlDataSourceBuilder(csb.ConnectionString).Build();
        });
        builder.Services.AddHealthChecks().AddCheck<PostgresHealthCheck>("postgres", tags: [ServiceDefaultsExtensions.ReadyTag]);
        return builder;
    }

    private sealed class PostgresHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var command = dataSource.CreateCommand("SELECT 1");
                command.CommandTimeout = 3;
                await command.ExecuteScalarAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                return HealthCheckResult.Unhealthy("PostgreSQL is not reachable.");
            }
        }
    }
}
