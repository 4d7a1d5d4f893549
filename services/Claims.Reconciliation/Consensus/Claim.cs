using System.Collections.Immutable;
using Claims.Contracts;
using Claims.Contracts.Events;

namespace Claims.Reconciliation.Consensus;

/// <summary>Record a mention of a claim, as it arrived from ingestion.</summary>
public sealed record RecordMention(ClaimExtracted Mention);

/// <summary>A claim folded from its stream: who said what, and the consensus it stands at.</summary>
public sealed record ClaimState(string ClaimId, ImmutableDictionary<Guid, MentionRecorded> Mentions, ConsensusValue? Consensus, string? Status)
{
    public static ClaimState Initial(string claimId) => new(claimId, ImmutableDictionary<Guid, MentionRecorded>.Empty, null, null);

    public static ClaimState Evolve(ClaimState state, object @event) => @event switch
    {
        MentionRecorded mention => state with { Mentions = state.Mentions.SetItem(mention.MentionId, mention) },
        ConsensusChanged change => state with { Consensus = change.Current, Status = change.Status },
        _ => state,
    };
}

/// <summary>The pure decisions about a claim stream.</summary>
public static class Claim
{
    public const string MentionRecordedReason = "mention-recorded";

    /// <summary>
    /// A mention already recorded changes nothing (redeliveries are harmless); a new one is recorded, and when it
    /// moves the consensus or the status a <see cref="ConsensusChanged"/> follows.
    /// </summary>
    public static IReadOnlyList<object> Decide(ClaimState state, RecordMention command, DateTimeOffset now)
    {
        var mention = command.Mention;
        if (state.Mentions.ContainsKey(mention.MentionId))
        {
            return [];
        }
        var recorded = ToRecorded(mention);
        var after = ClaimState.Evolve(state, recorded);
        var decision = ConsensusRule.Decide(after.Mentions.Values);
        if (decision.Consensus == state.Consensus && decision.Status == state.Status)
        {
            return [recorded];
        }
        var changed = new ConsensusChanged
        {
            ClaimId = state.ClaimId,
            Previous = state.Consensus,
            Current = decision.Consensus,
            PreviousStatus = state.Status,
            Status = decision.Status,
            Reason = MentionRecordedReason,
            CausedByMentionId = mention.MentionId,
            CausePublishedAt = mention.Article.PublishedAt,
            ChangedAt = now,
        };
        return [recorded, changed];
    }

    /// <summary>Natural event ids: recording a mention twice, or deciding its consequence twice, appends nothing new.</summary>
    public static Guid EventId(object @event) => @event switch
    {
        // Not the mention id itself: that is already the id of the ClaimExtracted event in the article's stream.
        MentionRecorded mention => EventStore.DeterministicGuid.Create("mention-recorded", mention.ClaimId, mention.MentionId.ToString()),
        ConsensusChanged change => EventStore.DeterministicGuid.Create("consensus", change.ClaimId, change.CausedByMentionId?.ToString() ?? "", change.Reason),
        _ => throw new ArgumentException($"Not a claim event: {@event.GetType().Name}", nameof(@event)),
    };

    private static MentionRecorded ToRecorded(ClaimExtracted extracted) => new()
    {
        ClaimId = extracted.Mention.ClaimId,
        MentionId = extracted.MentionId,
        Article = extracted.Article,
        Mention = extracted.Mention,
        // Until origin detection lands, every article is its own origin.
        Origin = extracted.Article.ArticleId,
    };
}
