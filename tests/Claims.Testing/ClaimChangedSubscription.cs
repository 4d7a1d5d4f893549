using Claims.Contracts;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Claims.Testing;

/// <summary>
/// A subscriber that knows nothing of MassTransit: plain RabbitMQ.Client, bound exactly as README documents (an
/// exclusive queue of its own on the <c>claims.claim-changed</c> fanout exchange, JSON envelopes). Each delivery's
/// body goes to the callback, on the consumer's thread.
/// </summary>
public sealed class ClaimChangedSubscription : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;

    private ClaimChangedSubscription(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    public static async Task<ClaimChangedSubscription> StartAsync(Uri broker, Action<ReadOnlyMemory<byte>> received)
    {
        var factory = new ConnectionFactory { Uri = broker };
        var connection = await factory.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        var subscription = new ClaimChangedSubscription(connection, channel);
        await channel.ExchangeDeclareAsync(Exchanges.ClaimChanged, ExchangeType.Fanout, durable: true);
        var queue = await channel.QueueDeclareAsync(queue: "", durable: false, exclusive: true, autoDelete: true);
        await channel.QueueBindAsync(queue.QueueName, Exchanges.ClaimChanged, routingKey: "");
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            received(delivery.Body);
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer);
        return subscription;
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.CloseAsync();
        await _connection.CloseAsync();
        _channel.Dispose();
        _connection.Dispose();
    }
}
