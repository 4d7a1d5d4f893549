using Claims.Testing;
using Npgsql;
using Xunit;

namespace Claims.Faults.Tests;

/// <summary>
/// A PostgreSQL server of a test's own, for tests that stop it: the run's shared server must stay up for the test
/// classes running beside them. Started and stopped by scripts/lib/infra.sh; the data survives a stop.
/// </summary>
public sealed class PrivatePostgres : IAsyncLifetime, ITestDatabase
{
    private const string DatabaseName = "claims";

    private readonly string _directory = InfraScript.CreateDirectory("claims-faults-pg-");

    public int Port { get; } = InfraScript.FreePort();

    /// <summary>The services' database on this server.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database={DatabaseName}";

    /// <summary>For the test's own reads; its pooled connections break with each stop, like the services'.</summary>
    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await StartAsync();
        await using (var admin = new NpgsqlConnection($"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres"))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {DatabaseName}", admin);
            await create.ExecuteNonQueryAsync();
        }
        DataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    /// <summary>Starts the server on its port (again, after <see cref="StopAsync"/>).</summary>
    public Task StartAsync() => InfraScript.RunAsync("start_postgres", Path.Combine(_directory, "postgres"), Port.ToString());

    /// <summary>A fast shutdown: open sessions are terminated, as when an operator restarts the server.</summary>
    public Task StopAsync() => InfraScript.RunAsync("stop_postgres", Path.Combine(_directory, "postgres"));

    public async Task DisposeAsync()
    {
        if (DataSource is not null)
        {
            await DataSource.DisposeAsync();
        }
        await StopAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
