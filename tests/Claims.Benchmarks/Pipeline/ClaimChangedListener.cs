using System.Collections.Concurrent;
using System.Text.Json;
using Claims.Contracts;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Claims.Benchmarks.Pipeline;

/// <summary>
/// A public subscriber as README documents it: plain RabbitMQ.Client, an exclusive queue of its own bound to the
/// <c>claims.claim-changed</c> fanout exchange. Keeps when the first change caused by each mention arrived.
/// </summary>
public sealed class ClaimChangedListener : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly ConcurrentDictionary<Guid, double> _firstByMention = new();
    private readonly EventTimes _times = new();
    private readonly ConcurrentQueue<(double At, string Cause)> _causes = new();

    private ClaimChangedListener(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    /// <summary>Every ClaimChanged delivered, stamped with its arrival.</summary>
    public EventTimes Times => _times;

    /// <summary>When the first ClaimChanged caused by a mention arrived, by mention id.</summary>
    public IReadOnlyDictionary<Guid, double> FirstByMention => _firstByMention;

    /// <summary>ClaimChanged messages per second by cause (mention-recorded, origins, reliability, ...) between two run-clock times.</summary>
    public IReadOnlyDictionary<string, double> CausesBetween(double from, double to) =>
        _causes.Where(c => c.At >= from && c.At < to).GroupBy(c => c.Cause).OrderByDescending(g => g.Count())
            .ToDictionary(g => g.Key, g => Math.Round(g.Count() / (to - from), 1));

    public static async Task<ClaimChangedListener> StartAsync(Uri broker)
    {
        var factory = new ConnectionFactory { Uri = broker };
        var connection = await factory.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        var listener = new ClaimChangedListener(connection, channel);
        await channel.ExchangeDeclareAsync(Exchanges.ClaimChanged, ExchangeType.Fanout, durable: true);
        var queue = await channel.QueueDeclareAsync(queue: "", durable: false, exclusive: true, autoDelete: true);
        await channel.QueueBindAsync(queue.QueueName, Exchanges.ClaimChanged, routingKey: "");
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            listener.Receive(delivery.Body.Span);
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer);
        return listener;
    }

    private void Receive(ReadOnlySpan<byte> body)
    {
        var at = RunClock.Now;
        _times.Add(at);
        var reader = new Utf8JsonReader(body);
        using var envelope = JsonDocument.ParseValue(ref reader);
        if (!envelope.RootElement.TryGetProperty("message", out var message))
        {
            return;
        }
        _causes.Enqueue((at, message.TryGetProperty("cause", out var cause) ? cause.GetString() ?? "" : ""));
        if (message.TryGetProperty("causedByMentionId", out var mention) && mention.ValueKind == JsonValueKind.String)
        {
            _firstByMention.TryAdd(mention.GetGuid(), at);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.CloseAsync();
        await _connection.CloseAsync();
        _channel.Dispose();
        _connection.Dispose();
    }
}
