using Claims.Reconciliation.Origins;
using Xunit;

namespace Claims.Reconciliation.Tests;

/// <summary>The in-memory count of shared figures, held to the plain multiset count of every pair.</summary>
public sealed class LiveFigureIndexTests
{
    [Fact]
    public void The_pairs_sharing_enough_figures_are_those_of_counting_every_pair_in_full()
    {
        // Figures drawn from few values, a few of them very common (as round percentages are), stated up to twice.
        var random = new Random(20261123);
        for (var round = 0; round < 200; round++)
        {
            var articles = Enumerable.Range(0, random.Next(2, 40)).ToDictionary(
                i => $"a{i}",
                _ => (IReadOnlyDictionary<(decimal Value, string Unit), int>)Enumerable.Range(0, random.Next(1, 9))
                    .Select(_ => (Value: random.Next(4) == 0 ? random.Next(3) : (decimal)random.Next(3, 14), Unit: random.Next(5) == 0 ? "t" : "USD"))
                    .GroupBy(figure => figure)
                    .ToDictionary(group => group.Key, group => Math.Min(group.Count(), random.Next(1, 3))));
            // Some articles are this unit of work's (not in the index yet), the rest committed earlier. Some declare
            // more figures than seen so far (their other mentions are still to come), some declare none.
            var recordedNow = articles.Keys.Where(_ => random.Next(3) == 0).ToHashSet();
            var declared = articles.Where(_ => random.Next(3) == 0).ToDictionary(a => a.Key, a => a.Value.Values.Sum() + random.Next(0, 6));
            int Size(string article) => Math.Max(articles[article].Values.Sum(), declared.GetValueOrDefault(article));
            var index = new LiveFigureIndex();
            var change = 0L;
            index.Apply(articles.Where(a => !recordedNow.Contains(a.Key)).SelectMany(a => a.Value.SelectMany(figure =>
                Enumerable.Range(0, figure.Value).Select(_ => new FigureChange(
                    ++change, Guid.NewGuid(), a.Key, figure.Key.Value, figure.Key.Unit, Retracted: false, declared.TryGetValue(a.Key, out var size) ? size : null)))));
            var options = new OriginOptions { MinSharedFigures = random.Next(1, 5) };
            var current = articles.Where(a => recordedNow.Contains(a.Key)).ToDictionary(a => a.Key, a => a.Value);

            var pairs = index.SharingPairs(recordedNow, current, declared.Where(d => recordedNow.Contains(d.Key)).ToDictionary(), options);

            var expected = recordedNow.SelectMany(refreshed => articles.Keys
                    .Where(other => other != refreshed)
                    .Where(other => Shared(articles[refreshed], articles[other]) is > 0 and var shared
                        && options.SharesEnough(shared, Size(refreshed), Size(other)))
                    .Select(other => (refreshed, other)))
                .Order().ToList();
            Assert.Equal(expected, pairs.Order().ToList());
        }
    }

    /// <summary>The size of the multiset intersection of two articles' figures.</summary>
    private static int Shared(IReadOnlyDictionary<(decimal, string), int> a, IReadOnlyDictionary<(decimal, string), int> b) =>
        a.Sum(figure => Math.Min(figure.Value, b.GetValueOrDefault(figure.Key)));
}
