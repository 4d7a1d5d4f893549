using Claims.Contracts;
using Claims.Contracts.Events;
using Claims.EventStore;
using Claims.Messaging;
using MassTransit;

namespace Claims.Reconciliation.Consensus;

/// <summary>Publishes every stored <see cref="ConsensusChanged"/> as the public <see cref="ClaimChanged"/>.</summary>
public sealed class ClaimChangedRelay(IBus bus) : OutboxRelay<ConsensusChanged, ClaimChanged>(bus, EventAliases.ConsensusChanged)
{
    public override string Name => "reconciliation-claim-changed-relay";

    protected override ClaimChanged ToMessage(ConsensusChanged data, StoredEvent stored) => new()
    {
        ClaimId = data.ClaimId,
        Version = stored.Version,
        Previous = data.Previous,
        Current = data.Current,
        PreviousStatus = data.PreviousStatus,
        Status = data.Status,
        Cause = data.Reason,
        CausedByMentionId = data.CausedByMentionId,
        ChangedAt = data.ChangedAt,
    };
}
