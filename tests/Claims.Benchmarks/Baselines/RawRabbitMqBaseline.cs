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

            var consumed = new ConsumedCounter();
            var consumer = new AsyncEventingBasicConsumer(consumerChannel);
            consumer.ReceivedAsync += async (_, delivery) =>
            {
                consumed.Record();
                await consumerChannel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
            };
            await consumerChannel.BasicConsumeAsync(Queue, autoAck: false, consumer);

            var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new BenchmarkPing(Guid.NewGuid(), "trade_turnover:AZ+KZ:2024", 470_000_000m, MassTransitBaseline.Evidence)));
            var properties = new BasicProperties { Persistent = true, ContentType = "application/json" };
            var (total, seconds) = await PublishWindow.MeasureAsync(TimeSpan.FromSeconds(options.BaselineSeconds), InFlight,
                () => publisherChannel.BasicPublishAsync("", Queue, mandatory: false, properties, body).AsTask(), consumed);
            return new BrokerFigures("RabbitMQ.Client 7.1", total / seconds, total, seconds,
                $"publisher confirms, {InFlight} publishes in flight, prefetch {Prefetch}, one consumer acking each message, durable");
        }
        finally
        {
            await vhost.DisposeAsync();
        }
    }
}
