using Claims.Extraction.Text;

namespace Claims.Extraction.Tests;

/// <summary>
/// The word index gives codes of its own to the most common stem characters only; the
/// rest (a gazetteer a user extends with another script, for one) go through a dictionary. Both
/// paths, and the whole-word walk the article scan uses, must find the same stems.
/// </summary>
public sealed class WordIndexTests
{
    [Fact]
    public void Stems_in_characters_without_a_code_of_their_own_are_still_found()
    {
        var builder = new WordIndexBuilder();

        // More distinct characters than the index has codes: 200 CJK stems of two characters each.
        var stems = Enumerable.Range(0, 200).Select(k => new string([(char)(0x4E00 + (2 * k)), (char)(0x4E01 + (2 * k))])).ToArray();
        foreach (var stem in stems)
        {
            builder.Add(stem, WordClass.EntityStart);
        }

        builder.Add("казахстан", WordClass.EntityStart);
        var index = builder.Build();

        Assert.True(stems.Length * 2 > WordIndex.MaxCodes);
        foreach (var stem in stems)
        {
            var (node, whole) = index.Walk(stem);
            Assert.True(whole, stem);
            Assert.True(index.Classes(node, whole).HasFlag(WordClass.EntityStart), stem);

            var walked = index.WalkWord(stem + " ", 0, stem.Length + 1, out var wordEnd, out var wholeWord);
            Assert.Equal((node, stem.Length, true), (walked, wordEnd, wholeWord));
        }
    }

    [Theory]
    [InlineData("Казахстана", 10, false)]
    [InlineData("КАЗАХСТАН", 9, true)]
    [InlineData("Казах\u00ADстан", 10, true)]
    [InlineData("Казах", 5, true)]
    public void A_word_is_walked_in_its_normal_form_to_its_end(string word, int expectedEnd, bool expectedWhole)
    {
        var builder = new WordIndexBuilder();
        var stem = builder.Add("казахстан", WordClass.EntityStart);
        var index = builder.Build();

        var node = index.WalkWord(word + ", и", 0, word.Length + 3, out var wordEnd, out var whole);

        Assert.Equal(expectedEnd, wordEnd);
        Assert.Equal(expectedWhole, whole);
        Assert.Equal(word.Length >= 9, index.Matches(node, whole, stem));
    }

    [Fact]
    public void A_word_that_leaves_the_stems_keeps_the_deepest_node_it_reached()
    {
        var builder = new WordIndexBuilder();
        var stem = builder.Add("год", WordClass.YearWord);
        var index = builder.Build();

        var node = index.WalkWord("годовой", 0, 7, out var wordEnd, out var whole);

        Assert.Equal(7, wordEnd);
        Assert.False(whole);
        Assert.True(index.Matches(node, whole, stem));
        Assert.Equal(-1, index.Step(node, 'о'));
        Assert.Equal(index.Dead, index.Advance(node, 'о'));
        Assert.Equal(index.Dead, index.Advance(index.Dead, 'г'));
    }

    [Fact]
    public void Every_word_walks_to_its_longest_prefix_among_the_stems()
    {
        // Many stems over a small alphabet share prefixes and crowd the double array's cells; a
        // child found through another node's cell would show as a path the stems do not have.
        var random = new Random(20261122);
        const string alphabet = "абвгдежзий";
        string RandomWord(int maxLength) => new([.. Enumerable.Range(0, random.Next(1, maxLength + 1)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
        var stems = Enumerable.Range(0, 3000).Select(_ => RandomWord(7)).Distinct().ToArray();
        var builder = new WordIndexBuilder();
        foreach (var stem in stems)
        {
            builder.Add(stem, WordClass.MetricStem);
        }

        var index = builder.Build();
        var prefixes = stems.SelectMany(stem => Enumerable.Range(1, stem.Length).Select(length => stem[..length])).ToHashSet(StringComparer.Ordinal);
        for (var trial = 0; trial < 5000; trial++)
        {
            var word = RandomWord(9);
            var longest = Enumerable.Range(0, word.Length + 1).Last(length => length == 0 || prefixes.Contains(word[..length]));

            var node = index.WalkWord(word + " ", 0, word.Length + 1, out var wordEnd, out var whole);

            Assert.Equal(word[..longest], index.PathText(node));
            Assert.Equal(word.Length, wordEnd);
            Assert.Equal(longest == word.Length, whole);
            Assert.Equal((node, whole), index.Walk(word));
        }
    }
}
