namespace Claims.Extraction.Text;

/// <summary>A gazetteer name found in a sentence: character offsets into the article, and the length of its last stem.</summary>
internal readonly record struct EntityHit(int Start, int End, EntityRef Entity, int LastStemLength)
{
    public string? Country => Entity.Entry.CountryCode;

    /// <summary>A place, a body or a company: what a paragraph is about. People speak and act ("президенты Токаев и Алиев ознакомились").</summary>
    public bool IsSubject => Entity.Entry.Kind != EntityKind.Person;
}

/// <summary>
/// What the cheap pass over every sentence learns: the entities it names, and whether it may
/// state a figure at all (a digit, or a number written in words). Only sentences that may are
/// tokenized and read in full.
/// </summary>
internal sealed record SentenceScan(SentenceSpan Span, EntityHit[] Entities, bool MayHoldFigure)
{
    /// <summary>The sentence's tokens, when the scan made them (<see cref="ArticleScanner"/>); the reading uses them rather than tokenizing again.</summary>
    public Token[]? Tokens { get; init; }

    /// <summary>Whether the sentence names a place, a body or a company (<see cref="EntityHit.IsSubject"/>).</summary>
    public bool NamesSubject { get; } = Array.Exists(Entities, entity => entity.IsSubject);
}

/// <summary>
/// The first pass over an article. It finds words by the bit marks of <see cref="WordMarks"/>
/// without allocating them, walks through the <see cref="WordIndex"/> only those a
/// <see cref="StemPrefixFilter"/> lets through (the words that may be a name, a number word or a
/// unit; about a sixth of a news article's words), and matches
/// the gazetteer's multi-word names on the words walked. Most sentences of a news article state no
/// figure; this pass is all they cost, and it is what the article's main countries and each
/// paragraph's context are drawn from. A sentence with a number other than a year is read in full
/// anyway: it is tokenized here instead, its names found on the tokens, and the tokens kept.
/// </summary>
internal sealed class ArticleScanner
{
    private const WordClass FigureWords = WordClass.MultiplierWord | WordClass.TimesWord | WordClass.FractionWord;

    /// <summary>What may follow a number word for it to state a figure (<see cref="UnitFollows"/>).</summary>
    private const WordClass Units = WordClass.Scale | WordClass.CurrencyWord | WordClass.Tonne | WordClass.PercentWord | WordClass.Multiplier
        | WordClass.ContainerUnit | WordClass.CubicMetre | WordClass.CountNoun | WordClass.HedgeWord | WordClass.HalfWord | WordClass.NumberWord;

    /// <summary>Every class this pass asks of a word.</summary>
    private const WordClass ScannedClasses = FigureWords | Units | WordClass.EntityStart | WordClass.CurrencyCountry;

    private readonly WordIndex _index;
    private readonly Tokenizer _tokenizer;

    /// <summary>The words worth a walk: those that may be of a scanned class or a later word of a name or a cue; null walks every word.</summary>
    private readonly StemPrefixFilter? _worthWalking;

    /// <param name="vocabulary">What words are matched against.</param>
    /// <param name="walkEveryWord">Walks every word instead of the words the filter lets through: slower, and what tests hold the filter to.</param>
    public ArticleScanner(Vocabulary vocabulary, bool walkEveryWord = false)
    {
        _index = vocabulary.Index;
        _tokenizer = new Tokenizer(_index);
        if (walkEveryWord)
        {
            return;
        }

        var stems = _index.StemsOf(ScannedClasses).ToArray();
        var phraseStems = stems.SelectMany(stem => stem.Entry.Payload switch
        {
            Phrase<EntityRef> name => name.Stems,
            _ => [],
        });
        _worthWalking = _index.PrefixFilter(stems.Select(stem => stem.Stem).Concat(phraseStems));
    }

    /// <summary>
    /// A word of the sentence being scanned. <see cref="Ordinal"/> counts every word of the sentence,
    /// including those the filter ruled out (and left out of the list); <see cref="JoinsPrevious"/>
    /// when only spaces, hyphens or quotes separate it from the word before it in the list.
    /// </summary>
    private readonly record struct Word(int Start, int End, int Node, bool Whole, WordClass Classes, bool JoinsPrevious, int Ordinal);

    /// <summary>Scans the sentences of <paramref name="text"/>, marking it first (<see cref="WordMarks"/>).</summary>
    public SentenceScan[] Scan(string text, List<SentenceSpan> sentences, string language)
    {
        using var marks = WordMarks.Of(text);
        return Scan(text, sentences, language, marks);
    }

    /// <summary>Scans the sentences of <paramref name="text"/> with the marks the sentence split used.</summary>
    public SentenceScan[] Scan(string text, List<SentenceSpan> sentences, string language, WordMarks marks)
    {
        var scans = new SentenceScan[sentences.Count];
        var words = new List<Word>(32);
        var hits = new List<EntityHit>();
        var tokenBuffer = new List<Token>(64);
        for (var s = 0; s < sentences.Count; s++)
        {
            var span = sentences[s];
            var hasNumber = HasNumberOtherThanYear(text, span, marks);
            if (hasNumber && _worthWalking is not null)
            {
                // A sentence with a number is read in full anyway, and every one of its words walked:
                // its names are found on the tokens made now and kept for that reading, instead of
                // scanning its words as well.
                var tokens = _tokenizer.Tokenize(text, span.Start, span.End, tokenBuffer);
                scans[s] = new SentenceScan(span, FindEntities(text, WordsOf(tokens, words), hits), MayHoldFigure: true) { Tokens = tokens };
                continue;
            }

            var mayHoldFigure = ScanWords(text, span, marks, language, words) || hasNumber;
            scans[s] = new SentenceScan(span, FindEntities(text, words, hits), mayHoldFigure);
        }

        return scans;
    }

    /// <summary>
    /// Collects the sentence's words worth a walk, walked, and tells whether a word in it may state a
    /// figure. Only the words the filter lets through are looked at beyond their first characters.
    /// </summary>
    private bool ScanWords(string text, SentenceSpan span, WordMarks marks, string language, List<Word> words)
    {
        words.Clear();
        var mayHoldFigure = false;
        var numberWordAt = -1;
        var ordinal = 0;

        // The splitter never cuts a word, but a sentence's span is what the later reading tokenizes.
        var wordStart = WordMarks.IsSet(marks.InWord, span.Start) && CharClass.IsLetter(text[span.Start])
            ? span.Start
            : WordMarks.NextSet(marks.Starts, span.Start, span.End);
        while (wordStart < span.End)
        {
            var wordEnd = WordMarks.NextClear(marks.InWord, wordStart + 1, span.End);
            ordinal++;
            if (_worthWalking is null || _worthWalking.MayMatch(text, wordStart, wordEnd))
            {
                // Between it and the last word walked lie the letters of any word the filter dropped,
                // which break a name as punctuation does: no name has a word the filter drops.
                var joinsPrevious = words.Count > 0 && KeepsNameTogether(text, words[^1].End, wordStart);
                var node = _index.WalkWord(text, wordStart, wordEnd, out _, out var whole);
                var word = new Word(wordStart, wordEnd, node, whole, _index.Classes(node, whole), joinsPrevious, ordinal);
                words.Add(word);
                if ((word.Classes & FigureWords) != 0)
                {
                    mayHoldFigure = true;
                }
                else if (numberWordAt < 0 && (((word.Classes & WordClass.NumberWord) != 0 && IsNumberIn(word, language)) || (word.Classes & WordClass.HalfWord) != 0))
                {
                    numberWordAt = words.Count - 1;
                }
            }

            wordStart = WordMarks.NextSet(marks.Starts, wordEnd, span.End);
        }

        return mayHoldFigure || (numberWordAt >= 0 && UnitFollows(words, numberWordAt));
    }

    /// <summary>Spaces, soft hyphens, hyphens and quotes keep a name together; anything else between two words breaks it.</summary>
    private static bool KeepsNameTogether(string text, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            if (!CharClass.KeepsNameTogether(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether a number in the sentence may state a figure: a year alone ("в 2024 году") does not.</summary>
    private static bool HasNumberOtherThanYear(string text, SentenceSpan span, WordMarks marks)
    {
        for (var start = WordMarks.NextSet(marks.Numbers, span.Start, span.End); start < span.End;)
        {
            var end = WordMarks.NextClear(marks.Numbers, start + 1, span.End);
            if (!IsYear(text, start, end))
            {
                return true;
            }

            start = WordMarks.NextSet(marks.Numbers, end, span.End);
        }

        return false;
    }

    /// <summary>A four-digit year 1900–2100 not written with decimals or thousands ("1926", "2024", but not "2024,5").</summary>
    private static bool IsYear(string text, int start, int end)
    {
        if (end - start != 4 || (end + 1 < text.Length && text[end] is '.' or ',' && CharClass.IsAsciiDigit(text[end + 1])))
        {
            return false;
        }

        var year = ((text[start] - '0') * 1000) + ((text[start + 1] - '0') * 100) + ((text[start + 2] - '0') * 10) + (text[end - 1] - '0');
        return year is >= 1900 and <= 2100;
    }

    /// <summary>
    /// Number words are common outside figures ("двух стран", "one of"): one is worth reading only
    /// when a unit, a scale, a count noun or a hedge follows within two words ("трех миллиардов",
    /// "шесть раз", "three visits", "жиырма бес мың", "one and a half times").
    /// </summary>
    private static bool UnitFollows(List<Word> words, int numberWordAt)
    {
        for (var k = numberWordAt; k < words.Count; k++)
        {
            if ((words[k].Classes & (WordClass.NumberWord | WordClass.HalfWord)) == 0)
            {
                continue;
            }

            for (var next = k + 1; next < words.Count && words[next].Ordinal <= words[k].Ordinal + 3; next++)
            {
                if ((words[next].Classes & Units & ~WordClass.NumberWord) != 0)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private bool IsNumberIn(Word word, string language) =>
        _index.Payload<Quantities.NumberWordInfo>(word.Node, word.Whole, WordClass.NumberWord) is { } info && (info.Language is null || info.Language == language);

    private EntityHit[] FindEntities(string text, List<Word> words, List<EntityHit> hits)
    {
        hits.Clear();
        for (var i = 0; i < words.Count; i++)
        {
            if ((words[i].Classes & WordClass.EntityStart) == 0 || Longest<EntityRef>(words, i, WordClass.EntityStart) is not { } match)
            {
                continue;
            }

            if (match.End == i && NamesCurrency(text, words, i))
            {
                continue;
            }

            hits.Add(new EntityHit(words[i].Start, words[match.End].End, match.Phrase.Payload, match.Phrase.Stems[^1].Length));
            i = match.End;
        }

        return [.. hits];
    }

    /// <summary>"долларов США", "АҚШ долларын", "US$": the country names the currency and is not counted as named.</summary>
    private static bool NamesCurrency(string text, List<Word> words, int i)
    {
        if ((words[i].Classes & WordClass.CurrencyCountry) == 0)
        {
            return false;
        }

        var previous = i > 0 && words[i].JoinsPrevious && (words[i - 1].Classes & WordClass.CurrencyWord) != 0;
        var next = i + 1 < words.Count && words[i + 1].JoinsPrevious && (words[i + 1].Classes & WordClass.CurrencyWord) != 0;
        var sign = words[i].End < text.Length && Quantities.QuantityReader.IsCurrencySign(text[words[i].End]);
        return previous || next || sign;
    }

    /// <summary>
    /// Where a sentence read in full says "between the two countries" ("между странами", "екі ел
    /// арасындағы"): the offsets of the cues' first words. Only the figures of such sentences use
    /// cues, and their words are all walked by the tokenizer, so cues are found on the tokens: in the
    /// scan of every sentence, cue words as common as "the", "ел" and "стран" passed the filter.
    /// Between two words of a cue only connectors ("-", "«") may stand, as in a name.
    /// </summary>
    public int[] PairCueStarts(Token[] tokens)
    {
        if (!Array.Exists(tokens, token => token.Is(WordClass.PairCueStart)))
        {
            return [];
        }

        return FindPairCues(WordsOf(tokens, new List<Word>(tokens.Length)));
    }

    /// <summary>The words among <paramref name="tokens"/>, in <paramref name="words"/>: between two words of a name or a cue only connectors ("-", "«") may stand.</summary>
    private static List<Word> WordsOf(Token[] tokens, List<Word> words)
    {
        words.Clear();
        var joins = false;
        foreach (var token in tokens)
        {
            if (token.IsWord)
            {
                words.Add(new Word(token.Start, token.End, token.Node, token.Whole, token.Classes, joins, words.Count + 1));
                joins = true;
            }
            else
            {
                joins = joins && token.Kind == TokenKind.Symbol && CharClass.IsConnector(token.Text[0]);
            }
        }

        return words;
    }

    private int[] FindPairCues(List<Word> words)
    {
        var starts = new List<int>();
        for (var i = 0; i < words.Count; i++)
        {
            if ((words[i].Classes & WordClass.PairCueStart) == 0 || Longest<bool>(words, i, WordClass.PairCueStart) is not { } match)
            {
                continue;
            }

            starts.Add(words[i].Start);
            i = match.End;
        }

        return [.. starts];
    }

    /// <summary>The phrase starting at word <paramref name="i"/> with the most stems (then the most covered characters).</summary>
    private (Phrase<T> Phrase, int End)? Longest<T>(List<Word> words, int i, WordClass startClass)
    {
        (Phrase<T> Phrase, int End)? best = null;
        var word = words[i];

        // Walks the word's stem path by hand: this runs for every name in the article and must not allocate.
        for (var n = _index.StemAtOrAbove(word.Node); n != WordIndex.Root; n = _index.StemAbove(n))
        {
            foreach (var entry in _index.EntriesAt(n))
            {
                if ((entry.Class & startClass) == 0 || (entry.Exact && (!word.Whole || n != word.Node))
                    || entry.Payload is not Phrase<T> phrase || MatchEnd(words, i, phrase.Stems) is not { } end)
                {
                    continue;
                }

                if (best is not { } incumbent
                    || phrase.Stems.Count > incumbent.Phrase.Stems.Count
                    || (phrase.Stems.Count == incumbent.Phrase.Stems.Count && phrase.CoveredLength > incumbent.Phrase.CoveredLength))
                {
                    best = (phrase, end);
                }
            }
        }

        return best;
    }

    private int? MatchEnd(List<Word> words, int i, IReadOnlyList<StemRef> stems)
    {
        for (var k = 1; k < stems.Count; k++)
        {
            var next = i + k;
            if (next >= words.Count || !words[next].JoinsPrevious || !_index.Matches(words[next].Node, words[next].Whole, stems[k]))
            {
                return null;
            }
        }

        return i + stems.Count - 1;
    }
}
