using System.Collections.Immutable;
using Claims.Contracts;
using Claims.Contracts.Events;
using Claims.EventStore;

namespace Claims.Reconciliation.Consensus;

/// <summary>
/// A claim's folded state as stored beside its stream (<see cref="EventStore.EventStore.StoreSnapshotsAsync{T}"/>), so
/// that a claim no longer in the cache is folded from here and the events after it, not from its first event. A
/// tracked mention takes about 370 bytes of JSON against its recorded event's 1,020 (in the benchmark); a claim every outlet repeats has thousands of them, and
/// once the benchmark's claims outgrew the cache, reading such streams whole was a fifth of the database's time.
/// </summary>
public sealed record ClaimSnapshot(
    string ClaimId,
    ConsensusValue? Consensus,
    string? Status,
    int LowestRevision,
    int HighestRevision,
    IReadOnlyList<TrackedMention> Mentions)
{
    /// <summary>The snapshots' kind: a new one when this shape changes, so that older snapshots are ignored.</summary>
    public const string Kind = "claim-state-1";

    /// <summary>Fewest events between two snapshots of a claim.</summary>
    public const int MinEventsBetween = 32;

    /// <summary>
    /// Whether a claim at <paramref name="version"/> is due a new snapshot, its last being at <paramref name="snapshotVersion"/>:
    /// once a quarter of its events came after it (and at least <see cref="MinEventsBetween"/>). The snapshot grows with
    /// the claim, so writing it every so many events would cost more the larger the claim; this way a snapshot costs
    /// about as much per event at any size, and a fold from it reads at most a quarter of the stream's events.
    /// </summary>
    public static bool IsDue(long version, long snapshotVersion) => version - snapshotVersion >= Math.Max(MinEventsBetween, version / 4);

    public static ClaimSnapshot Of(ClaimState state) =>
        new(state.ClaimId, state.Consensus, state.Status, state.LowestRevision, state.HighestRevision, [.. state.Mentions.Values]);

    /// <summary>The state again, with the strings a folded mention shares (outlet, unit, qualifier, an original's origin) shared again.</summary>
    public ClaimState ToState()
    {
        var mentions = ImmutableDictionary.CreateBuilder<Guid, TrackedMention>();
        foreach (var m in Mentions)
        {
            mentions[m.MentionId] = m with
            {
                Source = string.Intern(m.Source),
                Unit = string.Intern(m.Unit),
                Qualifier = string.Intern(m.Qualifier),
                Origin = string.Equals(m.Origin, m.ArticleId, StringComparison.Ordinal) ? m.ArticleId : m.Origin,
            };
        }
        return new ClaimState(ClaimId, mentions.ToImmutable(), Consensus, Status, LowestRevision, HighestRevision);
    }
}
