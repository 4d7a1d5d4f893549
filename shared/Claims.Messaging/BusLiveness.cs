using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Claims.Messaging;

/// <summary>
/// Ends the process, for its supervisor to start it again, when the bus stays unhealthy although the broker has taken
/// connections for a while. MassTransit 8.4 on RabbitMQ.Client 7 sometimes leaves a receive endpoint faulted after the
/// broker returns ("ReceiveLock.Faulted … The operation was canceled"; MassTransit issues 5692 and 5942): nothing more
/// is consumed and every publish times out. Restarting the bus inside the process does not cure it (tried: its stop
/// hung, and the endpoint came back still faulted); a new process does. Ending one loses nothing: a 202 means stored
/// in PostgreSQL, relays resume from their checkpoints, unacknowledged messages are delivered again, and every
/// consumer records a message once (the same reasons <c>kill -9</c> loses nothing).
/// </summary>
public sealed partial class BusLiveness(
    IBusControl bus, RabbitMqAddress broker, IHostApplicationLifetime lifetime, IConfiguration configuration, TimeProvider time, ILogger<BusLiveness> logger)
    : BackgroundService
{
    /// <summary>
    /// The exit code of a process ended for a stuck bus: EX_TEMPFAIL of sysexits.h, a temporary failure that running
    /// again cures. Supervisors restart on it (Compose's <c>restart: on-failure</c>, <c>scripts/run.sh</c>, the fault tests).
    /// </summary>
    public const int StuckBusExitCode = 75;

    /// <summary>How long the bus may stay unhealthy while the broker takes connections before the process ends (seconds).</summary>
    public const string ExitAfterKey = "Messaging:ExitWhenBusStuckForSeconds";

    private static readonly TimeSpan s_checkEvery = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_probeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a graceful stop may take before the process kills itself: MassTransit's own stop can hang on the stuck
    /// endpoint, and nothing depends on finishing it.
    /// </summary>
    private static readonly TimeSpan s_gracefulStop = TimeSpan.FromSeconds(15);

    private readonly TimeSpan _exitAfter = TimeSpan.FromSeconds(configuration.GetValue(ExitAfterKey, 60));

    /// <summary>
    /// Whether the bus is stuck: it is not healthy, and the broker has taken connections for at least
    /// <paramref name="exitAfter"/>. Time while the broker is unreachable does not count: MassTransit reconnects by
    /// itself once the broker is back, and its retries may wait up to half a minute, hence the default of 60 s.
    /// </summary>
    public static bool IsStuck(BusHealthStatus status, TimeSpan brokerReachableFor, TimeSpan exitAfter) =>
        status != BusHealthStatus.Healthy && brokerReachableFor >= exitAfter;

    /// <summary>Checks the bus every 5 s; probes the broker only while the bus is not healthy.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(s_checkEvery, time);
        DateTimeOffset? brokerReachableSince = null;
        var wasHealthy = true;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var health = bus.CheckHealth();
            if (health.Status == BusHealthStatus.Healthy)
            {
                if (!wasHealthy)
                {
                    LogHealthy();
                }
                wasHealthy = true;
                brokerReachableSince = null;
                continue;
            }

            if (wasHealthy)
            {
                LogNotHealthy(health.Status, health.Description);
                wasHealthy = false;
            }
            var now = time.GetUtcNow();
            brokerReachableSince = await BrokerReachableAsync(stoppingToken) ? brokerReachableSince ?? now : null;
            if (brokerReachableSince is { } since && IsStuck(health.Status, now - since, _exitAfter))
            {
                LogExiting(health.Status, (int)(now - since).TotalSeconds, health.Description);
                Exit();
                return;
            }
        }
    }

    private void Exit()
    {
        Environment.ExitCode = StuckBusExitCode;
        lifetime.StopApplication();
        // Not awaited by the host: a stop that hangs must not hold the process.
        _ = Task.Run(async () =>
        {
            await Task.Delay(s_gracefulStop, time);
            LogEndingNow((int)s_gracefulStop.TotalSeconds);
            // The console logger writes from a queue of its own: give it a moment to print the line above.
            await Task.Delay(TimeSpan.FromMilliseconds(500), time);
            EndNow();
        });
    }

    /// <summary>
    /// Ends the process at once with <see cref="StuckBusExitCode"/>. Not <c>Environment.Exit</c>: the host's console
    /// lifetime would wait for the same hung stop and then report exit code 0.
    /// </summary>
    private static void EndNow()
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            ExitImmediately(StuckBusExitCode);
        }
        Process.GetCurrentProcess().Kill();
    }

    [DllImport("libc", EntryPoint = "_exit")]
    private static extern void ExitImmediately(int status);

    private async Task<bool> BrokerReachableAsync(CancellationToken ct)
    {
        try
        {
            using var probe = CancellationTokenSource.CreateLinkedTokenSource(ct);
            probe.CancelAfter(s_probeTimeout);
            using var client = new TcpClient();
            await client.ConnectAsync(broker.Host, broker.Port, probe.Token);
            return true;
        }
        catch (Exception error) when (error is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The bus is {Status}: {Description}")]
    private partial void LogNotHealthy(BusHealthStatus status, string description);

    [LoggerMessage(Level = LogLevel.Information, Message = "The bus is healthy again")]
    private partial void LogHealthy();

    [LoggerMessage(Level = LogLevel.Critical,
        Message = "The bus has been {Status} for {Seconds} s while the broker took connections ({Description}); ending the process with exit code 75 for its supervisor to start it again")]
    private partial void LogExiting(BusHealthStatus status, int seconds, string description);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The process did not stop within {Seconds} s; ending it now")]
    private partial void LogEndingNow(int seconds);
}
