using Npgsql;

namespace Claims.EventStore.Tests;

/// <summary>
/// A fresh database on the test server for one test class (<c>IClassFixture&lt;PostgresDatabase&gt;</c>), dropped
/// afterwards. Each test then takes its own schema from <see cref="CreateStoreAsync"/>, so no test sees another's rows.
/// </summary>
public sealed class PostgresDatabase : IAsyncLifetime
{
    /// <summary>Npgsql connection string of a superuser on the test server.</summary>
    public const string EnvironmentVariable = "CLAIMS_TEST_POSTGRES";

    private string? _serverConnectionString;
    private NpgsqlDataSource? _dataSource;

    /// <summary>The database's name.</summary>
    public string Name { get; } = $"claims_es_{Guid.NewGuid():N}"[..30];

    /// <summary>Connections to this database.</summary>
    public NpgsqlDataSource DataSource => _dataSource ?? throw new InvalidOperationException("The database is not created yet.");

    public async Task InitializeAsync()
    {
        _serverConnectionString = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(_serverConnectionString))
        {
            throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set. Run the tests with ./scripts/test.sh, which starts PostgreSQL and sets it " +
                "(or set it yourself to a superuser connection string such as Host=127.0.0.1;Port=55432;Username=postgres).");
        }

        await using (var server = new NpgsqlConnection(_serverConnectionString))
        {
            await server.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {Name}", server);
            await create.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlDataSourceBuilder(_serverConnectionString);
        builder.ConnectionStringBuilder.Database = Name;
        builder.ConnectionStringBuilder.ApplicationName = "Claims.EventStore.Tests";
        _dataSource = builder.Build();
    }

    /// <summary>An event store in a schema of its own, with its tables created.</summary>
    public async Task<EventStore> CreateStoreAsync(TimeProvider? time = null)
    {
        var store = new EventStore(DataSource, TestEvents.Registry(), new EventStoreOptions { Schema = $"s_{Guid.NewGuid():N}"[..20] }, time);
        await store.EnsureSchemaAsync();
        return store;
    }

    public async Task DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        if (_serverConnectionString is not null)
        {
            await using var server = new NpgsqlConnection(_serverConnectionString);
            await server.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", server);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
