using Claims.Contracts;
using Claims.Contracts.Events;
using Claims.EventStore;
using Claims.Messaging;
using MassTransit;

namespace Claims.Ingestion.Articles;

/// <summary>Publishes every stored <see cref="ClaimExtracted"/> to RabbitMQ: the article stream is ingestion's outbox.</summary>
public sealed class ClaimExtractedRelay(IBus bus) : OutboxRelay<ClaimExtracted, ClaimExtracted>(bus, EventAliases.ClaimExtracted)
{
    public override string Name => "ingestion-claim-extracted-relay";

    // Every claim must reach reconciliation: until its queue is bound, the relay waits rather than drop messages.
    protected override bool RequireSubscriber => true;

    protected override ClaimExtracted ToMessage(ClaimExtracted data, StoredEvent stored) => data;
}
