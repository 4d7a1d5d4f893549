using Claims.Messaging;
using Claims.Testing;

namespace Claims.Faults.Tests;

/// <summary>
/// Claims services running as processes against one PostgreSQL database and one RabbitMQ vhost, which a test may
/// break, kill and restart. Keeps every process it started, so a failing test shows what each of them said.
/// Supervises them as Compose's <c>restart: on-failure</c> would in production, but only for the ends a supervisor is
/// there for: a service that ends itself because its bus is stuck (<see cref="BusLiveness.StuckBusExitCode"/>), or one
/// killed by something other than the test, is started again at its address. Any other exit is left for the test to see.
/// </summary>
public sealed class ServiceSet : IAsyncDisposable
{
    public const string Ingestion = "Claims.Ingestion";
    public const string Reconciliation = "Claims.Reconciliation";
    public const string Query = "Claims.Query";

    private const int KilledExitCode = 128 + 9;
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan s_superviseEvery = TimeSpan.FromMilliseconds(250);

    private readonly List<ServiceProcess> _started = [];
    private readonly List<string> _restarts = [];
    private readonly Dictionary<string, string> _environment;
    private readonly CancellationTokenSource _stopSupervising = new();
    private readonly Task _supervising;

    public ServiceSet(string postgres, Uri rabbitMq, IReadOnlyDictionary<string, string>? environment = null)
    {
        _environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = postgres,
            ["ConnectionStrings__RabbitMq"] = rabbitMq.ToString(),
            // A fault shows in the logs as a sequence in time: keep the times.
            ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ",
            ["Logging__Console__FormatterOptions__UseUtcTimestamp"] = "true",
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            _environment[key] = value;
        }
        _supervising = SuperviseAsync(_stopSupervising.Token);
    }

    /// <summary>The latest process started of a service.</summary>
    public ServiceProcess this[string name]
    {
        get
        {
            lock (_started)
            {
                return _started.Last(s => s.Name == name);
            }
        }
    }

    /// <summary>What the supervisor restarted, a line each: the service, its exit code, when.</summary>
    public IReadOnlyList<string> Restarts
    {
        get
        {
            lock (_started)
            {
                return [.. _restarts];
            }
        }
    }

    /// <summary>Starts the services and waits until each is ready.</summary>
    public async Task StartAsync(params string[] names)
    {
        var started = names.Select(name => ServiceProcess.Start(name, _environment)).ToList();
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

    /// <summary>What every process printed last, killed ones included, and what the supervisor restarted.</summary>
    public string Logs
    {
        get
        {
            lock (_started)
            {
                return string.Join('\n', _started.Select((s, i) => $"--- {s.Name} #{i} {(s.HasExited ? $"(exited with {s.ExitCode})" : "")}\n{s.Output}"))
                    + (_restarts.Count == 0 ? "" : "\n--- restarted by the supervisor:\n" + string.Join('\n', _restarts));
            }
        }
    }

    private async Task SuperviseAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(s_superviseEvery);
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            lock (_started)
            {
                var latest = _started.GroupBy(s => s.Name).Select(g => g.Last()).ToList();
                foreach (var ended in latest.Where(s => s.HasExited && !s.EndedByTest && s.ExitCode is BusLiveness.StuckBusExitCode or KilledExitCode))
                {
                    _restarts.Add($"{ended.Name} exited with {ended.ExitCode} at {DateTimeOffset.UtcNow:HH:mm:ss.fff}; started again");
                    _started.Add(ServiceProcess.Start(ended.Name, _environment, ended.Address));
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopSupervising.CancelAsync();
        try
        {
            await _supervising;
        }
        catch (OperationCanceledException)
        {
        }
        _stopSupervising.Dispose();
        foreach (var service in _started)
        {
            await service.DisposeAsync();
        }
    }
}
