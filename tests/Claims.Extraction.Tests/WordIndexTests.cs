using Claims.Extraction.Text;

namespace Claims.Extraction.Tests;

/// <summary>
/// The word index's transition table gives columns to the most common stem characters only; the
/// rest (a gazetteer a user extends with another script, for one) go through a dictionary. Both
/// paths, and the whole-word walk the article scan uses, must find the same stems.
/// </summary>
public sealed class WordIndexTests
{
    [Fact]
    public void Stems_in_characters_without_a_column_of_their_own_are_still_found()
    {
        var builder = new WordIndexBuilder();

        // More distinct characters than the table has columns: 200 CJK stems of two characters each.
        var stems = Enumerable.Range(0, 200).Select(k => new string([(char)(0x4E00 + (2 * k)), (char)(0x4E01 + (2 * k))])).ToArray();
        foreach (var stem in stems)
        {
            builder.Add(stem, WordClass.EntityStart);
        }

        builder.Add("казахстан", WordClass.EntityStart);
        var index = builder.Build();

        Assert.True(stems.Length * 2 > WordIndex.MaxColumns);
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
}
