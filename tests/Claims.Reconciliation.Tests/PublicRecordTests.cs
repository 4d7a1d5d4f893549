using Claims.Consensus;
using Claims.Contracts;
using Claims.Reconciliation.Consensus;
using FsCheck;
using FsCheck.Fluent;
using Xunit;
using static Claims.Reconciliation.Tests.Mentions;

namespace Claims.Reconciliation.Tests;

/// <summary>
/// The query service answers "what did the public record say then" (time travel by publication) with the shared
/// consensus rule over the mentions published by then. These tests hold it to reconciliation: the answer is what
/// reconciliation decides when it receives exactly the articles published by then, in any order.
/// </summary>
public sealed class PublicRecordTests
{
    [Fact]
    public void At_any_moment_the_public_record_decides_what_reconciliation_decides_from_the_articles_published_by_then()
    {
        var property = Prop.ForAll(Arb.From(from scenario in DeterminismTests.Scenarios() from day in Gen.Choose(-1, 30) select (scenario, day)), input =>
        {
            var (scenario, day) = input;
            var at = new DateTimeOffset(2025, 10, 1, 12, 0, 0, TimeSpan.Zero).AddDays(day);
            var everything = DeterminismTests.Settle(Record(scenario.Mentions, scenario.Origins), scenario.Origins);
            var publishedByThen = DeterminismTests.Settle(Record(scenario.Mentions.Where(m => m.Article.PublishedAt <= at), scenario.Origins), scenario.Origins);

            var record = PublicRecord.At(everything.Mentions.Values, [], at, ConsensusOptions.Default);

            return record.Decision?.Consensus == publishedByThen.Consensus
                && record.Decision?.Status == publishedByThen.Status
                && record.Published.Where(record.Votes).Select(m => m.MentionId).ToHashSet()
                    .SetEquals(publishedByThen.Mentions.Values.Where(t => t.Votes).Select(t => t.MentionId));
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), property);
    }

    [Fact]
    public void An_article_published_earlier_but_received_later_counts_from_its_publication_and_a_later_one_not_before_its_own()
    {
        var late = Of("late-wire", 700_000_000m, day: 5);
        var early = Of("early-wire", 400_000_000m, day: 20);
        // Received in the opposite order of publication: reconciliation's versions mix them, the public record does not.
        var state = Record([early, late]);

        var before = PublicRecord.At(state.Mentions.Values, [], Day(10), ConsensusOptions.Default);
        var after = PublicRecord.At(state.Mentions.Values, [], Day(25), ConsensusOptions.Default);
        var beforeAnything = PublicRecord.At(state.Mentions.Values, [], Day(1), ConsensusOptions.Default);

        Assert.Equal([late.MentionId], before.Published.Select(m => m.MentionId));
        Assert.Equal(700_000_000m, before.Decision!.Consensus.Value);
        Assert.Equal(ClaimStatuses.SingleSource, before.Decision.Status);
        Assert.Equal(state.Consensus, after.Decision!.Consensus);
        Assert.Equal(ClaimStatuses.Conflicted, after.Decision.Status);
        Assert.Empty(beforeAnything.Published);
        Assert.Null(beforeAnything.Decision);
    }

    [Fact]
    public void A_correction_retracts_the_old_text_from_the_day_it_was_published_and_not_before()
    {
        var original = Of("corrected", 470_000_000m, day: 3);
        var other = Of("other", 533_000_000m, Qualifiers.Over, 533_000_000m, null, day: 4);
        var state = Record([original, other]);
        // The correction (revision 2, ten days on) dropped the figure: no mention of this claim carries it, the article's revisions do.
        PublishedRevision[] revisions = [new("corrected", 1, Day(3)), new("corrected", 2, Day(13))];

        var before = PublicRecord.At(state.Mentions.Values, revisions, Day(10), ConsensusOptions.Default);
        var after = PublicRecord.At(state.Mentions.Values, revisions, Day(15), ConsensusOptions.Default);

        Assert.Empty(before.Retracted);
        Assert.Equal(ClaimStatuses.Conflicted, before.Decision!.Status);
        Assert.Equal([original.MentionId], after.Retracted);
        Assert.False(after.Votes(after.Published.Single(m => m.MentionId == original.MentionId)));
        Assert.Equal(533_000_000m, after.Decision!.Consensus.Value);
        Assert.Equal(ClaimStatuses.SingleSource, after.Decision.Status);
    }

    [Fact]
    public void A_source_supersedes_its_own_figure_only_once_its_new_word_is_published()
    {
        var first = Of("trend-1", 470_000_000m, source: "Trend", day: 2);
        var revised = Of("trend-2", 480_000_000m, source: "Trend", day: 12);
        var state = Record([revised, first]);

        var before = PublicRecord.At(state.Mentions.Values, [], Day(10), ConsensusOptions.Default);
        var after = PublicRecord.At(state.Mentions.Values, [], Day(12), ConsensusOptions.Default);

        Assert.Empty(before.Superseders);
        Assert.Equal(470_000_000m, before.Decision!.Consensus.Value);
        Assert.Equal(revised.MentionId, after.Superseders[first.MentionId].MentionId);
        Assert.Equal(480_000_000m, after.Decision!.Consensus.Value);
    }

    private static DateTimeOffset Day(int day) => new DateTimeOffset(2025, 10, 1, 0, 0, 0, TimeSpan.Zero).AddDays(day);
}
