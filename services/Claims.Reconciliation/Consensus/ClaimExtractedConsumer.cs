using Claims.Contracts;
using Claims.EventStore;
using MassTransit;

namespace Claims.Reconciliation.Consensus;

/// <summary>
/// Hands each mention to the group commit and acknowledges it once recorded with its claim's decision. The events
/// it causes carry the message id as their causation id and the consume span's trace context.
/// </summary>
public sealed class ClaimExtractedConsumer(MentionIntake intake) : IConsumer<ClaimExtracted>
{
    public Task Consume(ConsumeContext<ClaimExtracted> context)
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        if (context.MessageId is { } messageId)
        {
            headers["causation-id"] = messageId.ToString();
        }
        // Captured here: the batch is written by the intake's own loop, outside this message's span.
        EventHeaders.AddTraceContext(headers);
        return intake.RecordAsync(new ReceivedMention(context.Message, headers), context.CancellationToken);
    }
}

/// <summary>
/// Enough messages in flight for the group commit to fill its batches: mentions of one claim may now be taken in
/// parallel, since a batch decides each claim once, in arrival order, and instances serialise on the origins lock.
/// A batch that loses a race is decided again at once; what still fails is retried with growing pauses like passing
/// database faults, and then waits in the _error queue.
/// </summary>
public sealed class ClaimExtractedConsumerDefinition : ConsumerDefinition<ClaimExtractedConsumer>
{
    private const int InFlight = 1000;

    public ClaimExtractedConsumerDefinition()
    {
        ConcurrentMessageLimit = InFlight;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<ClaimExtractedConsumer> consumerConfigurator, IRegistrationContext context)
    {
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.PrefetchCount = InFlight;
        }
        endpointConfigurator.ConcurrentMessageLimit = InFlight;
        endpointConfigurator.UseMessageRetry(retry => retry.Intervals(10, 25, 50, 100, 250, 500, 1000, 2000, 5000, 10000, 10000, 10000));
    }
}
