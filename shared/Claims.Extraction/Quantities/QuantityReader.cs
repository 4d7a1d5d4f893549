using Claims.Extraction.Text;

namespace Claims.Extraction.Quantities;

/// <summary>
/// Reads the figures of a sentence: a number in digits or words, a range, a scale word, a unit
/// (currency before or after, tonnes, percent, multiplier, TEU, or a count noun of a catalog metric)
/// and hedges before or after; also factors and fractions stated in one word ("втрое", "doubled",
/// "на треть") and counts of occasions ("трижды", "шесть раз посетил"). Numbers with none of these
/// (years, dates, ordinals, phone numbers, "100 лет") are not quantities and are skipped. One pass over
/// the tokens with bounded look-around.
/// </summary>
internal sealed class QuantityReader
{
    private const int CountNounLookahead = 3;

    /// <summary>The largest value, in base units, read as a figure.</summary>
    public const decimal MaxPlausibleValue = 1e18m;
    private const WordClass QuantityStarts = WordClass.NumberWord | WordClass.MultiplierWord | WordClass.TimesWord | WordClass.FractionWord | WordClass.HalfWord;
    private const WordClass ChangeWords = WordClass.Increase | WordClass.Decrease;

    private static readonly string[] _kazakhAdjectiveEndings = ["лық", "лік", "дық", "дік", "тық", "тік", "ғы", "гі", "қы", "кі", "дағы", "дегі", "тағы", "тегі"];

    private static readonly string[] _russianAdjectiveEndings =
        ["ый", "ий", "ой", "ая", "яя", "ое", "ее", "ые", "ие", "ого", "его", "ому", "ему", "ым", "им", "ых", "их", "ую", "юю", "ыми", "ими"];

    private static readonly IReadOnlyDictionary<char, string> _currencySigns = new Dictionary<char, string>
    {
        ['$'] = "USD", ['€'] = "EUR", ['₸'] = "KZT", ['₽'] = "RUB", ['₼'] = "AZN",
    };

    private readonly WordIndex _index;

    /// <summary>The metrics that count occasions ("шесть раз", "алты рет", "four times"): those listing "раз", "рет" or "times" as count nouns.</summary>
    private readonly IReadOnlyList<MetricDefinition> _occasionMetrics;

    public QuantityReader(WordIndex index)
    {
        _index = index;
        _occasionMetrics = [.. new[] { "раз", "рет", "times" }.SelectMany(word =>
        {
            var (node, whole) = index.Walk(word);
            return index.Entries(node, whole, WordClass.CountNoun).Select(entry => entry.Payload).OfType<MetricDefinition>();
        }).Distinct()];
    }

    public static bool IsCurrencySign(char c) => _currencySigns.ContainsKey(c);

    /// <summary>
    /// Where the sentence's first change word and first change-or-"bring to" word stand, found once so
    /// that asking "is there one before this figure?" costs nothing however many figures a sentence has.
    /// </summary>
    private readonly record struct SentenceFacts(int FirstChange, int FirstChangeOrBring);

    public IReadOnlyList<Quantity> ReadAll(Token[] tokens, string language)
    {
        var quantities = new List<Quantity>();
        var firstChange = tokens.Length;
        var firstChangeOrBring = tokens.Length;
        for (var k = tokens.Length - 1; k >= 0; k--)
        {
            firstChange = tokens[k].Is(ChangeWords) ? k : firstChange;
            firstChangeOrBring = tokens[k].Is(ChangeWords | WordClass.BringToVerb) ? k : firstChangeOrBring;
        }

        var facts = new SentenceFacts(firstChange, firstChangeOrBring);
        for (var i = 0; i < tokens.Length; i++)
        {
            var token = tokens[i];
            if ((token.IsNumber || token.Is(QuantityStarts)) && TryRead(tokens, i, language, facts) is { } quantity)
            {
                quantities.Add(quantity);
                i = Math.Max(i, quantity.LastToken);
            }
        }

        return quantities;
    }

    /// <summary>Removes trailing zeros so 3,5 млн prints as 3500000, not 3500000.0.</summary>
    /// <remarks>
    /// Strips them from the integer a decimal is made of, as dividing by 1.000…m would: that
    /// division took more than the rest of reading a figure. A test holds the two to agree bit for bit.
    /// </remarks>
    public static decimal Normalize(decimal value)
    {
        var scale = value.Scale;
        if (scale == 0)
        {
            return value;
        }

        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var integer = ((UInt128)(uint)bits[2] << 64) | ((UInt128)(uint)bits[1] << 32) | (uint)bits[0];
        while (scale > 0 && integer % 10 == 0)
        {
            integer /= 10;
            scale--;
        }

        return new decimal((int)(uint)integer, (int)(uint)(integer >> 32), (int)(uint)(integer >> 64), isNegative: bits[3] < 0, scale);
    }

    private Quantity? TryRead(Token[] tokens, int i, string language, SentenceFacts facts)
    {
        var token = tokens[i];
        if (token.IsWord)
        {
            if (token.Is(WordClass.MultiplierWord) && _index.Payload<MultiplierWordInfo>(token.Node, token.Whole, WordClass.MultiplierWord) is { } factor)
            {
                return MultiplierWord(tokens, i, factor, facts);
            }

            if (token.Is(WordClass.TimesWord) && _index.Payload<decimal?>(token.Node, token.Whole, WordClass.TimesWord) is { } times)
            {
                return TimesWord(tokens, i, times, facts);
            }

            if (token.Is(WordClass.FractionWord) && Fraction(tokens, i) is { } fraction)
            {
                return fraction;
            }

            return NumberWords.Read(_index, tokens, i, language) is { } words
                ? ReadFrom(tokens, i, words.Next, words.Value, words.Decimals, language, facts, inWords: true, words.Scale)
                : null;
        }

        if (IsPartOfCode(tokens, i) || !NumberParser.TryParse(token.Text, language, out var number, out var decimals))
        {
            return null;
        }

        return ReadFrom(tokens, i, i + 1, number, decimals, language, facts, inWords: false);
    }

    /// <summary>The rest of a figure once its number is read: range, scale, unit, hedges.</summary>
    private Quantity? ReadFrom(
        Token[] tokens, int numberIndex, int j, decimal number, int decimals, string language, SentenceFacts facts, bool inWords, decimal? impliedScale = null)
    {
        if (!TrySkipCaseSuffix(tokens, ref j))
        {
            return null;
        }

        var scale = ReadScale(tokens, ref j) ?? impliedScale;
        decimal? rangeHigh = null;
        var rangeDecimals = decimals;
        if (!inWords && ReadRangeEnd(tokens, numberIndex, j, language) is { } range)
        {
            rangeHigh = range.Value;
            rangeDecimals = Math.Max(decimals, range.Decimals);
            j = range.Next;
            if (!TrySkipCaseSuffix(tokens, ref j))
            {
                return null;
            }

            scale = ReadScale(tokens, ref j) ?? scale;
        }

        if (IsFollowedByYearWord(tokens, j) && scale is null)
        {
            return null;
        }

        var firstToken = numberIndex;
        var (kind, unit, countMetrics) = ReadUnit(tokens, ref j, scale is not null);
        if (kind is null && ReadCurrencyPrefix(tokens, numberIndex) is { } prefix)
        {
            (kind, unit, firstToken) = (QuantityKind.Currency, prefix.Code, prefix.Index);
        }

        if (kind == QuantityKind.Multiplier)
        {
            if (IsMultiplierContext(tokens, numberIndex, j, facts))
            {
                // "в три раза": the preposition belongs to the figure, so hedges before it ("почти в", "более чем в") are found.
                firstToken = numberIndex > 0 && tokens[numberIndex - 1].Text is "в" or "во" ? numberIndex - 1 : firstToken;
            }
            else if (_occasionMetrics.Count > 0 && IsOccasionNoun(tokens[j - 1]))
            {
                // "шесть раз посетил", "visited four times": a count of occasions, not a factor.
                (kind, unit, countMetrics) = (QuantityKind.Count, "count", _occasionMetrics);
            }
            else
            {
                return null;
            }
        }

        // Kazakh puts the hedge between the number and the noun: "250-ге жуық коммерциялық құрылым".
        var postHedgeAt = j;
        if (kind is null)
        {
            var hedgeLength = PostHedgeLength(tokens, j);
            if (ReadCountNoun(tokens, j + hedgeLength, language, out var nounEnd) is { } count)
            {
                (kind, unit, countMetrics, j) = (QuantityKind.Count, "count", count, nounEnd);
            }
            else if (scale is not null)
            {
                kind = QuantityKind.Bare;
            }
        }

        if (kind is null || (!inWords && IsYearLike(tokens[numberIndex].Text) && kind is QuantityKind.Count or QuantityKind.Bare))
        {
            return null;
        }

        var factor = kind is QuantityKind.Percent or QuantityKind.Multiplier ? 1m : scale ?? 1m;
        var hedges = ReadHedges(tokens, firstToken, kind == QuantityKind.Count ? postHedgeAt : j, facts, out var postHedgeLength);
        if (kind != QuantityKind.Count)
        {
            j += postHedgeLength;
        }

        // Nothing anyone reports reaches a quintillion base units (world GDP is about 1e14 USD): a longer number is
        // noise such as a figure pasted twice, and multiplying it out would overflow decimal.
        if (number > MaxPlausibleValue / factor || rangeHigh > MaxPlausibleValue / factor)
        {
            return null;
        }

        var low = number * factor;
        var high = rangeHigh * factor;
        var unitToken = j - 1 - (kind != QuantityKind.Count ? postHedgeLength : 0);
        return new Quantity
        {
            FirstToken = firstToken,
            NumberToken = numberIndex,
            LastToken = j - 1,
            Value = Normalize(high is { } h ? (low + h) / 2 : low),
            HalfStep = Normalize(HalfOfLastDigit(rangeDecimals) * factor),
            RangeLow = high is null ? null : Normalize(low),
            RangeHigh = high is { } upper ? Normalize(upper) : null,
            Kind = kind.Value,
            Unit = unit,
            CountMetrics = countMetrics,
            Hedge = hedges.Hedge,
            HedgeMeansTo = hedges.MeansTo,
            IsChange = hedges.IsChange
                || (postHedgeLength == 0 && kind == QuantityKind.Percent && (HasDativeSuffixBeforeChange(tokens, numberIndex, j) || IsFollowedByComparative(tokens, j)))
                || (postHedgeLength == 0 && kind is QuantityKind.Mass or QuantityKind.Currency && IsDativeUnitBeforeChange(tokens, unitToken)),
        };
    }

    /// <summary>"втрое", "doubled", "почти вдвое", "более чем втрое".</summary>
    private static Quantity MultiplierWord(Token[] tokens, int i, MultiplierWordInfo info, SentenceFacts facts)
    {
        var hedges = ReadHedges(tokens, i, i + 1, facts, out _);
        return new Quantity
        {
            FirstToken = i,
            NumberToken = i,
            LastToken = i,
            Value = info.Factor,
            HalfStep = 0.5m,
            Kind = QuantityKind.Multiplier,
            Unit = "x",
            Hedge = hedges.Hedge,
            IsChange = true,
            InherentSign = info.Sign,
        };
    }

    /// <summary>"трижды посетил", "twice": a count of occasions.</summary>
    private Quantity? TimesWord(Token[] tokens, int i, decimal count, SentenceFacts facts)
    {
        // "twice as much" is a factor, not two occasions.
        if (i + 1 < tokens.Length && tokens[i + 1].Text is "as" or "more" or "less" or "higher" or "larger")
        {
            return new Quantity { FirstToken = i, NumberToken = i, LastToken = i, Value = count, HalfStep = 0.5m, Kind = QuantityKind.Multiplier, Unit = "x", IsChange = true };
        }

        if (_occasionMetrics.Count == 0)
        {
            return null;
        }

        var hedges = ReadHedges(tokens, i, i + 1, facts, out _);
        return new Quantity
        {
            FirstToken = i,
            NumberToken = i,
            LastToken = i,
            Value = count,
            HalfStep = 0.5m,
            Kind = QuantityKind.Count,
            Unit = "count",
            CountMetrics = _occasionMetrics,
            Hedge = hedges.Hedge,
        };
    }

    /// <summary>"на треть", "наполовину", "by a third", "by half", "үштен бірге": a change in percent.</summary>
    private Quantity? Fraction(Token[] tokens, int i)
    {
        if (_index.Payload<FractionInfo>(tokens[i].Node, tokens[i].Whole, WordClass.FractionWord) is not { } info)
        {
            return null;
        }

        var text = tokens[i].Text;
        var (first, last) = (i, i);
        if (text == "наполовину")
        {
            // "сократился наполовину": the adverb is the whole figure.
        }
        else if (text is "үштен" or "төрттен")
        {
            if (i + 1 >= tokens.Length || !tokens[i + 1].Text.StartsWith("бір", StringComparison.Ordinal))
            {
                return null;
            }

            last = i + 1;
        }
        else if (i > 0 && tokens[i - 1].Text == "на")
        {
            first = i - 1;
        }
        else if (i > 1 && tokens[i - 1].Text == "a" && tokens[i - 2].Text == "by")
        {
            first = i - 2;
        }
        else if (i > 0 && tokens[i - 1].Text == "by" && text == "half")
        {
            first = i - 1;
        }
        else
        {
            return null;
        }

        return new Quantity
        {
            FirstToken = first,
            NumberToken = i,
            LastToken = last,
            Value = info.Percent,
            HalfStep = HalfOfLastDigit(info.Decimals),
            Kind = QuantityKind.Percent,
            Unit = "%",
            IsChange = true,
        };
    }

    private static decimal HalfOfLastDigit(int decimals)
    {
        var step = 1m;
        for (var k = 0; k < decimals; k++)
        {
            step /= 10;
        }

        return step / 2;
    }

    /// <summary>"№ 5", "#3", "+7 701...", "24/7" and numbers glued to a word are identifiers, not quantities; "+20%" is a change.</summary>
    private static bool IsPartOfCode(Token[] tokens, int index)
    {
        if (index > 0 && !tokens[index].SpacedBefore)
        {
            var previous = tokens[index - 1];
            var isSignedPercent = previous.IsSymbol('+') && index + 1 < tokens.Length && tokens[index + 1].IsSymbol('%');
            if (!isSignedPercent && (previous.IsSymbol('№') || previous.IsSymbol('#') || previous.IsSymbol('+') || previous.IsSymbol('/') || previous.IsSymbol('.')))
            {
                return true;
            }
        }

        if (index + 1 < tokens.Length && !tokens[index + 1].SpacedBefore && tokens[index + 1].IsWord)
        {
            return !tokens[index + 1].Is(WordClass.GluedScale | WordClass.Scale | WordClass.Multiplier | WordClass.CurrencyWord);
        }

        return index + 1 < tokens.Length && !tokens[index + 1].SpacedBefore && tokens[index + 1].IsSymbol('/');
    }

    /// <summary>Kazakh writes case endings after a hyphen ("250-ге"); any other glued word ("20-летие", "12-й") is not a quantity.</summary>
    private static bool TrySkipCaseSuffix(Token[] tokens, ref int j)
    {
        if (j + 1 < tokens.Length && tokens[j].IsDash && !tokens[j].SpacedBefore && tokens[j + 1].IsWord && !tokens[j + 1].SpacedBefore)
        {
            if (!Lexicon.KazakhCaseSuffixes.Contains(tokens[j + 1].Text))
            {
                return false;
            }

            j += 2;
        }

        return true;
    }

    private decimal? ReadScale(Token[] tokens, ref int j)
    {
        if (j >= tokens.Length || !tokens[j].IsWord)
        {
            return null;
        }

        var token = tokens[j];
        var classes = token.SpacedBefore ? WordClass.Scale : WordClass.Scale | WordClass.GluedScale;
        if (!token.Is(classes) || _index.Payload<decimal?>(token.Node, token.Whole, classes) is not { } factor)
        {
            return null;
        }

        if (token.Is(WordClass.CubicMetre))
        {
            // "59.5 bcm": the unit reader reads the same word as cubic metres.
            return factor;
        }

        j++;
        if (j + 1 < tokens.Length && tokens[j].IsSymbol('.') && !tokens[j].SpacedBefore && tokens[j + 1].IsWord)
        {
            j++;
        }

        return factor;
    }

    private static (decimal Value, int Decimals, int Next)? ReadRangeEnd(Token[] tokens, int numberIndex, int j, string language)
    {
        if (j + 1 >= tokens.Length || !tokens[j + 1].IsNumber)
        {
            return null;
        }

        var connector = tokens[j];
        var startsWithFrom = numberIndex > 0 && tokens[numberIndex - 1].Text is "от" or "from" or "between";
        var isConnector = connector.IsDash || (startsWithFrom && connector.Text is "до" or "to" or "and");
        if (!isConnector
            || !NumberParser.TryParse(tokens[j + 1].Text, language, out var high, out var decimals)
            || !NumberParser.TryParse(tokens[numberIndex].Text, language, out var low, out _)
            || high <= low)
        {
            return null;
        }

        return (high, decimals, j + 2);
    }

    private static bool IsFollowedByYearWord(Token[] tokens, int j) =>
        j < tokens.Length && tokens[j].IsWord && Periods.PeriodReader.IsYearWord(tokens[j]);

    private static bool IsYearLike(string written) =>
        written.Length == 4 && int.TryParse(written, out var year) && year is >= 1900 and <= 2100;

    private (QuantityKind? Kind, string? Unit, IReadOnlyList<MetricDefinition> CountMetrics) ReadUnit(Token[] tokens, ref int j, bool hasScale)
    {
        if (j >= tokens.Length)
        {
            return (null, null, []);
        }

        var token = tokens[j];
        if (token.Kind == TokenKind.Symbol && _currencySigns.TryGetValue(token.Text[0], out var signCode))
        {
            j++;
            return (QuantityKind.Currency, signCode, []);
        }

        if (token.IsSymbol('%'))
        {
            j++;
            TrySkipCaseSuffix(tokens, ref j);
            return (QuantityKind.Percent, "%", []);
        }

        if (!token.IsWord)
        {
            return (null, null, []);
        }

        // "612,4 млн АҚШ долларын": the country of a currency may stand before its name.
        if (token.Is(WordClass.CurrencyCountry) && j + 1 < tokens.Length && tokens[j + 1].Is(WordClass.CurrencyWord))
        {
            token = tokens[++j];
        }

        if (token.Is(WordClass.CurrencyWord) && _index.Payload<string>(token.Node, token.Whole, WordClass.CurrencyWord) is { } code)
        {
            j++;
            if (j < tokens.Length && tokens[j].Is(WordClass.CurrencyCountry))
            {
                j++;
            }

            return (QuantityKind.Currency, code, []);
        }

        if (token.Is(WordClass.Tonne) || (hasScale && token.Is(WordClass.TonneAbbreviation)))
        {
            j++;
            return (QuantityKind.Mass, "t", []);
        }

        if (token.Is(WordClass.PercentWord))
        {
            j++;
            return (QuantityKind.Percent, "%", []);
        }

        if (token.Is(WordClass.CubicMetre))
        {
            j++;
            return (QuantityKind.Volume, "m3", []);
        }

        // "куб. м", "кубических метров", "текше метр", "cubic metres".
        if (token.Is(WordClass.CubicWord))
        {
            var metre = j + 1 < tokens.Length && tokens[j + 1].IsSymbol('.') ? j + 2 : j + 1;
            if (metre < tokens.Length && tokens[metre].Is(WordClass.MetreWord))
            {
                j = metre + 1;
                return (QuantityKind.Volume, "m3", []);
            }
        }

        if (token.Text == "per" && j + 1 < tokens.Length && tokens[j + 1].Text == "cent")
        {
            j += 2;
            return (QuantityKind.Percent, "%", []);
        }

        if (token.Is(WordClass.Multiplier))
        {
            j++;
            return (QuantityKind.Multiplier, "x", []);
        }

        if (token.Is(WordClass.ContainerUnit))
        {
            j++;
            return (QuantityKind.Teu, "TEU", []);
        }

        return (null, null, []);
    }

    private (string Code, int Index)? ReadCurrencyPrefix(Token[] tokens, int numberIndex)
    {
        if (numberIndex == 0)
        {
            return null;
        }

        var previous = tokens[numberIndex - 1];
        if (previous.Kind == TokenKind.Symbol && _currencySigns.TryGetValue(previous.Text[0], out var code))
        {
            return (code, numberIndex - 1);
        }

        return previous.IsWord && previous.Is(WordClass.CurrencyCode) && _index.Payload<string>(previous.Node, previous.Whole, WordClass.CurrencyCode) is { } prefixCode
            ? (prefixCode, numberIndex - 1)
            : null;
    }

    /// <summary>
    /// A count noun of a catalog metric after the number, past adjectives and Kazakh hedges ("250-ге
    /// жуық коммерциялық құрылым", "12 межправительственных соглашений"); another noun in between ends
    /// the search ("двумя государствами договоренности" counts states, not agreements).
    /// </summary>
    private IReadOnlyList<MetricDefinition>? ReadCountNoun(Token[] tokens, int j, string language, out int end)
    {
        end = j;
        for (var k = j; k < tokens.Length && k < j + CountNounLookahead; k++)
        {
            var token = tokens[k];
            if (!token.IsWord)
            {
                return null;
            }

            if (token.Is(WordClass.CountNoun))
            {
                end = k + 1;
                var metrics = new List<MetricDefinition>(2);
                foreach (var entry in _index.Entries(token.Node, token.Whole, WordClass.CountNoun))
                {
                    if (entry.Payload is MetricDefinition metric && !metrics.Contains(metric))
                    {
                        metrics.Add(metric);
                    }
                }

                return metrics;
            }

            if (!IsModifier(token.Text, language) || (language == "en" && k > j))
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>Whether a word can stand between a number and its noun: an adjective ("коммерческих", "қазақстандық"); in English any one word.</summary>
    private static bool IsModifier(string word, string language) => language switch
    {
        "en" => true,
        "kk" => Lexicon.EndsWithAny(word, _kazakhAdjectiveEndings),
        _ => Lexicon.EndsWithAny(word, _russianAdjectiveEndings),
    };

    private bool IsOccasionNoun(Token token) =>
        token.Is(WordClass.CountNoun) && _index.Entries(token.Node, token.Whole, WordClass.CountNoun).Any(entry => _occasionMetrics.Contains(entry.Payload));

    /// <summary>
    /// Whether "раз"/"times" after the number is a factor. Russian states a factor as "в 3 раза" (without
    /// "в", "3 раза" counts occasions); English as "three times more", "1.5 times as much", or after a
    /// change verb ("increase ... one and a half times"); Kazakh "есе" is always a factor.
    /// </summary>
    private static bool IsMultiplierContext(Token[] tokens, int numberIndex, int afterUnit, SentenceFacts facts)
    {
        var unit = tokens[afterUnit - 1].Text;
        if (unit is "есе" or "есеге" or "еседен" or "fold")
        {
            return true;
        }

        if (unit is "раз" or "раза")
        {
            return numberIndex > 0 && tokens[numberIndex - 1].Text is "в" or "во";
        }

        var next = afterUnit < tokens.Length ? tokens[afterUnit].Text : "";
        return next is "more" or "less" or "higher" or "lower" or "larger" or "bigger" or "greater" or "as" or "faster"
            || facts.FirstChange < numberIndex;
    }

    private static int PostHedgeLength(Token[] tokens, int at) =>
        Math.Max(
            Lexicon.LongestPhraseStartingAt(tokens, at, Lexicon.ApproxAfter),
            Math.Max(Lexicon.LongestPhraseStartingAt(tokens, at, Lexicon.OverAfter), Lexicon.LongestPhraseStartingAt(tokens, at, Lexicon.UnderAfter)));

    private static (Hedge Hedge, bool MeansTo, bool IsChange) ReadHedges(
        Token[] tokens, int firstToken, int postHedgeAt, SentenceFacts facts, out int postHedgeLength)
    {
        var hedge = Hedge.None;
        var meansTo = false;
        postHedgeLength = 0;
        var approxAfter = Lexicon.LongestPhraseStartingAt(tokens, postHedgeAt, Lexicon.ApproxAfter);
        var overAfter = Lexicon.LongestPhraseStartingAt(tokens, postHedgeAt, Lexicon.OverAfter);
        var underAfter = Lexicon.LongestPhraseStartingAt(tokens, postHedgeAt, Lexicon.UnderAfter);
        if (overAfter > 0 && overAfter >= underAfter)
        {
            (hedge, postHedgeLength) = (Hedge.Over, overAfter);
        }
        else if (underAfter > 0)
        {
            (hedge, postHedgeLength) = (Hedge.Under, underAfter);

            // "12,9%-ға дейін үдеді", "1 млрд долларға дейін жеткізу": up to a level reached by a change is "to".
            meansTo = tokens[postHedgeAt].Text == "дейін" && ChangeOrBringFollows(tokens, postHedgeAt + 1);
        }
        else if (approxAfter > 0)
        {
            (hedge, postHedgeLength) = (Hedge.Approx, approxAfter);
        }

        var approxBefore = Lexicon.LongestPhraseEndingBefore(tokens, firstToken, Lexicon.ApproxBefore);
        var overBefore = Lexicon.LongestPhraseEndingBefore(tokens, firstToken, Lexicon.OverBefore);
        var underBefore = Lexicon.LongestPhraseEndingBefore(tokens, firstToken, Lexicon.UnderBefore);
        if (hedge == Hedge.None)
        {
            if (overBefore > 0 && overBefore >= underBefore)
            {
                hedge = Hedge.Over;
            }
            else if (underBefore > 0)
            {
                hedge = Hedge.Under;

                // "вырос на 62%, до 4,5 млн тонн", "довести до 10 млн тонн": after a change or "bring" verb, "до" is "to".
                meansTo = underBefore == 1 && tokens[firstToken - 1].Text == "до" && facts.FirstChangeOrBring < firstToken - 1;
            }
            else if (approxBefore > 0)
            {
                hedge = Hedge.Approx;
            }
        }

        var hedgeLength = Math.Max(approxBefore, Math.Max(overBefore, underBefore));
        var beforeHedge = firstToken - hedgeLength - 1;
        var isSigned = firstToken > 0 && tokens[firstToken - 1].IsSymbol('+') && !tokens[firstToken].SpacedBefore;
        var isChange = isSigned || (beforeHedge >= 0 && tokens[beforeHedge].IsWord && tokens[beforeHedge].Is(WordClass.ChangeMarker));
        return (hedge, meansTo, isChange);
    }

    private static bool ChangeOrBringFollows(Token[] tokens, int from)
    {
        for (var k = from; k < tokens.Length && k < from + 2; k++)
        {
            if (tokens[k].Is(ChangeWords | WordClass.BringToVerb))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsFollowedByComparative(Token[] tokens, int j) =>
        j < tokens.Length && tokens[j].IsWord && tokens[j].Is(WordClass.ChangeComparative);

    /// <summary>Kazakh marks a change with the dative on the figure before a change word: "20%-ға артқан", "62%-ға көп" (but "6,4%-ға жетті" is a level).</summary>
    private static bool HasDativeSuffixBeforeChange(Token[] tokens, int numberIndex, int end)
    {
        for (var k = numberIndex + 1; k < end; k++)
        {
            if (tokens[k].IsWord && !tokens[k].SpacedBefore && tokens[k - 1].IsDash && Lexicon.KazakhDative.Contains(tokens[k].Text))
            {
                return end < tokens.Length && tokens[end].Is(ChangeWords | WordClass.ChangeComparative);
            }
        }

        return false;
    }

    /// <summary>"1,2 млн тоннаға өсті": the dative on the unit before a change verb states an absolute change.</summary>
    private static bool IsDativeUnitBeforeChange(Token[] tokens, int unitToken)
    {
        if (unitToken < 0 || unitToken + 1 >= tokens.Length || !tokens[unitToken].IsWord)
        {
            return false;
        }

        var word = tokens[unitToken].Text;
        return word.Length > 3 && Lexicon.KazakhDative.Contains(word[^2..]) && tokens[unitToken + 1].Is(ChangeWords);
    }
}
