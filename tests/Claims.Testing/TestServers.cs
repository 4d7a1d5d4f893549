using Npgsql;

namespace Claims.Testing;

/// <summary>A PostgreSQL database a test runs the services on: the run's shared server, or a private one.</summary>
public interface ITestDatabase
{
    /// <summary>What the services are given as <c>ConnectionStrings:Postgres</c>.</summary>
    string ConnectionString { get; }

    /// <summary>The test's own way in, to read what the services stored.</summary>
    NpgsqlDataSource DataSource { get; }
}

/// <summary>A RabbitMQ broker (or virtual host) a test runs the services on.</summary>
public interface ITestBroker
{
    /// <summary>What the services are given as <c>ConnectionStrings:RabbitMq</c>.</summary>
    Uri Address { get; }
}
