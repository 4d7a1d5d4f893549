using System.Text.Json;
using Claims.Consensus;
using Claims.Contracts;
using Claims.Contracts.Events;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace Claims.Reconciliation.Tests;

/// <summary>
/// The consensus rule gathers groups from precomputed bit sets and reuses what a round did not change; these tests
/// hold it to the rule as written in its documentation, computed the plain way (every candidate gathers anew from
/// every remaining mention, each round), on many mentions that agree, overlap in chains and tie.
/// </summary>
public sealed class ConsensusRuleTests
{
    private sealed record Vote(
        Guid MentionId, string ArticleId, int ArticleRevision, string Source, DateTimeOffset PublishedAt, string Origin,
        decimal Value, string Unit, string Qualifier, decimal? Lower, decimal? Upper) : IVote;

    [Fact]
    public void The_groups_are_those_of_gathering_every_remaining_mention_anew_each_round()
    {
        var votes = from count in Gen.Choose(1, 150)
                    from drawn in Gen.ListOf(VoteOf(), count)
                    select drawn.Select((vote, i) => vote with { MentionId = Guid.Parse($"00000000-0000-0000-0000-{i:D12}") }).ToList();
        var options = ConsensusOptions.Default with { Reliability = source => source switch { "s0" => 0.9, "s1" => 0.5, "s2" => 0.7, _ => 0.6 } };
        var property = Prop.ForAll(Arb.From(votes), drawn =>
        {
            var shuffled = drawn.OrderBy(v => v.ArticleId, StringComparer.Ordinal).ThenByDescending(v => v.MentionId).ToList();
            var decided = ConsensusRule.Decide(shuffled, options);
            var expected = PlainGroups(drawn, options);
            return JsonSerializer.Serialize(decided.Groups) == JsonSerializer.Serialize(expected)
                && decided.Consensus.Value == drawn.First(v => v.MentionId == expected[0].Mentions[0]).Value;
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(400), property);
    }

    [Fact]
    public void A_claim_stated_by_hundreds_of_articles_is_decided_with_every_mention_in_exactly_one_group()
    {
        // Values spread so that each agrees only with its neighbours: many rounds, each removing a few mentions.
        var votes = Enumerable.Range(0, 300).Select(i => new Vote(
            Guid.Parse($"00000000-0000-0000-0000-{i:D12}"), $"a{i}", 1, $"s{i % 7}", Day(i % 30), $"a{i % 120}",
            1_000_000m + (i % 90) * 10_000m, "USD", i % 3 == 0 ? Qualifiers.Approx : Qualifiers.Exact, null, null)).ToList<IVote>();

        var decided = ConsensusRule.Decide(votes, ConsensusOptions.Default);

        var grouped = decided.Groups.SelectMany(g => g.Mentions).ToList();
        Assert.Equal(300, grouped.Count);
        Assert.Equal(300, grouped.Distinct().Count());
        Assert.True(decided.Groups.Count > 10, $"{decided.Groups.Count} groups");
        Assert.Equal(JsonSerializer.Serialize(PlainGroups(votes, ConsensusOptions.Default)), JsonSerializer.Serialize(decided.Groups));
    }

    [Fact]
    public void Superseders_are_those_of_the_plain_definition()
    {
        var votes = from count in Gen.Choose(1, 120)
                    from drawn in Gen.ListOf(VoteOf(), count)
                    select drawn.Select((vote, i) => vote with { MentionId = Guid.Parse($"00000000-0000-0000-0000-{(i * 7919) % 1000:D12}") })
                        .DistinctBy(vote => vote.MentionId).ToList();
        var property = Prop.ForAll(Arb.From(votes), drawn =>
        {
            var superseders = Supersession.Superseders(drawn, ConsensusOptions.Default);
            var expected = PlainSuperseders(drawn, ConsensusOptions.Default);
            return superseders.Count == expected.Count
                && expected.All(pair => superseders.TryGetValue(pair.Key, out var newer) && newer.MentionId == pair.Value.MentionId);
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(400), property);
    }

    /// <summary>Supersession's definition, computed the plain way: each mention searches every other one.</summary>
    private static Dictionary<Guid, Vote> PlainSuperseders(IReadOnlyList<Vote> standing, ConsensusOptions options) => standing
        .Select(older => (Older: older, Newer: standing
            .Where(n => n.Source == older.Source && n.ArticleId != older.ArticleId && n.PublishedAt > older.PublishedAt && !ConsensusRule.Agree(n, older, options))
            .OrderByDescending(n => n.PublishedAt).ThenBy(n => n.MentionId)
            .FirstOrDefault()))
        .Where(pair => pair.Newer is not null)
        .ToDictionary(pair => pair.Older.MentionId, pair => pair.Newer!);

    private static Gen<Vote> VoteOf() =>
        from article in Gen.Choose(0, 14)
        from source in Gen.Choose(0, 3)
        from day in Gen.Choose(0, 5)
        from origin in Gen.Frequency((3, Gen.Constant(-1)), (1, Gen.Choose(0, 4)))
        from value in Gen.Elements(100m, 101m, 104m, 110m, 120m, 200m, 210m)
        from qualifier in Gen.Elements(Qualifiers.Exact, Qualifiers.Approx, Qualifiers.Over, Qualifiers.Under, Qualifiers.Range)
        select new Vote(Guid.Empty, $"a{article}", 1, $"s{source}", Day(day), origin < 0 ? $"a{article}" : $"o{origin}", value, "USD", qualifier,
            qualifier switch { Qualifiers.Range => value - 5m, Qualifiers.Exact => value - 0.5m, _ => null },
            qualifier switch { Qualifiers.Range => value + 5m, Qualifiers.Exact => value + 0.5m, _ => null });

    private static DateTimeOffset Day(int day) => new DateTimeOffset(2025, 10, 1, 0, 0, 0, TimeSpan.Zero).AddDays(day);

    /// <summary>The rule's definition, computed the plain way: the reference the fast gathering must equal.</summary>
    private static List<ValueGroup> PlainGroups(IEnumerable<IVote> mentions, ConsensusOptions options)
    {
        var remaining = mentions.OrderBy(m => m.MentionId).ToList();
        var groups = new List<ValueGroup>();
        while (remaining.Count > 0)
        {
            var best = remaining
                .Select(candidate =>
                {
                    var members = remaining.Where(v => ConsensusRule.Agree(candidate, v, options)).ToList();
                    var weight = members.GroupBy(m => m.Origin).Sum(origin => origin.Max(m => options.Reliability(m.Source) * ConsensusRule.Precision(m, options)));
                    var top = members.OrderBy(m => ConsensusRule.Width(m, options)).ThenByDescending(m => m.PublishedAt).ThenBy(m => m.MentionId).First();
                    return (Members: members, Weight: weight, Latest: members.Max(m => m.PublishedAt), Best: top);
                })
                .OrderByDescending(g => g.Weight).ThenByDescending(g => g.Latest).ThenBy(g => ConsensusRule.Width(g.Best, options)).ThenBy(g => g.Best.MentionId)
                .First();
            groups.Add(new ValueGroup
            {
                Value = best.Best.Value,
                Lower = best.Best.Lower,
                Upper = best.Best.Upper,
                Origins = [.. best.Members.Select(m => m.Origin).Distinct().Order(StringComparer.Ordinal)],
                Mentions = [best.Best.MentionId, .. best.Members.Where(m => m != best.Best).Select(m => m.MentionId).Order()],
                Weight = Math.Round(best.Weight, 6),
            });
            remaining = [.. remaining.Where(m => !best.Members.Contains(m))];
        }
        return groups;
    }
}
