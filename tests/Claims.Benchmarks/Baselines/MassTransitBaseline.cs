using Claims.Testing;
using MassTransit;

namespace Claims.Benchmarks.Baselines;

/// <summary>A message about the size of a ClaimExtracted envelope.</summary>
public sealed record BenchmarkPing(Guid Id, string ClaimId, decimal Value, string Evidence);

/// <summary>Publish to consume through the broker, for one client library.</summary>
public sealed record BrokerFigures(string Client, double MessagesPerSecond, int Messages, double Seconds, string Settings);

/// <summary>
/// MassTransit alone on the run's broker, tuned the way the services are (publisher confirms, prefetch 200) plus
/// 64 concurrent consumers and up to 1,000 publishes in flight: the most the pipeline's messaging could carry here.
/// </summary>
public sealed class MassTransitBaseline(BenchmarkOptions options)
{
    private const int InFlight = 1000;
    private const int Prefetch = 200;
    private const int Concurrency = 64;

    public async Task<BrokerFigures> RunAsync()
    {
        var vhost = new RabbitMqVirtualHost();
        await vhost.InitializeAsync();
        var consumed = new ConsumedCounter();
        var broker = TestEnvironment.RabbitMq;
        var credentials = Uri.UnescapeDataString(broker.UserInfo).Split(':', 2);
        var bus = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(broker.Host, (ushort)broker.Port, vhost.Name, host =>
            {
                host.Username(credentials[0]);
                host.Password(credentials.Length > 1 ? credentials[1] : "guest");
                host.PublisherConfirmation = true;
            });
            rabbit.ReceiveEndpoint("benchmark-ping", endpoint =>
            {
                endpoint.PrefetchCount = Prefetch;
                endpoint.ConcurrentMessageLimit = Concurrency;
                endpoint.Handler<BenchmarkPing>(_ =>
                {
                    consumed.Record();
                    return Task.CompletedTask;
                });
            });
        });
        await bus.StartAsync();
        try
        {
            var (total, seconds) = await PublishWindow.MeasureAsync(TimeSpan.FromSeconds(options.BaselineSeconds), InFlight, () => bus.Publish(Ping()), consumed);
            return new BrokerFigures("MassTransit 8.4", total / seconds, total, seconds,
                $"publisher confirms, {InFlight} publishes in flight, prefetch {Prefetch}, {Concurrency} concurrent consumers, durable");
        }
        finally
        {
            await bus.StopAsync();
            await vhost.DisposeAsync();
        }
    }

    private static BenchmarkPing Ping() => new(Guid.NewGuid(), "trade_turnover:AZ+KZ:2024", 470_000_000m, Evidence);

    /// <summary>About the evidence sentence and article fields a ClaimExtracted carries.</summary>
    internal static readonly string Evidence = new('x', 900);
}
