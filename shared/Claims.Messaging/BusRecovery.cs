using System.Net.Sockets;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Claims.Messaging;

/// <summary>
/// Restarts the bus when it stays unhealthy although the broker takes connections again. MassTransit 8.4 on
/// RabbitMQ.Client 7 sometimes leaves a receive endpoint faulted after the broker returns ("ReceiveLock.Faulted …
/// The operation was canceled"; MassTransit issues 5692 and 5942): nothing is consumed and every publish times out
/// until the process restarts. A stopped bus can be started again (MassTransit 8), which reconnects every endpoint;
/// messages a stopped consumer had not acknowledged are delivered again, and every consumer here is idempotent.
/// </summary>
public sealed partial class BusRecovery(IBusControl bus, RabbitMqAddress broker, IConfiguration configuration, TimeProvider time, ILogger<BusRecovery> logger)
    : BackgroundService
{
    /// <summary>How long the bus may stay unhealthy with the broker reachable before it is restarted (seconds).</summary>
    public const string RestartAfterKey = "Messaging:RestartUnhealthyBusAfterSeconds";

    private static readonly TimeSpan s_checkEvery = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_probeTimeout = TimeSpan.FromSeconds(2);

    private readonly TimeSpan _restartAfter = TimeSpan.FromSeconds(configuration.GetValue(RestartAfterKey, 30));

    /// <summary>
    /// Whether to restart now: the bus has not been healthy for longer than <paramref name="restartAfter"/>, and the
    /// broker takes connections (while it does not, restarting cannot help and MassTransit keeps retrying by itself).
    /// </summary>
    public static bool ShouldRestart(BusHealthStatus status, TimeSpan notHealthyFor, bool brokerReachable, TimeSpan restartAfter) =>
        status != BusHealthStatus.Healthy && notHealthyFor >= restartAfter && brokerReachable;

    /// <summary>Checks the bus every 5 s and restarts it when <see cref="ShouldRestart"/> says so.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(s_checkEvery, time);
        DateTimeOffset? notHealthySince = null;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var health = bus.CheckHealth();
            if (health.Status == BusHealthStatus.Healthy)
            {
                if (notHealthySince is not null)
                {
                    LogHealthy();
                }

                notHealthySince = null;
                continue;
            }

            var now = time.GetUtcNow();
            if (notHealthySince is null)
            {
                LogNotHealthy(health.Status, health.Description);
                notHealthySince = now;
            }

            var notHealthyFor = now - notHealthySince.Value;
            if (!ShouldRestart(health.Status, notHealthyFor, notHealthyFor >= _restartAfter && await BrokerReachableAsync(stoppingToken), _restartAfter))
            {
                continue;
            }

            LogRestarting(health.Status, (int)notHealthyFor.TotalSeconds, health.Description);
            try
            {
                await RestartAsync(stoppingToken);
            }
            catch (Exception error) when (!stoppingToken.IsCancellationRequested)
            {
                // An exception leaving a hosted service stops the host; a failed restart is tried again later instead.
                LogRestartFailed(error);
            }

            notHealthySince = null;
        }
    }

    private async Task RestartAsync(CancellationToken stoppingToken)
    {
        try
        {
            // A consumer stuck on a dead channel can keep the stop waiting; past the timeout the bus is started anyway.
            using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            stopping.CancelAfter(s_stopTimeout);
            await bus.StopAsync(stopping.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            LogStopTimedOut((int)s_stopTimeout.TotalSeconds);
        }

        await bus.StartAsync(stoppingToken);
        LogRestarted();
    }

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

    [LoggerMessage(Level = LogLevel.Information, Message = "The bus is {Status}: {Description}")]
    private partial void LogNotHealthy(BusHealthStatus status, string description);

    [LoggerMessage(Level = LogLevel.Information, Message = "The bus is healthy again")]
    private partial void LogHealthy();

    [LoggerMessage(Level = LogLevel.Warning, Message = "The bus has been {Status} for {Seconds} s with the broker reachable ({Description}); restarting it")]
    private partial void LogRestarting(BusHealthStatus status, int seconds, string description);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The bus did not stop within {Seconds} s; starting it again anyway")]
    private partial void LogStopTimedOut(int seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Restarting the bus failed; it is tried again if the bus stays unhealthy")]
    private partial void LogRestartFailed(Exception error);

    [LoggerMessage(Level = LogLevel.Information, Message = "The bus was restarted")]
    private partial void LogRestarted();
}
