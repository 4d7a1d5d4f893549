using Claims.Messaging;
using MassTransit;
using Xunit;

namespace Claims.Ingestion.Tests;

/// <summary>
/// When a service ends itself for a stuck bus: only when the bus stays unhealthy while the broker takes connections,
/// never while the broker is down (MassTransit reconnects by itself once it is back).
/// </summary>
public sealed class BusLivenessTests
{
    private static readonly TimeSpan s_exitAfter = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(BusHealthStatus.Degraded, 60, true)]
    [InlineData(BusHealthStatus.Unhealthy, 300, true)]
    [InlineData(BusHealthStatus.Degraded, 59, false)]
    [InlineData(BusHealthStatus.Unhealthy, 0, false)]
    [InlineData(BusHealthStatus.Healthy, 300, false)]
    public void The_bus_is_stuck_only_when_unhealthy_while_the_broker_has_been_reachable_long_enough(
        BusHealthStatus status, int brokerReachableForSeconds, bool expected)
    {
        Assert.Equal(expected, BusLiveness.IsStuck(status, TimeSpan.FromSeconds(brokerReachableForSeconds), s_exitAfter));
    }
}
