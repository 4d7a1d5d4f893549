using Claims.Consensus;
using Claims.Contracts;
using Claims.Contracts.Events;
using Claims.Reconciliation.Consensus;
using Xunit;
using static Claims.Reconciliation.Tests.Mentions;

namespace Claims.Reconciliation.Tests;

public sealed class ClaimDecisionTests
{
    [Theory]
    [InlineData(255, 0, false)]
    [InlineData(256, 0, true)]
    [InlineData(511, 256, false)]
    [InlineData(512, 256, true)]
    [InlineData(1_999, 1_000, false)]
    [InlineData(2_000, 1_000, true)]
    public void A_decision_stores_a_snapshot_once_the_stream_doubled_and_grew_by_256_since_the_last(long version, long snapshot, bool due) =>
        Assert.Equal(due, ClaimSnapshot.IsDue(version, snapshot));

    [Theory]
    [InlineData(7, 0, false)]
    [InlineData(8, 0, true)]
    [InlineData(71, 64, false)]
    [InlineData(72, 64, true)]
    [InlineData(1_124, 1_000, false)]
    [InlineData(1_125, 1_000, true)]
    public void A_claim_shed_from_the_cache_has_its_snapshot_stored_once_an_eighth_of_its_stream_and_8_events_came_since(long version, long snapshot, bool stored) =>
        Assert.Equal(stored, ClaimSnapshot.IsWorthStoringWhenShed(version, snapshot));

    [Fact]
    public void A_snapshot_restores_the_state_with_its_shared_strings_shared_again()
    {
        var state = Record([Of("a1", 470_000_000m, source: "Wire"), Of("a2", 533_000_000m, source: "Wire", day: 1), Of("b1", 470_000_000m)], new Dictionary<string, string> { ["b1"] = "a1" });
        var json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(ClaimSnapshot.Of(state));

        var restored = System.Text.Json.JsonSerializer.Deserialize<ClaimSnapshot>(json)!.ToState();

        Assert.Equal(state.Mentions.Values.OrderBy(m => m.MentionId), restored.Mentions.Values.OrderBy(m => m.MentionId));
        Assert.Equal((state.Consensus, state.Status, state.LowestRevision, state.HighestRevision), (restored.Consensus, restored.Status, restored.LowestRevision, restored.HighestRevision));
        Assert.Contains(restored.Mentions.Values, m => m.SupersededBy is not null);
        Assert.All(restored.Mentions.Values, m => Assert.Same(string.Intern(m.Source), m.Source));
        var original = Assert.Single(restored.Mentions.Values, m => m.ArticleId == "a1");
        Assert.Same(original.ArticleId, original.Origin);
    }

    [Fact]
    public void The_first_mention_is_recorded_and_sets_a_single_source_consensus()
    {
        var events = Claim.Decide(ClaimState.Initial(ClaimId), new RecordMention(Of("a1", 470_000_000m), "a1"), Now);

        var recorded = Assert.IsType<MentionRecorded>(events[0]);
        Assert.Equal("a1", recorded.Origin);
        var changed = Assert.IsType<ConsensusChanged>(events[1]);
        Assert.Null(changed.Previous);
        Assert.Equal(470_000_000m, changed.Current.Value);
        Assert.Equal(ClaimStatuses.SingleSource, changed.Status);
        Assert.Equal(ChangeReasons.MentionRecorded, changed.Reason);
        Assert.Equal(1.0, changed.Current.Confidence);
    }

    [Fact]
    public void A_mention_already_recorded_changes_nothing()
    {
        var mention = Of("a1", 470_000_000m);
        var state = Record([mention]);

        Assert.Empty(Claim.Decide(state, new RecordMention(mention, "a1"), Now));
    }

    [Fact]
    public void A_recorded_mention_has_a_stable_event_id_of_its_own()
    {
        var mention = Of("a1", 470_000_000m);
        var once = Claim.Decide(ClaimState.Initial(ClaimId), new RecordMention(mention, "a1"), Now)[0];
        var again = Claim.Decide(ClaimState.Initial(ClaimId), new RecordMention(mention, "a1"), Now.AddHours(1))[0];

        // Event ids are unique across the whole log, and the mention id already names ingestion's ClaimExtracted event.
        Assert.NotEqual(mention.MentionId, Claim.EventId(once, 0));
        Assert.Equal(Claim.EventId(once, 0), Claim.EventId(again, 0));
    }

    [Fact]
    public void Agreeing_mentions_from_two_origins_corroborate_the_claim()
    {
        var state = Record([Of("a1", 470_000_000m)]);

        var events = Claim.Decide(state, new RecordMention(Of("a2", 470_000_000m), "a2"), Now);

        var changed = Assert.Single(events.OfType<ConsensusChanged>());
        Assert.Equal(ClaimStatuses.Corroborated, changed.Status);
        Assert.Equal(ClaimStatuses.SingleSource, changed.PreviousStatus);
    }

    [Fact]
    public void A_reprint_in_the_same_origin_does_not_corroborate()
    {
        var state = Record([Of("a1", 470_000_000m), Of("a2", 470_000_000m)], new Dictionary<string, string> { ["a2"] = "a1" });

        Assert.Equal(ClaimStatuses.SingleSource, state.Status);
    }

    [Fact]
    public void An_over_bound_agrees_with_a_larger_exact_figure()
    {
        var state = Record([Over("a1", 3_500_000m), Of("a2", 3_600_000m, lower: 3_550_000m, upper: 3_650_000m)]);

        Assert.Equal(ClaimStatuses.Corroborated, state.Status);
        Assert.Equal(3_600_000m, state.Consensus!.Value);
    }

    [Fact]
    public void Three_copies_of_one_origin_against_an_independent_over_bound_conflict_and_the_exact_figure_wins()
    {
        var sameOrigin = new Dictionary<string, string> { ["a2"] = "a1", ["a3"] = "a1" };
        var state = Record([Of("a1", 470_000_000m, day: 17), Of("a2", 470_000_000m, day: 17), Of("a3", 470_000_000m, day: 20), Over("a4", 533_000_000m, day: 11)], sameOrigin);

        Assert.Equal(ClaimStatuses.Conflicted, state.Status);
        Assert.Equal(470_000_000m, state.Consensus!.Value);
        // One origin of weight 1 (exact) against one of weight 0.5 (a bound).
        Assert.Equal(0.67, state.Consensus.Confidence);
    }

    [Fact]
    public void A_conflict_is_recorded_with_its_groups_and_resolved_when_the_dissent_is_retracted()
    {
        var state = Record([Of("a1", 470_000_000m), Over("a4", 533_000_000m)]);
        var conflictEvents = Claim.Decide(ClaimState.Initial(ClaimId), new RecordMention(Of("a1", 470_000_000m), "a1"), Now);
        Assert.DoesNotContain(conflictEvents, e => e is ConflictDetected);

        var detected = Claim.Decide(Record([Of("a1", 470_000_000m)]), new RecordMention(Over("a4", 533_000_000m), "a4"), Now).OfType<ConflictDetected>().Single();
        Assert.Equal(2, detected.Groups.Count);
        Assert.Equal(470_000_000m, detected.Groups[0].Value);
        Assert.Equal(["a4"], detected.Groups[1].Origins);

        var resolved = Claim.Decide(state, new RetractRevisionsBefore("a4", 2), Now);
        Assert.Contains(resolved, e => e is MentionRetracted { ArticleId: "a4" });
        Assert.Equal(ChangeReasons.MentionRetracted, resolved.OfType<ConflictResolved>().Single().Reason);
        Assert.Equal(ClaimStatuses.SingleSource, Apply(state, resolved).Status);
    }

    [Fact]
    public void Recognising_a_reprint_regroups_its_mentions_and_recounts_the_consensus()
    {
        var state = Record([Of("a1", 470_000_000m), Of("a2", 470_000_000m)]);
        Assert.Equal(ClaimStatuses.Corroborated, state.Status);

        var events = Claim.Decide(state, new Regroup(new Dictionary<string, string> { ["a1"] = "a1", ["a2"] = "a1" }), Now);

        var regrouped = Assert.Single(events.OfType<MentionRegrouped>());
        Assert.Equal(("a2", "a1"), (regrouped.PreviousOrigin, regrouped.Origin));
        var changed = Assert.Single(events.OfType<ConsensusChanged>());
        Assert.Equal((ClaimStatuses.SingleSource, ChangeReasons.Origins), (changed.Status, changed.Reason));
        Assert.Empty(Claim.Decide(Apply(state, events), new Regroup(new Dictionary<string, string> { ["a2"] = "a1" }), Now));
    }

    [Fact]
    public void A_corrected_article_replaces_its_old_figure()
    {
        var state = Record([Of("a1", 470_000_000m)]);

        var events = Claim.Decide(state, new RecordMention(Of("a1", 480_000_000m, revision: 2), "a1"), Now);

        Assert.Contains(events, e => e is MentionRetracted { ByRevision: 2 });
        Assert.Equal(480_000_000m, Apply(state, events).Consensus!.Value);
    }

    [Fact]
    public void A_late_mention_of_an_old_revision_never_stands()
    {
        var state = Record([Of("a1", 480_000_000m, revision: 2)]);

        var events = Claim.Decide(state, new RecordMention(Of("a1", 470_000_000m, revision: 1), "a1"), Now);

        Assert.Contains(events, e => e is MentionRetracted);
        Assert.Equal(480_000_000m, Apply(state, events).Consensus!.Value);
    }

    [Fact]
    public void When_a_source_later_says_something_else_its_older_mention_is_superseded()
    {
        var state = Record([Of("a1", 470_000_000m, source: "Trend", day: 1), Of("a2", 480_000_000m, source: "Trend", day: 5)]);

        var superseded = state.Mentions.Values.Single(t => t.ArticleId == "a1");
        Assert.NotNull(superseded.SupersededBy);
        Assert.Equal(480_000_000m, state.Consensus!.Value);
        Assert.Equal(ClaimStatuses.SingleSource, state.Status);
    }

    [Fact]
    public void When_the_superseding_mention_is_retracted_the_older_one_stands_again()
    {
        // Trend's later article no longer states the figure once corrected: its earlier 470 million counts again.
        var state = Record([Of("a1", 470_000_000m, source: "Trend", day: 1), Of("a2", 480_000_000m, source: "Trend", day: 5), Of("a3", 490_000_000m, source: "Kazinform", day: 6)]);

        var events = Claim.Decide(state, new RetractRevisionsBefore("a2", 2), Now);

        Assert.Contains(events, e => e is MentionReinstated);
        var after = Apply(state, events);
        Assert.Null(after.Mentions.Values.Single(t => t.ArticleId == "a1").SupersededBy);
        Assert.Equal(ClaimStatuses.Conflicted, after.Status);
    }

    [Fact]
    public void The_band_of_an_approximate_figure_is_configurable()
    {
        // "about 470 million" against an exact 490 million: 4.3 % apart.
        var mentions = new[] { Of("a1", 470_000_000m, Qualifiers.Approx, 446_500_000m, 493_500_000m), Of("a2", 490_000_000m) };
        ClaimState Decide(decimal tolerance) => mentions.Aggregate(ClaimState.Initial(ClaimId), (state, m) =>
            Apply(state, Claim.Decide(state, new RecordMention(m, m.Article.ArticleId), Now, ConsensusOptions.Default with { ApproxTolerance = tolerance })));

        Assert.Equal(ClaimStatuses.Corroborated, Decide(0.05m).Status);
        Assert.Equal(ClaimStatuses.Conflicted, Decide(0.02m).Status);
    }

    [Fact]
    public void A_target_does_not_vote_against_a_fact()
    {
        var state = Record([Of("a1", 470_000_000m), Of("a2", 1_000_000_000m, Qualifiers.Target, null, null)]);

        Assert.Equal(ClaimStatuses.SingleSource, state.Status);
        Assert.Equal(470_000_000m, state.Consensus!.Value);
    }
}
