using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Claims.Contracts;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Claims.EndToEnd.Tests;

/// <summary>
/// A subscriber that knows nothing of MassTransit: plain RabbitMQ.Client, bound exactly as README documents
/// (a queue of its own on the <c>claims.claim-changed</c> fanout exchange, JSON envelopes).
/// </summary>
public sealed class ClaimChangedSubscriber : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;

    private ClaimChangedSubscriber(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    public ConcurrentQueue<JsonElement> Envelopes { get; } = new();

    public static async Task<ClaimChangedSubscriber> StartAsync(Uri broker)
    {
        var factory = new ConnectionFactory { Uri = broker };
        var connection = await factory.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        var subscriber = new ClaimChangedSubscriber(connection, channel);
        await channel.ExchangeDeclareAsync(Exchanges.ClaimChanged, ExchangeType.Fanout, durable: true);
        var queue = await channel.QueueDeclareAsync(queue: "", durable: false, exclusive: true, autoDelete: true);
        await channel.QueueBindAsync(queue.QueueName, Exchanges.ClaimChanged, routingKey: "");
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            subscriber.Envelopes.Enqueue(JsonDocument.Parse(Encoding.UTF8.GetString(delivery.Body.Span)).RootElement.Clone());
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer);
        return subscriber;
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.CloseAsync();
        await _connection.CloseAsync();
        _channel.Dispose();
        _connection.Dispose();
    }
}
