using Claims.Extraction.Text;

namespace Claims.Extraction.Quantities;

/// <summary>
/// Reads the figures of a sentence: number, range, scale word, unit (currency before or after,
/// tonnes, percent, multiplier, TEU, or a count noun of a catalog metric) and hedges before or
/// after. Numbers with none of these (years, dates, ordinals, phone numbers, "100 лет") are not
/// quantities and are skipped. One pass over the tokens with bounded look-around.
/// </summary>
internal sealed class QuantityReader(MetricCatalog catalog)
{
    private const int CountNounLookahead = 3;

    private readonly IReadOnlyList<(string Stem, MetricDefinition Metric)> _countNouns =
        [.. catalog.Metrics.SelectMany(metric => metric.CountNounStems.Select(stem => (stem, metric)))];

    public IReadOnlyList<Quantity> ReadAll(IReadOnlyList<Token> tokens, string language)
    {
        var quantities = new List<Quantity>();
        for (var i = 0; i < tokens.Count; i++)
        {
            if (tokens[i].IsNumber && TryRead(tokens, i, language) is { } quantity)
            {
                quantities.Add(quantity);
                i = quantity.LastToken;
            }
        }

        return quantities;
    }

    private Quantity? TryRead(IReadOnlyList<Token> tokens, int numberIndex, string language)
    {
        if (IsPartOfCode(tokens, numberIndex)
            || !NumberParser.TryParse(tokens[numberIndex].Text, language, out var number, out var decimals))
        {
            return null;
        }

        var j = numberIndex + 1;
        if (!TrySkipCaseSuffix(tokens, ref j))
        {
            return null;
        }

        var scale = ReadScale(tokens, ref j);
        decimal? rangeHigh = null;
        var rangeDecimals = decimals;
        if (ReadRangeEnd(tokens, numberIndex, j, language) is { } range)
        {
            rangeHigh = range.Value;
            rangeDecimals = Math.Max(decimals, range.Decimals);
            j = range.Next;
            if (!TrySkipCaseSuffix(tokens, ref j))
            {
                return null;
            }

            var secondScale = ReadScale(tokens, ref j);
            scale = secondScale ?? scale;
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

        // Kazakh puts the hedge between the number and the noun: "250-ге жуық коммерциялық құрылым".
        var postHedgeAt = j;
        if (kind is null)
        {
            var hedgeLength = PostHedgeLength(tokens, j);
            if (ReadCountNoun(tokens, j + hedgeLength, out var nounEnd) is { } count)
            {
                (kind, unit, countMetrics, j) = (QuantityKind.Count, "count", count, nounEnd);
            }
            else if (scale is not null)
            {
                kind = QuantityKind.Bare;
            }
        }

        if (kind is null
            || (kind == QuantityKind.Multiplier && !IsMultiplierContext(tokens, numberIndex, language))
            || (IsYearLike(tokens[numberIndex].Text) && kind is QuantityKind.Count or QuantityKind.Bare))
        {
            return null;
        }

        var factor = kind is QuantityKind.Percent or QuantityKind.Multiplier ? 1m : scale ?? 1m;
        var (hedge, bareUpTo, isChange) = ReadHedges(tokens, firstToken, kind == QuantityKind.Count ? postHedgeAt : j, out var postHedgeLength);
        if (kind != QuantityKind.Count)
        {
            j += postHedgeLength;
        }

        var low = number * factor;
        var high = rangeHigh * factor;
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
            Hedge = hedge,
            HedgeIsBareUpTo = bareUpTo,
            IsChange = isChange || (kind == QuantityKind.Percent && (HasDativeSuffix(tokens, numberIndex, j) || IsFollowedByComparative(tokens, j))),
        };
    }

    /// <summary>Removes trailing zeros so 3,5 млн prints as 3500000, not 3500000.0.</summary>
    public static decimal Normalize(decimal value) => value / 1.000000000000000000000000000000000m;

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
    private static bool IsPartOfCode(IReadOnlyList<Token> tokens, int index)
    {
        if (index > 0 && !tokens[index].SpacedBefore)
        {
            var previous = tokens[index - 1];
            var isSignedPercent = previous.IsSymbol('+') && index + 1 < tokens.Count && tokens[index + 1].IsSymbol('%');
            if (!isSignedPercent && (previous.IsSymbol('№') || previous.IsSymbol('#') || previous.IsSymbol('+') || previous.IsSymbol('/') || previous.IsSymbol('.')))
            {
                return true;
            }
        }

        if (index + 1 < tokens.Count && !tokens[index + 1].SpacedBefore && tokens[index + 1].IsWord)
        {
            var glued = tokens[index + 1].Text;
            return !Lexicon.GluedScales.Concat(Lexicon.Scales).Any(scale => Stems.Matches(glued, scale.Stem))
                && !Lexicon.Multipliers.Any(stem => Stems.Matches(glued, stem))
                && !Lexicon.CurrencyWords.Any(currency => Stems.Matches(glued, currency.Stem));
        }

        return index + 1 < tokens.Count && !tokens[index + 1].SpacedBefore && tokens[index + 1].IsSymbol('/');
    }

    /// <summary>Kazakh writes case endings after a hyphen ("250-ге"); any other glued word ("20-летие", "12-й") is not a quantity.</summary>
    private static bool TrySkipCaseSuffix(IReadOnlyList<Token> tokens, ref int j)
    {
        if (j + 1 < tokens.Count && tokens[j].IsDash && !tokens[j].SpacedBefore && tokens[j + 1].IsWord && !tokens[j + 1].SpacedBefore)
        {
            if (!Lexicon.KazakhCaseSuffixes.Contains(tokens[j + 1].Text))
            {
                return false;
            }

            j += 2;
        }

        return true;
    }

    private static decimal? ReadScale(IReadOnlyList<Token> tokens, ref int j)
    {
        if (j >= tokens.Count || !tokens[j].IsWord)
        {
            return null;
        }

        var word = tokens[j].Text;
        var scales = tokens[j].SpacedBefore ? Lexicon.Scales : Lexicon.Scales.Concat(Lexicon.GluedScales);
        foreach (var (stem, factor) in scales)
        {
            if (Stems.Matches(word, stem))
            {
                j++;
                if (j + 1 < tokens.Count && tokens[j].IsSymbol('.') && !tokens[j].SpacedBefore && tokens[j + 1].IsWord)
                {
                    j++;
                }

                return factor;
            }
        }

        return null;
    }

    private static (decimal Value, int Decimals, int Next)? ReadRangeEnd(IReadOnlyList<Token> tokens, int numberIndex, int j, string language)
    {
        if (j + 1 >= tokens.Count || !tokens[j + 1].IsNumber)
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

    private static bool IsFollowedByYearWord(IReadOnlyList<Token> tokens, int j) =>
        j < tokens.Count && tokens[j].IsWord && Periods.PeriodReader.IsYearWord(tokens[j].Text);

    private static bool IsYearLike(string written) =>
        written.Length == 4 && int.TryParse(written, out var year) && year is >= 1900 and <= 2100;

    private static (QuantityKind? Kind, string? Unit, IReadOnlyList<MetricDefinition> CountMetrics) ReadUnit(
        IReadOnlyList<Token> tokens, ref int j, bool hasScale)
    {
        if (j >= tokens.Count)
        {
            return (null, null, []);
        }

        var token = tokens[j];
        if (token.Kind == TokenKind.Symbol && Lexicon.CurrencySigns.TryGetValue(token.Text[0], out var signCode))
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

        var word = token.Text;
        foreach (var (stem, code) in Lexicon.CurrencyWords)
        {
            if (Stems.Matches(word, stem))
            {
                j++;
                if (j < tokens.Count && tokens[j].Text is "сша" or "us" or "америки")
                {
                    j++;
                }

                return (QuantityKind.Currency, code, []);
            }
        }

        if (Lexicon.Tonnes.Any(stem => Stems.Matches(word, stem)) || (hasScale && Stems.Matches(word, Lexicon.TonneAbbreviation)))
        {
            j++;
            return (QuantityKind.Mass, "t", []);
        }

        if (Lexicon.PercentWords.Any(stem => Stems.Matches(word, stem)))
        {
            j++;
            return (QuantityKind.Percent, "%", []);
        }

        if (word == "per" && j + 1 < tokens.Count && tokens[j + 1].Text == "cent")
        {
            j += 2;
            return (QuantityKind.Percent, "%", []);
        }

        if (Lexicon.Multipliers.Any(stem => Stems.Matches(word, stem)))
        {
            j++;
            return (QuantityKind.Multiplier, "x", []);
        }

        if (Lexicon.ContainerUnits.Any(stem => Stems.Matches(word, stem)))
        {
            j++;
            return (QuantityKind.Teu, "TEU", []);
        }

        return (null, null, []);
    }

    private static (string Code, int Index)? ReadCurrencyPrefix(IReadOnlyList<Token> tokens, int numberIndex)
    {
        if (numberIndex == 0)
        {
            return null;
        }

        var previous = tokens[numberIndex - 1];
        if (previous.Kind == TokenKind.Symbol && Lexicon.CurrencySigns.TryGetValue(previous.Text[0], out var code))
        {
            return (code, numberIndex - 1);
        }

        foreach (var (stem, prefixCode) in Lexicon.CurrencyCodes)
        {
            if (previous.IsWord && Stems.Matches(previous.Text, stem))
            {
                return (prefixCode, numberIndex - 1);
            }
        }

        return null;
    }

    /// <summary>A count noun of a catalog metric within a few words after the number, past Kazakh hedges ("250-ге жуық коммерциялық құрылым").</summary>
    private IReadOnlyList<MetricDefinition>? ReadCountNoun(IReadOnlyList<Token> tokens, int j, out int end)
    {
        end = j;
        var words = 0;
        for (var k = j; k < tokens.Count && words < CountNounLookahead; k++)
        {
            if (!tokens[k].IsWord)
            {
                return null;
            }

            words++;
            var word = tokens[k].Text;
            var metrics = _countNouns.Where(noun => Stems.Matches(word, noun.Stem)).Select(noun => noun.Metric).Distinct().ToArray();
            if (metrics.Length > 0)
            {
                end = k + 1;
                return metrics;
            }
        }

        return null;
    }

    /// <summary>Russian states a multiplier as "в 3 раза"; without "в", "3 раза" counts occasions.</summary>
    private static bool IsMultiplierContext(IReadOnlyList<Token> tokens, int numberIndex, string language) =>
        language != "ru" || (numberIndex > 0 && tokens[numberIndex - 1].Text is "в" or "во");

    private static int PostHedgeLength(IReadOnlyList<Token> tokens, int at) =>
        Math.Max(
            Lexicon.LongestPhraseStartingAt(tokens, at, Lexicon.ApproxAfter),
            Math.Max(Lexicon.LongestPhraseStartingAt(tokens, at, Lexicon.OverAfter), Lexicon.LongestPhraseStartingAt(tokens, at, Lexicon.UnderAfter)));

    private static (Hedge Hedge, bool BareUpTo, bool IsChange) ReadHedges(
        IReadOnlyList<Token> tokens, int firstToken, int postHedgeAt, out int postHedgeLength)
    {
        var hedge = Hedge.None;
        var bareUpTo = false;
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
                bareUpTo = underBefore == 1 && tokens[firstToken - 1].Text == "до";
            }
            else if (approxBefore > 0)
            {
                hedge = Hedge.Approx;
            }
        }

        var hedgeLength = Math.Max(approxBefore, Math.Max(overBefore, underBefore));
        var beforeHedge = firstToken - hedgeLength - 1;
        var isSigned = firstToken > 0 && tokens[firstToken - 1].IsSymbol('+') && !tokens[firstToken].SpacedBefore;
        var isChange = isSigned || (beforeHedge >= 0
            && tokens[beforeHedge].IsWord
            && Lexicon.ChangeMarkers.Any(stem => Stems.Matches(tokens[beforeHedge].Text, stem)));
        return (hedge, bareUpTo, isChange);
    }

    private static bool IsFollowedByComparative(IReadOnlyList<Token> tokens, int j) =>
        j < tokens.Count && tokens[j].IsWord && Stems.MatchesAny(tokens[j].Text, Lexicon.ChangeComparatives);

    /// <summary>Kazakh marks a change with the dative on the figure: "20%-ға артқан".</summary>
    private static bool HasDativeSuffix(IReadOnlyList<Token> tokens, int numberIndex, int end)
    {
        for (var k = numberIndex + 1; k < end; k++)
        {
            if (tokens[k].IsWord && !tokens[k].SpacedBefore && k > 0 && tokens[k - 1].IsDash
                && tokens[k].Text is "ға" or "ге" or "қа" or "ке")
            {
                return true;
            }
        }

        return false;
    }
}
