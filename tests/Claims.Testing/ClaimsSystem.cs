using Xunit;

namespace Claims.Testing;

/// <summary>
/// The three services as real processes on the run's PostgreSQL (a database of their own) and RabbitMQ (a vhost of
/// their own), exporting traces to an in-test OTLP receiver. Shared by the end-to-end and the browser tests.
/// </summary>
public sealed class ClaimsSystem : IAsyncLifetime
{
    public PostgresDatabase Database { get; } = new();

    public RabbitMqVirtualHost Broker { get; } = new();

    public OtlpCollector Telemetry { get; } = new();

    public ServiceProcess? Ingestion { get; private set; }

    public ServiceProcess? Reconciliation { get; private set; }

    public ServiceProcess? Query { get; private set; }

    public async Task InitializeAsync()
    {
        await StartInfrastructureAsync();
        await StartServicesAsync("Claims.Ingestion", "Claims.Reconciliation", "Claims.Query");
    }

    /// <summary>The database, the vhost and the telemetry receiver, without any service yet.</summary>
    public async Task StartInfrastructureAsync() => await Task.WhenAll(Database.InitializeAsync(), Broker.InitializeAsync());

    /// <summary>Starts services as processes and waits until each is ready.</summary>
    public async Task StartServicesAsync(params string[] names)
    {
        var started = names.Select(name => ServiceProcess.Start(name, Environment)).ToList();
        started.ForEach(Keep);
        await Task.WhenAll(started.Select(s => s.WaitUntilReadyAsync(TimeSpan.FromSeconds(120))));
    }

    /// <summary>
    /// Kills a running service as <c>kill -9</c> would, runs <paramref name="whileDown"/>, then starts it again at the
    /// same address and waits until it is ready: what its clients see when it crashes and comes back.
    /// </summary>
    public async Task CrashAndRestartAsync(string name, Func<Task> whileDown)
    {
        var crashed = new[] { Ingestion, Reconciliation, Query }.FirstOrDefault(s => s?.Name == name)
            ?? throw new ArgumentException("Not a running service: " + name, nameof(name));
        crashed.Kill();
        await whileDown();
        await crashed.DisposeAsync();
        var restarted = ServiceProcess.Start(name, Environment, crashed.Address);
        Keep(restarted);
        await restarted.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));
    }

    /// <summary>Holds a started process as the service it runs.</summary>
    private void Keep(ServiceProcess service)
    {
        switch (service.Name)
        {
            case "Claims.Ingestion": Ingestion = service; break;
            case "Claims.Reconciliation": Reconciliation = service; break;
            case "Claims.Query": Query = service; break;
            default: throw new ArgumentException("Unknown service " + service.Name, nameof(service));
        }
    }

    /// <summary>The configuration every service of this system runs with: its database, broker and telemetry receiver.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["ConnectionStrings__Postgres"] = Database.ConnectionString,
        ["ConnectionStrings__RabbitMq"] = Broker.Address.ToString(),
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Telemetry.Endpoint.ToString().TrimEnd('/'),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
        // Short enough for a test to see a heartbeat on an idle /changes stream.
        ["Changes__HeartbeatInterval"] = "00:00:02",
    };

    /// <summary>What the services printed, for a failing test's message.</summary>
    public string Logs => $"--- ingestion\n{Ingestion?.Output}\n--- reconciliation\n{Reconciliation?.Output}\n--- query\n{Query?.Output}";

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
