using Claims.Contracts;
using Claims.Contracts.Events;
using Claims.EventStore;
using MassTransit;

namespace Claims.Reconciliation.Consensus;

/// <summary>
/// A thin shell around <see cref="Claim.Decide"/>: fold the claim's stream, decide, append with the version read.
/// A concurrent writer makes the append fail with <see cref="ConcurrencyException"/>; the retry policy re-runs it.
/// </summary>
public sealed partial class ClaimExtractedConsumer(EventStore.EventStore store, TimeProvider time, ILogger<ClaimExtractedConsumer> logger) : IConsumer<ClaimExtracted>
{
    public async Task Consume(ConsumeContext<ClaimExtracted> context)
    {
        var mention = context.Message;
        var claimId = mention.Mention.ClaimId;
        var streamId = StreamIds.Claim(claimId);
        var ct = context.CancellationToken;
        var (state, version) = await store.AggregateStreamAsync(streamId, ClaimState.Initial(claimId), ClaimState.Evolve, ct: ct);
        var events = Claim.Decide(state, new RecordMention(mention), time.GetUtcNow());
        if (events.Count == 0)
        {
            return;
        }
        await using var session = store.OpenSession();
        if (context.MessageId is { } messageId)
        {
            session.Headers["causation-id"] = messageId.ToString();
        }
        session.Append(streamId, version, events.Select(e => new NewEvent(Claim.EventId(e), e)), streamType: "claim");
        await session.SaveChangesAsync(ct);
        if (events.OfType<ConsensusChanged>().FirstOrDefault() is { } changed)
        {
            LogConsensusChanged(logger, claimId, changed.Current.Value, changed.Status);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Claim {ClaimId} now stands at {Value} ({Status})")]
    private static partial void LogConsensusChanged(ILogger logger, string claimId, decimal value, string status);
}

/// <summary>Retries with growing pauses: concurrency conflicts and passing database faults resolve themselves; the rest ends in the _error queue.</summary>
public sealed class ClaimExtractedConsumerDefinition : ConsumerDefinition<ClaimExtractedConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<ClaimExtractedConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(retry => retry.Intervals(10, 25, 50, 100, 250, 500, 1000, 2000, 5000, 10000));
    }
}
