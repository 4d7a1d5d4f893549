using Claims.Testing;

namespace Claims.Faults.Tests;

/// <summary>
/// Claims services running as processes against one PostgreSQL database and one RabbitMQ vhost, which a test may
/// break, kill and restart. Keeps every process it started, so a failing test shows what each of them said.
/// </summary>
public sealed class ServiceSet(string postgres, Uri rabbitMq) : IAsyncDisposable
{
    public const string Ingestion = "Claims.Ingestion";
    public const string Reconciliation = "Claims.Reconciliation";
    public const string Query = "Claims.Query";

    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(120);

    private readonly List<ServiceProcess> _started = [];

    /// <summary>The latest process started of a service.</summary>
    public ServiceProcess this[string name] => _started.Last(s => s.Name == name);

    /// <summary>Starts the services and waits until each is ready.</summary>
    public async Task StartAsync(params string[] names)
    {
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = postgres,
            ["ConnectionStrings__RabbitMq"] = rabbitMq.ToString(),
            // A fault shows in the logs as a sequence in time: keep the times.
            ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ",
            ["Logging__Console__FormatterOptions__UseUtcTimestamp"] = "true",
        };
        var started = names.Select(name => ServiceProcess.Start(name, environment)).ToList();
        lock (_started)
        {
            _started.AddRange(started);
        }
        try
        {
            await Task.WhenAll(started.Select(s => s.WaitUntilReadyAsync(s_startTimeout)));
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            throw new InvalidOperationException(e.Message + "\n" + Logs, e);
        }
    }

    /// <summary>What every process printed last, killed ones included.</summary>
    public string Logs => string.Join('\n', _started.Select((s, i) => $"--- {s.Name} #{i} {(s.HasExited ? "(exited)" : "")}\n{s.Output}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var service in _started)
        {
            await service.DisposeAsync();
        }
    }
}
