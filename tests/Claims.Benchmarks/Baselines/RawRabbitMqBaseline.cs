using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Claims.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Claims.Benchmarks.Baselines;

/// <summary>
/// The broker with plain RabbitMQ.Client: persistent messages of the same size to a durable queue, publisher confirms
/// with up to 1,000 in flight, one consumer with prefetch 200 acking each message. What MassTransit's overhead is measured against.
/// </summary>
public sealed class RawRabbitMqBaseline(BenchmarkOptions options)
{
    private const int InFlight = 1000;
    private const ushort Prefetch = 200;
    private const string Queue = "benchmark-raw";

    public async Task<BrokerFigures> RunAsync()
    {
        var vhost = new RabbitMqVirtualHost();
        await vhost.InitializeAsync();
        try
        {
            var factory = new ConnectionFactory { Uri = vhost.Address };
            await using var consumerConnection = await factory.CreateConnectionAsync();
            await using var publisherConnection = await factory.CreateConnectionAsync();
            await using var consumerChannel = await consumerConnection.CreateChannelAsync();
            await using var publisherChannel = await publisherConnection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
            await consumerChannel.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false);
            await consumerChannel.BasicQosAsync(0, Prefetch, global: false);

            var consumed = 0;
            var lastConsumed = 0.0;
            var consumer = new AsyncEventingBasicConsumer(consumerChannel);
            consumer.ReceivedAsync += async (_, delivery) =>
            {
                Interlocked.Increment(ref consumed);
                Volatile.Write(ref lastConsumed, RunClock.Now);
                await consumerChannel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
            };
            await consumerChannel.BasicConsumeAsync(Queue, autoAck: false, consumer);

            var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new BenchmarkPing(Guid.NewGuid(), "trade_turnover:AZ+KZ:2024", 470_000_000m, MassTransitBaseline.Evidence)));
            var properties = new BasicProperties { Persistent = true, ContentType = "application/json" };
            await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => publisherChannel.BasicPublishAsync("", Queue, false, properties, body).AsTask()));
            await PublishWindow.WaitForAsync(() => Volatile.Read(ref consumed) >= 200, TimeSpan.FromSeconds(30));
            Interlocked.Exchange(ref consumed, 0);

            var started = RunClock.Now;
            var published = await PublishWindow.RunAsync(TimeSpan.FromSeconds(options.BaselineSeconds), InFlight, () => publisherChannel.BasicPublishAsync("", Queue, mandatory: false, properties, body).AsTask());
            await PublishWindow.WaitForAsync(() => Volatile.Read(ref consumed) >= published, TimeSpan.FromSeconds(120));
            var seconds = Volatile.Read(ref lastConsumed) - started;
            var total = Volatile.Read(ref consumed);
            return new BrokerFigures("RabbitMQ.Client 7.1", total / seconds, total, seconds,
                $"publisher confirms, {InFlight} publishes in flight, prefetch {Prefetch}, one consumer acking each message, durable");
        }
        finally
        {
            await vhost.DisposeAsync();
        }
    }
}
