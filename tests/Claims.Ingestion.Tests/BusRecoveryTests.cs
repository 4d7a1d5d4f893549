using Claims.Messaging;
using MassTransit;
using Xunit;

namespace Claims.Ingestion.Tests;

/// <summary>When the bus watchdog restarts the bus: only after it has stayed unhealthy long enough, and only once the broker is back.</summary>
public sealed class BusRecoveryTests
{
    private static readonly TimeSpan s_restartAfter = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(BusHealthStatus.Degraded, 30, true, true)]
    [InlineData(BusHealthStatus.Unhealthy, 45, true, true)]
    [InlineData(BusHealthStatus.Healthy, 300, true, false)]
    [InlineData(BusHealthStatus.Degraded, 29, true, false)]
    [InlineData(BusHealthStatus.Unhealthy, 300, false, false)]
    public void The_bus_is_restarted_only_when_it_stays_unhealthy_with_the_broker_reachable(
        BusHealthStatus status, int notHealthyForSeconds, bool brokerReachable, bool expected)
    {
        Assert.Equal(expected, BusRecovery.ShouldRestart(status, TimeSpan.FromSeconds(notHealthyForSeconds), brokerReachable, s_restartAfter));
    }
}
