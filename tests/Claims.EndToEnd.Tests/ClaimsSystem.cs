using Claims.Testing;
using Xunit;

namespace Claims.EndToEnd.Tests;

/// <summary>
/// The three services as real processes on the run's PostgreSQL (a database of their own) and RabbitMQ (a vhost of
/// their own), exporting traces to an in-test OTLP receiver.
/// </summary>
public sealed class ClaimsSystem : IAsyncLifetime
{
    public PostgresDatabase Database { get; } = new();

    public RabbitMqVirtualHost Broker { get; } = new();

    public OtlpCollector Telemetry { get; } = new();

    public ServiceProcess Ingestion { get; private set; } = null!;

    public ServiceProcess Reconciliation { get; private set; } = null!;

    public ServiceProcess Query { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Task.WhenAll(Database.InitializeAsync(), Broker.InitializeAsync());
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = Database.ConnectionString,
            ["ConnectionStrings__RabbitMq"] = Broker.Address.ToString(),
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Telemetry.Endpoint.ToString().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
        };
        Ingestion = ServiceProcess.Start("Claims.Ingestion", environment);
        Reconciliation = ServiceProcess.Start("Claims.Reconciliation", environment);
        Query = ServiceProcess.Start("Claims.Query", environment);
        var ready = TimeSpan.FromSeconds(120);
        await Task.WhenAll(Ingestion.WaitUntilReadyAsync(ready), Reconciliation.WaitUntilReadyAsync(ready), Query.WaitUntilReadyAsync(ready));
    }

    /// <summary>What the services printed, for a failing test's message.</summary>
    public string Logs => $"--- ingestion\n{Ingestion.Output}\n--- reconciliation\n{Reconciliation.Output}\n--- query\n{Query.Output}";

    public async Task DisposeAsync()
    {
        foreach (var service in new[] { Ingestion, Reconciliation, Query })
        {
            if (service is not null)
            {
                await service.DisposeAsync();
            }
        }
        await Telemetry.DisposeAsync();
        await Broker.DisposeAsync();
        await Database.DisposeAsync();
    }
}
