using System.Diagnostics;
using Claims.EventStore;
using MassTransit;
using Npgsql;

namespace Claims.Messaging;

/// <summary>
/// The event log is the outbox: this subscription tails it and publishes each stored event of one type as a
/// message whose MessageId is the event id. The runner commits the checkpoint only after every publish of a
/// batch is confirmed, so delivery is at least once and consumers deduplicate on the message id.
/// </summary>
public abstract class OutboxRelay<TEvent, TMessage>(IBus bus, string eventType) : IProjection
    where TEvent : class
    where TMessage : class
{
    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public IReadOnlySet<string>? EventTypes { get; } = new HashSet<string> { eventType };

    /// <summary>
    /// When true, a message no queue is bound to is returned by the broker and fails the batch, which is then
    /// retried: the checkpoint does not move past events nobody has received yet (for work that must be done).
    /// </summary>
    protected virtual bool RequireSubscriber => false;

    /// <summary>Turns a stored event into the public message; <paramref name="stored"/> gives its stream, version and time.</summary>
    protected abstract TMessage ToMessage(TEvent data, StoredEvent stored);

    /// <inheritdoc />
    public Task ApplyAsync(ProjectionBatch batch, CancellationToken ct) =>
        // Many publishes in flight, one wait: awaiting each confirm in turn would cap the relay at about 1k msg/s.
        Task.WhenAll(batch.Events.Where(e => e.Data is TEvent).Select(e => PublishAsync(e, ct)));

    /// <summary>
    /// How long one publish may wait for the broker. While RabbitMQ is down MassTransit's publish waits for a
    /// connection; the batch's transaction would stay open meanwhile until PostgreSQL's idle-in-transaction timeout
    /// killed it, and delivery would resume only after that. Failing the batch instead lets the runner retry soon
    /// after the broker returns.
    /// </summary>
    public static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(10);

    private async Task PublishAsync(StoredEvent storedEvent, CancellationToken ct)
    {
        // The publish span continues the trace of the request that stored the event.
        using var activity = storedEvent.StartEventActivity($"relay {Name}", ActivityKind.Producer);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(PublishTimeout);
        try
        {
            await bus.Publish(ToMessage((TEvent)storedEvent.Data!, storedEvent), context =>
            {
                context.MessageId = storedEvent.Id;
                if (RequireSubscriber && context.TryGetPayload<RabbitMqSendContext>(out var rabbit))
                {
                    rabbit.Mandatory = true;
                }
            }, timeout.Token);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // The stored event is fine; the broker is not (down, or no queue bound yet). Retry later, never skip.
            throw new ProjectionUnavailableException($"Publishing event {storedEvent.Id} to RabbitMQ failed: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct) => Task.CompletedTask;
}
