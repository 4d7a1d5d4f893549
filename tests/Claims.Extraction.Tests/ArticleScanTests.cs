using System.Text;
using Claims.Extraction.Tests.Corpus;
using Claims.Extraction.Text;

namespace Claims.Extraction.Tests;

/// <summary>
/// The article scan finds words by bit arithmetic over vector-classified characters and walks only
/// the words a prefix filter lets through, or finds names on the tokens of sentences with a number.
/// Each shortcut is held to the plain way of doing the same: the character table, a walk over every
/// character, and a scan that walks every word of every sentence.
/// </summary>
public sealed class ArticleScanTests
{
    private static readonly Vocabulary _vocabulary = new(MetricCatalog.Default, Gazetteer.Default);

    /// <summary>Characters a news article is made of, and the awkward ones: marks, superscripts, other scripts, signs near Cyrillic.</summary>
    private const string Alphabet = "аКәҚёЁzZ059 \u00A0-–«»\u00AD\u0301²³.,%$€\u0482\u0483\u0489\u04FF\u0500\u4E00\uD83D\uDE00\t\n!?\r…\u2028\u2029";

    /// <summary>Every width the processor may run, whichever this one runs natively (the others run in software here).</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(256)]
    [InlineData(512)]
    public void Vector_marks_agree_with_the_character_table_on_every_code_unit(int vectorWidth)
    {
        // Every code unit once, then a shifted copy, so that each also lands in a different lane.
        var text = new string([.. Enumerable.Range(0, char.MaxValue + 1).Select(code => (char)code)]);
        foreach (var shifted in new[] { text, text[13..] + text[..13] })
        {
            for (var from = 0; from + 64 <= shifted.Length; from += 64)
            {
                var block = shifted.AsSpan(from, 64);
                var (letters, continues, digits, stops) = CharClass.MarkBlock(block, vectorWidth);
                for (var i = 0; i < 64; i++)
                {
                    var c = block[i];
                    var marked = ((letters >> i & 1) == 1, (continues >> i & 1) == 1, (digits >> i & 1) == 1, (stops >> i & 1) == 1);
                    if (marked != (CharClass.IsLetter(c), CharClass.ContinuesWord(c), CharClass.IsAsciiDigit(c), CharClass.IsStop(c)))
                    {
                        Assert.Fail($"U+{(int)c:X4} marked (letter, continues a word, digit, stop) = {marked}");
                    }
                }
            }
        }
    }

    [Fact]
    public void Word_marks_find_the_words_numbers_and_stops_a_walk_over_every_character_finds()
    {
        var random = new Random(20261123);
        for (var round = 0; round < 3_000; round++)
        {
            var text = new string([.. Enumerable.Range(0, random.Next(1, 300)).Select(_ => Alphabet[random.Next(Alphabet.Length)])]);
            var (starts, inWord, numbers) = ByCharacter(text);
            using var marks = WordMarks.Of(text);
            for (var i = 0; i < text.Length; i++)
            {
                var marked = (WordMarks.IsSet(marks.Starts, i), WordMarks.IsSet(marks.InWord, i), WordMarks.IsSet(marks.Numbers, i), WordMarks.IsSet(marks.Stops, i));
                if (marked != (starts[i], inWord[i], numbers[i], CharClass.IsStop(text[i])))
                {
                    Assert.Fail($"At {i} of \"{Escape(text)}\": marked (start, in a word, number, stop) = {marked}");
                }
            }
        }
    }

    [Fact]
    public void The_word_filter_changes_nothing_the_scan_finds()
    {
        var filtered = new ArticleScanner(_vocabulary);
        var everyWord = new ArticleScanner(_vocabulary, walkEveryWord: true);
        var random = new Random(7);
        var texts = AnnotatedCorpus.Documents
            .Select(document => (Text: document.Text, Language: document.Language))
            .Concat(SeedArticles.Files.Select(file => SeedArticles.Load(file[..3])).Select(article => (Text: article.Text, Language: article.Language!)))
            .ToList();

        // Case changes, soft hyphens and dropped characters inside names and numbers; words the filter drops inside names.
        texts.AddRange([.. texts.Take(200).Select(text => (Mutate(text.Text, random), text.Language))]);
        texts.AddRange([
            ("Развитие Среднего нового коридора и Соединенные, Штаты.", "ru"),
            ("Орта жаңа дәліз бойынша жүк 5 млн тоннаға жетті.", "kk"),
            ("The Middle green Corridor carried 4.5 million tonnes; United - States.", "en"),

            // Sentences with a number have their names found on their tokens: punctuation still breaks a name there.
            ("В 2024 году Средний, коридор перевез 5 млн тонн, а Соединенные; Штаты – 3 млн.", "ru"),
            ("In 2024 the Middle (Corridor) carried 4.5 million tonnes and the United «States» 3 million.", "en"),

            // A number word is read when a unit follows within three words, dropped words counted.
            ("Стороны обсудили три самых новых южных документа.", "ru"),
            ("Стороны обсудили три новых документа.", "ru"),
            ("They discussed three very new green documents.", "en"),
        ]);
        var scanned = 0;
        foreach (var (text, language) in texts)
        {
            var sentences = SentenceSplitter.Split(text, 0);
            var expected = everyWord.Scan(text, sentences, language);
            var actual = filtered.Scan(text, sentences, language);
            Assert.Equal(expected.Length, actual.Length);
            for (var s = 0; s < expected.Length; s++)
            {
                var sentence = text[expected[s].Span.Start..expected[s].Span.End];
                Assert.True(expected[s].Entities.SequenceEqual(actual[s].Entities), $"entities of \"{sentence}\"");
                Assert.True(expected[s].MayHoldFigure == actual[s].MayHoldFigure, $"figure in \"{sentence}\"");
                scanned += expected[s].Entities.Length;
            }
        }

        // The comparison means something only if names were found.
        Assert.True(scanned > 500, $"{scanned} names");
    }

    [Theory]
    [InlineData("Товарооборот между странами достиг 5 млн долларов.", "между")]
    [InlineData("Товарооборот между «нашими» странами достиг 5 млн долларов.", "между")]
    [InlineData("Товарооборот между нашими, странами достиг 5 млн долларов.", null)]
    [InlineData("Товарооборот между 2 странами достиг 5 млн долларов.", null)]
    [InlineData("Екі ел арасындағы тауар айналымы 5 млн долларға жетті.", "Екі")]
    [InlineData("Trade between the two countries reached $5 million.", "between")]
    [InlineData("Bilateral trade reached $5 million.", "Bilateral")]
    public void Pair_cues_are_found_on_the_tokens_of_a_sentence_read_in_full(string text, string? cue)
    {
        var scanner = new ArticleScanner(_vocabulary);
        var tokens = new Tokenizer(_vocabulary.Index).Tokenize(text, 0, text.Length);

        var starts = scanner.PairCueStarts(tokens);

        Assert.Equal(cue is null ? [] : [text.IndexOf(cue, StringComparison.Ordinal)], starts);
    }

    [Theory]
    [InlineData("Азербайджаном", true)]
    [InlineData("АЗЕРБАЙДЖАН", true)]
    [InlineData("Азербайджанский", true)]
    [InlineData("Аз\u00ADербайджан", true)]
    [InlineData("два", true)]
    [InlineData("т", true)]
    [InlineData("тонн", true)]
    [InlineData("ёлка", true)]
    [InlineData("млн", true)]
    [InlineData("млнлар", true)]
    [InlineData("двадцать", false)]
    [InlineData("млрд", false)]
    [InlineData("дверь", false)]
    [InlineData("развитие", false)]
    [InlineData("Азия", false)]
    [InlineData("во", false)]

    // The filter knows a stem's first four characters only: a longer exact stem lets through words that start like it.
    [InlineData("детина", true)]
    public void The_prefix_filter_passes_every_word_that_may_match_a_stem(string word, bool passes)
    {
        var builder = new WordIndexBuilder();
        var stems = new[] { "азербайджан", "=два", "т", "=тонн", "ел", "млн", "=дети" }.Select(stem => builder.Add(stem, WordClass.EntityStart)).ToArray();

        // Stems outside the filter's set are in the index but let nothing through.
        builder.Add("развит", WordClass.MetricStem);
        var filter = builder.Build().PrefixFilter(stems);

        Assert.Equal(passes, filter.MayMatch(" " + word + " ", 1, word.Length + 1));
    }

    /// <summary>The plain reading of word and number boundaries, one character at a time, as the scan used to.</summary>
    private static (bool[] Starts, bool[] InWord, bool[] Numbers) ByCharacter(string text)
    {
        var starts = new bool[text.Length];
        var inWord = new bool[text.Length];
        var numbers = new bool[text.Length];
        var i = 0;
        while (i < text.Length)
        {
            if (CharClass.IsLetter(text[i]))
            {
                starts[i] = true;
                do
                {
                    inWord[i++] = true;
                }
                while (i < text.Length && CharClass.ContinuesWord(text[i]));
            }
            else if (CharClass.IsAsciiDigit(text[i]))
            {
                numbers[i++] = true;
            }
            else
            {
                i++;
            }
        }

        return (starts, inWord, numbers);
    }

    private static string Mutate(string text, Random random)
    {
        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            var roll = random.Next(100);
            if (roll < 3)
            {
                builder.Append(char.ToUpperInvariant(c));
            }
            else if (roll < 4)
            {
                builder.Append(c).Append('\u00AD');
            }
            else if (roll != 4)
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static string Escape(string text) =>
        string.Concat(text.Select(c => c is >= ' ' and < '\u007F' ? c.ToString() : $"\\u{(int)c:X4}"));
}
