using System.Collections.Immutable;
using Claims.Contracts;
using Claims.Contracts.Events;
using Claims.EventStore;

namespace Claims.Reconciliation.Consensus;

/// <summary>
/// A claim's folded state as stored beside its stream (<see cref="EventStore.EventStore.StoreSnapshotsAsync{T}"/>), so
/// that a claim no longer in the cache is folded from here and the events after it, not from its first event. A
/// tracked mention takes about 370 bytes of JSON against its recorded event's 1,020 (in the benchmark), and a claim
/// every outlet repeats has thousands: once the benchmark's claims outgrew the cache, reading such streams whole was a
/// fifth of the database's time.
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

    /// <summary>Fewest events between two snapshots a decision stores.</summary>
    public const int MinEventsBetween = 256;

    /// <summary>
    /// Whether a decision that takes a claim to <paramref name="version"/> stores its snapshot too, the latest being at
    /// <paramref name="snapshotVersion"/>: once the stream has doubled since (and grown by <see cref="MinEventsBetween"/>).
    /// The cache stores the snapshot of every claim it sheds, which is what keeps folds short under load; these are for
    /// a process that starts with nothing cached. The snapshot grows with the claim, so storing it every so many events
    /// would cost more the larger the claim; doubling, all of a claim's snapshots together are at most twice its last,
    /// and a fold from one reads at most half the stream's events.
    /// </summary>
    public static bool IsDue(long version, long snapshotVersion) => version - snapshotVersion >= Math.Max(MinEventsBetween, snapshotVersion);

    /// <summary>Fewest events since its latest snapshot for which a claim shed from the cache has its snapshot stored.</summary>
    public const int MinEventsBeforeShedding = 8;

    /// <summary>
    /// Whether a claim shed from the cache at <paramref name="version"/>, its latest snapshot being at
    /// <paramref name="snapshotVersion"/>, has its state stored as a new snapshot: once the events since are an eighth
    /// of the stream (and at least <see cref="MinEventsBeforeShedding"/>). The snapshot holds the whole state, about a
    /// third of the bytes of the events that made it, and a claim shed under load is usually folded again soon and shed
    /// again: rewritten at every shedding, a claim of 100 events rewrote some 35 kB to spare its next fold reading one or
    /// two events (the benchmark's shed claims' snapshots were 12-15 % of the database's time at half load). Now a fold
    /// reads at most an eighth of the stream after the snapshot, and a snapshot is rewritten only after that many events.
    /// </summary>
    public static bool IsWorthStoringWhenShed(long version, long snapshotVersion) =>
        version - snapshotVersion >= Math.Max(MinEventsBeforeShedding, snapshotVersion / 8);

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
