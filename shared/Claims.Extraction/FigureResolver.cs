using Claims.Contracts;
using Claims.Extraction.Metrics;
using Claims.Extraction.Periods;
using Claims.Extraction.Quantities;
using Claims.Extraction.Subjects;
using Claims.Extraction.Text;

namespace Claims.Extraction;

/// <summary>
/// Turns the figures of one sentence into claims. Each figure owns a clause: from the previous
/// figure (or the first comma after it) to the first comma after itself, so "в 2024 году составил
/// 470 млн долларов, а с января по август 2025 года достиг 547 млн" gives each figure its own
/// period. What a clause does not say is taken, in order, from the figure before it in the same
/// sentence, then from the paragraph, then from the article; each borrowing lowers confidence.
/// A figure whose metric the catalog does not know is keyed by the head noun of its phrase.
/// </summary>
internal sealed class FigureResolver(MetricMatcher metricMatcher, QuantityReader quantityReader, PeriodReader periodReader)
{
    private const double BaseConfidence = 0.9;

    /// <summary>A figure keyed by the head noun of its phrase is a guess about what it measures.</summary>
    private const double FallbackConfidence = 0.5;

    private const decimal ApproxBand = 0.05m;
    private const WordClass ChangeWords = WordClass.Increase | WordClass.Decrease;

    private enum Derivation
    {
        None,
        Growth,
        Multiple,
        Change,
    }

    private enum Source
    {
        Clause,
        Sentence,
        Carried,
        Paragraph,
        Article,
        HeadNoun,
    }

    /// <param name="tokens">The sentence's tokens.</param>
    /// <param name="analyse">The rest of what is known about the sentence, worked out only if it holds a quantity (many numbers are dates and ordinals).</param>
    /// <param name="article">What holds for the whole article.</param>
    /// <param name="context">What the paragraph so far has established.</param>
    public IReadOnlyList<Figure> Resolve(Token[] tokens, Func<AnalysedSentence> analyse, ArticleReading article, ParagraphContext context)
    {
        var quantities = quantityReader.ReadAll(tokens, article.Language);
        if (quantities.Count == 0)
        {
            return [];
        }

        var sentence = analyse();
        var periods = periodReader.Read(tokens, article.PublishedAt);
        var clauses = Clauses(tokens, quantities);
        var facts = new SentenceFacts(sentence, periods);
        var figures = new List<Figure>();
        for (var k = 0; k < quantities.Count; k++)
        {
            var previous = figures.Count > 0 ? figures[^1] : null;
            var previousQuantity = k > 0 ? quantities[k - 1] : null;
            if (ResolveOne(sentence, facts, article, context, quantities[k], clauses[k], periods, previous, previousQuantity) is { } figure)
            {
                figures.Add(figure);
            }
        }

        return figures;
    }

    /// <summary>
    /// The tokens a figure owns, <see cref="HeadStart"/> up to <see cref="TailEnd"/> (exclusive).
    /// A period may also stand after a following figure of the same clause ("fell 2% to 55 million
    /// tonnes last year"), so its search runs to <see cref="PeriodEnd"/>, the first clause break; a
    /// metric may stand between the figure and the next one ("удвоить товарооборот до $1 млрд"), so a
    /// figure that finds none in its own tokens looks up to <see cref="MetricEnd"/>. Cues of targets
    /// and forecasts hold for every figure between the same two clause breaks, from <see cref="SegmentStart"/>.
    /// </summary>
    private sealed record Clause(int HeadStart, int TailEnd, int PeriodEnd, int MetricEnd, int SegmentStart);

    /// <summary>
    /// What every figure of a sentence asks about it, worked out once: cue counts by position, which
    /// tokens belong to names and periods, the sentence's countries and regions. However many figures
    /// a sentence holds, each question costs a subtraction or a binary search, keeping the whole linear.
    /// </summary>
    private sealed class SentenceFacts
    {
        private readonly AnalysedSentence _sentence;
        private readonly int[] _forecastCues;
        private readonly int[] _targetCues;
        private readonly int[] _growthNouns;
        private readonly bool[] _nameOrPeriod;

        public SentenceFacts(AnalysedSentence sentence, IReadOnlyList<PeriodMention> periods)
        {
            _sentence = sentence;
            var tokens = sentence.Tokens;
            (_forecastCues, _targetCues, _growthNouns) = (new int[tokens.Length + 1], new int[tokens.Length + 1], new int[tokens.Length + 1]);
            for (var k = 0; k < tokens.Length; k++)
            {
                var classes = tokens[k].Classes;
                _forecastCues[k + 1] = _forecastCues[k] + ((classes & (WordClass.ForecastCue | WordClass.ModalCue)) != 0 ? 1 : 0);
                _targetCues[k + 1] = _targetCues[k] + ((classes & WordClass.TargetCue) != 0 ? 1 : 0);
                _growthNouns[k + 1] = _growthNouns[k] + ((classes & WordClass.GrowthNoun) != 0 ? 1 : 0);
            }

            _nameOrPeriod = new bool[tokens.Length];
            for (var at = 0; at < sentence.Entities.Count; at++)
            {
                var entity = sentence.Entities[at];
                Array.Fill(_nameOrPeriod, true, entity.Start, entity.End - entity.Start + 1);
            }

            for (var at = 0; at < periods.Count; at++)
            {
                var period = periods[at];
                Array.Fill(_nameOrPeriod, true, period.Start, period.End - period.Start + 1);
            }

            Countries = FigureResolver.Countries(sentence.Entities);
            Regions = FigureResolver.Regions(sentence.Entities);
        }

        public IReadOnlyList<string> Countries { get; }

        public IReadOnlyList<string> Regions { get; }

        public bool HasForecastCue(int from, int to) => _forecastCues[to] > _forecastCues[from];

        public bool HasTargetCue(int from, int to) => _targetCues[to] > _targetCues[from];

        public bool HasGrowthNoun(int from, int to) => _growthNouns[to] > _growthNouns[from];

        public bool IsNameOrPeriod(int token) => _nameOrPeriod[token];

        /// <summary>The names wholly inside tokens [from, to); names come in text order.</summary>
        public IReadOnlyList<EntityMention> EntitiesWithin(int from, int to)
        {
            var entities = _sentence.Entities;
            int low = 0, high = entities.Count;
            while (low < high)
            {
                var middle = (low + high) >> 1;
                (low, high) = entities[middle].Start >= from ? (low, middle) : (middle + 1, high);
            }

            var within = new List<EntityMention>();
            for (var e = low; e < entities.Count && entities[e].Start < to; e++)
            {
                if (entities[e].End < to)
                {
                    within.Add(entities[e]);
                }
            }

            return within;
        }

        /// <summary>Whether a "between the two countries" cue starts within tokens [from, to).</summary>
        public bool HasPairCue(int from, int to)
        {
            var cues = _sentence.PairCues;
            int low = 0, high = cues.Count;
            while (low < high)
            {
                var middle = (low + high) >> 1;
                (low, high) = cues[middle] >= from ? (low, middle) : (middle + 1, high);
            }

            return low < cues.Count && cues[low] < to;
        }
    }

    private static Clause[] Clauses(Token[] tokens, IReadOnlyList<Quantity> quantities)
    {
        // The next clause break at or after each token, found in one pass from the end: a sentence of
        // thousands of figures without a comma must not send each figure to look for the break again.
        var nextBreak = new int[tokens.Length + 1];
        nextBreak[tokens.Length] = tokens.Length;
        for (var t = tokens.Length - 1; t >= 0; t--)
        {
            nextBreak[t] = tokens[t].IsClauseBreak ? t : nextBreak[t + 1];
        }

        var clauses = new Clause[quantities.Count];
        var headStart = 0;
        var segmentStart = 0;
        for (var k = 0; k < quantities.Count; k++)
        {
            var quantity = quantities[k];
            var isLast = k == quantities.Count - 1;
            var limit = isLast ? tokens.Length : quantities[k + 1].FirstToken;
            var following = nextBreak[Math.Min(quantity.LastToken + 1, tokens.Length)];
            var hasBreak = following < limit;
            var clauseBreak = hasBreak ? following : limit;
            var tailEnd = hasBreak || isLast ? clauseBreak : quantity.LastToken + 1;
            var start = Math.Min(headStart, quantity.FirstToken);
            clauses[k] = new Clause(start, tailEnd, following, hasBreak || isLast ? tailEnd : limit, Math.Min(segmentStart, start));
            headStart = hasBreak ? clauseBreak + 1 : quantity.LastToken + 1;
            segmentStart = hasBreak ? headStart : segmentStart;
        }

        return clauses;
    }

    private Figure? ResolveOne(
        AnalysedSentence sentence,
        SentenceFacts facts,
        ArticleReading article,
        ParagraphContext context,
        Quantity quantity,
        Clause clause,
        IReadOnlyList<PeriodMention> periods,
        Figure? previous,
        Quantity? previousQuantity)
    {
        var tokens = sentence.Tokens;
        var kind = quantity.Kind;
        var unit = quantity.Unit;
        var unitInherited = false;
        if (kind == QuantityKind.Bare)
        {
            // "довести этот показатель до 1 млрд" after "533 млн долларов": the unit is the previous figure's.
            if (previous is null || previous.Kind is not (QuantityKind.Currency or QuantityKind.Mass or QuantityKind.Teu or QuantityKind.Volume))
            {
                return null;
            }

            (kind, unit, unitInherited) = (previous.Kind, previous.Unit, true);
        }

        var sign = quantity.InherentSign != 0 ? quantity.InherentSign : ChangeSign(tokens, clause, quantity.NumberToken);
        var isGrowthRate = kind == QuantityKind.Percent && !quantity.IsChange && IsGrowthRate(tokens, facts, clause, quantity);
        var derivation = kind switch
        {
            QuantityKind.Percent when quantity.IsChange || isGrowthRate => Derivation.Growth,
            QuantityKind.Multiplier => Derivation.Multiple,
            QuantityKind.Currency or QuantityKind.Mass or QuantityKind.Teu or QuantityKind.Volume when quantity.IsChange && sign != 0 => Derivation.Change,
            _ => Derivation.None,
        };

        // A factor needs a direction: "в три раза больше" or "сократился в 2 раза", not a bare "в три раза".
        if (derivation == Derivation.Multiple && sign == 0)
        {
            return null;
        }

        var inClause = facts.EntitiesWithin(clause.HeadStart, clause.TailEnd);
        var metric = ResolveMetric(sentence, facts, clause, quantity, kind, derivation, previous, context, article.Language, out var metricSource);
        if (metric is null)
        {
            return null;
        }

        var isForecast = facts.HasForecastCue(clause.SegmentStart, clause.TailEnd);
        var isTarget = facts.HasTargetCue(clause.SegmentStart, clause.TailEnd);
        var chosenPeriod = ChoosePeriod(periods, clause, quantity, previousQuantity);
        var period = chosenPeriod?.Value;
        var periodCarried = false;
        if (period is null && !isTarget && !isForecast && previous is { Qualifier: not (Qualifiers.Target or Qualifiers.Forecast) })
        {
            period = previous.Period;
            periodCarried = period is not null;
        }

        var isHorizon = chosenPeriod?.IsHorizon == true;
        var hedge = quantity.HedgeMeansTo ? Hedge.None : quantity.Hedge;
        var qualifier = isForecast ? Qualifiers.Forecast
            : isTarget || isHorizon ? Qualifiers.Target
            : quantity.RangeLow is not null ? Qualifiers.Range
            : hedge switch
            {
                Hedge.Approx => Qualifiers.Approx,
                Hedge.Over => Qualifiers.Over,
                Hedge.Under => Qualifiers.Under,
                _ => Qualifiers.Exact,
            };

        var (value, lower, upper) = Bounds(quantity, hedge);
        if (sign < 0 && derivation is Derivation.Growth or Derivation.Change)
        {
            (value, lower, upper) = (-value, -upper, -lower);
        }
        else if (sign < 0 && derivation == Derivation.Multiple)
        {
            // "сократился в 1,5 раза", "halved": the ratio of new to old is the reciprocal of the factor.
            (value, lower, upper) = (Reciprocal(value)!.Value, Reciprocal(upper), Reciprocal(lower));
        }

        var hasPairCue = facts.HasPairCue(clause.HeadStart, clause.TailEnd);
        var (subjects, subjectSource) = ResolveSubjects(facts, inClause, hasPairCue, metric, article, context, previous);
        string? direction = null;
        if (metric.Flow)
        {
            (subjects, direction) = ResolveDirection(inClause, subjects, metric, previous, metricSource);
        }

        var confidence = BaseConfidence
            - (metricSource == Source.Carried ? 0.1 : metricSource == Source.Paragraph ? 0.2 : 0)
            - (subjectSource is Source.Paragraph or Source.Article ? 0.1 : 0)
            - (subjects.Count == 0 ? 0.2 : 0)
            - (unitInherited ? 0.1 : 0)
            - (periodCarried ? 0.05 : 0);
        if (metricSource == Source.HeadNoun)
        {
            confidence = Math.Min(confidence, FallbackConfidence);
        }

        var metricId = derivation switch
        {
            Derivation.Growth => $"{metric.Id}_growth",
            Derivation.Multiple => $"{metric.Id}_multiple",
            Derivation.Change => $"{UnitSpecificId(metric, kind)}_change",
            _ => UnitSpecificId(metric, kind),
        };

        return new Figure(
            quantity,
            kind,
            unit ?? "count",
            kind == QuantityKind.Count ? metric.CountNoun : null,
            metric,
            metricId,
            subjects,
            direction,
            period,
            qualifier,
            value,
            lower,
            upper,
            Math.Round(Math.Clamp(confidence, 0.3, 0.95), 2));
    }

    private MetricDefinition? ResolveMetric(
        AnalysedSentence sentence,
        SentenceFacts facts,
        Clause clause,
        Quantity quantity,
        QuantityKind kind,
        Derivation derivation,
        Figure? previous,
        ParagraphContext context,
        string language,
        out Source source)
    {
        var tokens = sentence.Tokens;
        Func<MetricDefinition, bool> accepts = derivation != Derivation.None
            ? _ => true
            : kind == QuantityKind.Count
                ? quantity.CountMetrics.Contains
                : metric => metric.Units.Contains(UnitKindOf(kind));

        source = Source.Clause;
        var match = metricMatcher.Best(tokens, clause.HeadStart, clause.TailEnd, quantity.NumberToken, accepts);
        if (match is null && clause.MetricEnd > clause.TailEnd)
        {
            match = metricMatcher.Best(tokens, clause.HeadStart, clause.MetricEnd, quantity.NumberToken, accepts);
        }

        if (match is not null)
        {
            return match.Metric;
        }

        // Counts need their own words ("компаний с участием казахстанского капитала"): "300 гостей" is no claim.
        if (kind == QuantityKind.Count)
        {
            return null;
        }

        // "Бюджет фестиваля составил 2 млн долларов": a noun the catalog does not know still names what the figure
        // measures. A noun before the figure is its subject and wins over the figure before it; a noun after it
        // ("17 млн тонн зерна") only over the paragraph, since "up 20% on the previous period" continues the figure before.
        var head = kind is QuantityKind.Currency or QuantityKind.Mass or QuantityKind.Teu or QuantityKind.Volume or QuantityKind.Percent
            ? HeadNoun.Find(tokens, clause.HeadStart, clause.TailEnd, quantity.FirstToken, quantity.LastToken, IsNotPhraseWord, language)
            : null;
        if (head is { BeforeFigure: true })
        {
            source = Source.HeadNoun;
            return Unknown(head.Value.Id, kind);
        }

        if (previous is not null && accepts(previous.BaseMetric))
        {
            source = Source.Carried;
            return previous.BaseMetric;
        }

        if (head is { } after)
        {
            source = Source.HeadNoun;
            return Unknown(after.Id, kind);
        }

        if (context.LastMetric is { } paragraphMetric && accepts(paragraphMetric))
        {
            source = Source.Paragraph;
            return paragraphMetric;
        }

        return null;

        bool IsNotPhraseWord(int k) => (k >= quantity.FirstToken && k <= quantity.LastToken) || facts.IsNameOrPeriod(k);
    }

    /// <summary>A metric outside the catalog, named by a head noun: in the figure's own unit, neither bilateral nor a flow.</summary>
    private static MetricDefinition Unknown(string id, QuantityKind kind) => new(id, "", [UnitKindOf(kind)], false, false, 0, [], null, []);

    /// <summary>
    /// "Рост ВВП составил 4,8%": a percentage stated as the level of a growth noun is a growth rate,
    /// unless the clause names a metric measured in percent ("доля ... рост до 85%").
    /// </summary>
    private bool IsGrowthRate(Token[] tokens, SentenceFacts facts, Clause clause, Quantity quantity) =>
        facts.HasGrowthNoun(clause.SegmentStart, clause.TailEnd)
        && metricMatcher.Best(tokens, clause.HeadStart, clause.TailEnd, quantity.NumberToken, metric => metric.Units.Contains(MetricUnitKind.Percent)) is null;

    /// <summary>A figure in a metric's secondary unit gets its own id ("exports_tonnes"), so one claim id never mixes units.</summary>
    private static string UnitSpecificId(MetricDefinition metric, QuantityKind kind)
    {
        var unitKind = UnitKindOf(kind);
        if (metric.Units.Count == 0 || metric.Units[0] == unitKind)
        {
            return metric.Id;
        }

        return unitKind switch
        {
            MetricUnitKind.Mass => $"{metric.Id}_tonnes",
            MetricUnitKind.Teu => $"{metric.Id}_teu",
            MetricUnitKind.Volume => $"{metric.Id}_m3",
            MetricUnitKind.Currency => $"{metric.Id}_value",
            MetricUnitKind.Percent => $"{metric.Id}_percent",
            _ => $"{metric.Id}_count",
        };
    }

    private static MetricUnitKind UnitKindOf(QuantityKind kind) => kind switch
    {
        QuantityKind.Currency => MetricUnitKind.Currency,
        QuantityKind.Mass => MetricUnitKind.Mass,
        QuantityKind.Percent => MetricUnitKind.Percent,
        QuantityKind.Teu => MetricUnitKind.Teu,
        QuantityKind.Volume => MetricUnitKind.Volume,
        _ => MetricUnitKind.Count,
    };

    /// <summary>
    /// The period nearest before the figure in its clause, else the first after it; never a
    /// baseline. A period right after the previous figure is that figure's ("$382 million in 2022
    /// and $455 million in 2023").
    /// </summary>
    private static PeriodMention? ChoosePeriod(IReadOnlyList<PeriodMention> periods, Clause clause, Quantity quantity, Quantity? previousQuantity)
    {
        // Periods come in text order and do not overlap: walk back from the last one starting before
        // the figure, and forward from the first one after it, never over the whole sentence.
        for (var p = FirstStartingAfter(periods, quantity.FirstToken - 1) - 1; p >= 0 && periods[p].Start >= clause.HeadStart; p--)
        {
            var period = periods[p];
            var ownedByPrevious = previousQuantity is not null && clause.HeadStart == previousQuantity.LastToken + 1
                && period.Start > previousQuantity.LastToken && period.Start <= previousQuantity.LastToken + 2;
            if (!period.IsBaseline && !ownedByPrevious && period.End < quantity.FirstToken)
            {
                return period;
            }
        }

        for (var p = FirstStartingAfter(periods, quantity.LastToken); p < periods.Count && periods[p].End < clause.PeriodEnd; p++)
        {
            if (!periods[p].IsBaseline)
            {
                return periods[p];
            }
        }

        return null;
    }

    /// <summary>The index of the first period starting after token <paramref name="token"/>, or the count.</summary>
    private static int FirstStartingAfter(IReadOnlyList<PeriodMention> periods, int token)
    {
        int low = 0, high = periods.Count;
        while (low < high)
        {
            var middle = (low + high) >> 1;
            (low, high) = periods[middle].Start > token ? (low, middle) : (middle + 1, high);
        }

        return low;
    }

    /// <summary>+1 when the change word nearest the figure is a rise, -1 for a fall, 0 when the clause has none.</summary>
    private static int ChangeSign(Token[] tokens, Clause clause, int anchor)
    {
        var sign = 0;
        var nearest = int.MaxValue;
        for (var k = clause.HeadStart; k < clause.TailEnd; k++)
        {
            if (!tokens[k].Is(ChangeWords) || Math.Abs(k - anchor) >= nearest)
            {
                continue;
            }

            (sign, nearest) = (tokens[k].Is(WordClass.Increase) ? 1 : -1, Math.Abs(k - anchor));
        }

        return sign;
    }

    /// <summary>The bounds a qualifier implies: the rounding of the last stated digit, ±5 % for "около", open on one side for "более"/"до".</summary>
    private static (decimal Value, decimal? Lower, decimal? Upper) Bounds(Quantity quantity, Hedge hedge)
    {
        var value = quantity.Value;
        if (quantity.RangeLow is { } low && quantity.RangeHigh is { } high)
        {
            return (value, low, high);
        }

        return hedge switch
        {
            Hedge.Approx => (value, QuantityReader.Normalize(value * (1 - ApproxBand)), QuantityReader.Normalize(value * (1 + ApproxBand))),
            Hedge.Over => (value, value, null),
            Hedge.Under => (value, null, value),
            _ => (value, QuantityReader.Normalize(value - quantity.HalfStep), QuantityReader.Normalize(value + quantity.HalfStep)),
        };
    }

    /// <summary>1/x to four decimals; an open bound stays open, a factor of zero or less has none.</summary>
    private static decimal? Reciprocal(decimal? factor) =>
        factor is { } x && x > 0 ? QuantityReader.Normalize(Math.Round(1m / x, 4, MidpointRounding.AwayFromZero)) : null;

    private static (IReadOnlyList<string> Subjects, Source Source) ResolveSubjects(
        SentenceFacts facts,
        IReadOnlyList<EntityMention> inClause,
        bool hasPairCue,
        MetricDefinition metric,
        ArticleReading article,
        ParagraphContext context,
        Figure? previous)
    {
        var clauseCountries = Countries(inClause);
        var clauseRegions = Regions(inClause);
        var sentenceCountries = facts.Countries;
        var sentenceRegions = facts.Regions;
        var allowsRegions = !metric.Bilateral;

        (IReadOnlyList<string> Subjects, Source Source) found =
            clauseCountries.Count > 0 ? (clauseCountries, Source.Clause)
            : allowsRegions && clauseRegions.Count > 0 ? (clauseRegions, Source.Clause)
            : hasPairCue ? (article.MainCountries, Source.Clause)
            : previous is not null && Admissible(previous.Subjects, allowsRegions).Count > 0 ? (Admissible(previous.Subjects, allowsRegions), Source.Carried)
            : sentenceCountries.Count > 0 ? (sentenceCountries, Source.Sentence)
            : allowsRegions && sentenceRegions.Count > 0 ? (sentenceRegions, Source.Sentence)
            : context.Countries.Count > 0 ? (context.Countries, Source.Paragraph)
            : allowsRegions && context.Regions.Count > 0 ? (context.Regions, Source.Paragraph)
            : (article.MainCountries, Source.Article);

        var subjects = found.Subjects;
        if (metric.Bilateral)
        {
            // A bilateral figure that names one side ("казахстанские инвестиции") is between it and the article's other country.
            subjects = subjects.Count == 1 && article.MainCountries.Count == 2 && article.MainCountries.Contains(subjects[0])
                ? article.MainCountries
                : subjects.Count == 0 ? article.MainCountries : subjects;
        }

        return (DistinctSorted(subjects), found.Source);
    }

    // The helpers below run for every figure on lists of a few names: loops, not LINQ, since the
    // extractor's throughput is counted against a bare digit scan.
    private static IReadOnlyList<string> Countries(IReadOnlyList<EntityMention> mentions) =>
        DistinctNames(mentions, static mention => mention.Country);

    private static IReadOnlyList<string> Regions(IReadOnlyList<EntityMention> mentions) =>
        DistinctNames(mentions, static mention => mention.Country is null ? mention.Entry.Name : null);

    /// <summary>The non-null names of the mentions, once each, in the order first named.</summary>
    private static IReadOnlyList<string> DistinctNames(IReadOnlyList<EntityMention> mentions, Func<EntityMention, string?> nameOf)
    {
        List<string>? names = null;
        for (var at = 0; at < mentions.Count; at++)
        {
            var mention = mentions[at];
            if (nameOf(mention) is { } name && !(names?.Contains(name) ?? false))
            {
                (names ??= []).Add(name);
            }
        }

        return names ?? (IReadOnlyList<string>)[];
    }

    /// <summary>The names once each, in ordinal order.</summary>
    private static string[] DistinctSorted(IReadOnlyList<string> names)
    {
        var distinct = new List<string>(names.Count);
        for (var at = 0; at < names.Count; at++)
        {
            var name = names[at];
            if (!distinct.Contains(name))
            {
                distinct.Add(name);
            }
        }

        var sorted = distinct.ToArray();
        Array.Sort(sorted, string.CompareOrdinal);
        return sorted;
    }

    private static IReadOnlyList<string> Admissible(IReadOnlyList<string> subjects, bool allowsRegions) =>
        allowsRegions ? subjects : WhereCountry(subjects);

    private static bool IsCountryCode(string subject) => subject.Length == 2 && char.IsAsciiLetterUpper(subject[0]) && char.IsAsciiLetterUpper(subject[1]);

    /// <summary>The names that are (or are not) country codes, in their order.</summary>
    private static string[] WhereCountry(IReadOnlyList<string> names, bool country = true)
    {
        var count = 0;
        for (var at = 0; at < names.Count; at++)
        {
            var name = names[at];
            count += IsCountryCode(name) == country ? 1 : 0;
        }

        if (count == names.Count)
        {
            return names as string[] ?? [.. names];
        }

        var kept = new string[count];
        count = 0;
        for (var at = 0; at < names.Count; at++)
        {
            var name = names[at];
            if (IsCountryCode(name) == country)
            {
                kept[count++] = name;
            }
        }

        return kept;
    }

    /// <summary>
    /// Origin and destination from the roles of the clause's entities; when only one side is
    /// marked, the other is the other country of the figure. A region marked as one side of a
    /// flow whose other side is a single country joins the subjects ("трижды посетил страны
    /// Центральной Азии"). Without roles, a figure carried from the one before keeps its direction,
    /// and imports stated right after exports run the other way ("экспорт ..., импорт – ...").
    /// </summary>
    private static (IReadOnlyList<string> Subjects, string? Direction) ResolveDirection(
        IReadOnlyList<EntityMention> inClause, IReadOnlyList<string> subjects, MetricDefinition metric, Figure? previous, Source metricSource)
    {
        var origins = Sides(inClause, EntityRole.Origin, []);
        var destinations = Sides(inClause, EntityRole.Destination, origins);
        var countries = WhereCountry(subjects);

        // Visits go to regions too ("трижды посетил страны Центральной Азии"); goods through a port stay between countries.
        var region = countries.Length == 1 && metric.RegionSides
            ? (WhereCountry(origins, country: false) is [var first, ..] ? first : WhereCountry(destinations, country: false) is [var next, ..] ? next : null)
            : null;
        if (region is not null)
        {
            subjects = DistinctSorted([.. subjects, region]);
            countries = [countries[0], region];
        }
        else
        {
            origins = WhereCountry(origins);
            destinations = WhereCountry(destinations);
        }

        var origin = origins.Length == 1 ? origins[0] : null;
        var destination = destinations.Length == 1 ? destinations[0] : null;
        if (origin is null && destination is null)
        {
            if (metricSource == Source.Carried)
            {
                return (subjects, previous?.Direction);
            }

            return (subjects, IsReverseOf(metric, previous) && previous!.Direction is { } forward ? Reverse(forward) : null);
        }

        if (countries.Length == 2)
        {
            origin ??= OtherOf(countries, destination);
            destination ??= OtherOf(countries, origin);
        }

        return (subjects, origin is not null && destination is not null && origin != destination ? ClaimIds.Direction(origin, destination) : null);
    }

    /// <summary>The other of two countries when <paramref name="one"/> is one of them, else null.</summary>
    private static string? OtherOf(string[] countries, string? one) =>
        one == countries[0] ? countries[1] : one == countries[1] ? countries[0] : null;

    /// <summary>The countries (or regions) of the entities in a role, once each in the order named, but those in <paramref name="exclude"/>.</summary>
    private static string[] Sides(IReadOnlyList<EntityMention> inClause, EntityRole role, string[] exclude)
    {
        List<string>? sides = null;
        for (var at = 0; at < inClause.Count; at++)
        {
            var entity = inClause[at];
            if (entity.Role == role && (entity.Country ?? entity.Entry.Name) is var side
                && Array.IndexOf(exclude, side) < 0 && !(sides?.Contains(side) ?? false))
            {
                (sides ??= []).Add(side);
            }
        }

        return sides is null ? [] : [.. sides];
    }

    /// <summary>Imports right after exports (or the other way round) of the same sentence: the same trade seen from the other side.</summary>
    private static bool IsReverseOf(MetricDefinition metric, Figure? previous) =>
        previous is not null && (metric.Id, previous.BaseMetric.Id) is ("imports", "exports") or ("exports", "imports");

    private static string Reverse(string direction)
    {
        var arrow = direction.IndexOf("->", StringComparison.Ordinal);
        return $"{direction[(arrow + 2)..]}->{direction[..arrow]}";
    }
}
