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
/// </summary>
internal sealed class FigureResolver(MetricMatcher metricMatcher, QuantityReader quantityReader)
{
    private const double BaseConfidence = 0.9;
    private const decimal ApproxBand = 0.05m;

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
    }

    public IReadOnlyList<Figure> Resolve(AnalysedSentence sentence, ArticleReading article, ParagraphContext context)
    {
        var tokens = sentence.Tokens;
        var quantities = quantityReader.ReadAll(tokens, article.Language);
        if (quantities.Count == 0)
        {
            return [];
        }

        var periods = PeriodReader.Read(tokens, article.PublishedAt);
        var clauses = Clauses(tokens, quantities);
        var figures = new List<Figure>();
        for (var k = 0; k < quantities.Count; k++)
        {
            var previous = figures.Count > 0 ? figures[^1] : null;
            if (ResolveOne(sentence, article, context, quantities[k], clauses[k], periods, previous) is { } figure)
            {
                figures.Add(figure);
            }
        }

        return figures;
    }

    /// <summary>
    /// The tokens a figure owns, <see cref="HeadStart"/> up to <see cref="TailEnd"/> (exclusive).
    /// A period may also stand after a following figure of the same clause ("fell 2% to 55 million
    /// tonnes last year"), so its search runs to <see cref="PeriodEnd"/>, the first clause break.
    /// </summary>
    private sealed record Clause(int HeadStart, int TailEnd, int PeriodEnd);

    private static Clause[] Clauses(IReadOnlyList<Token> tokens, IReadOnlyList<Quantity> quantities)
    {
        var clauses = new Clause[quantities.Count];
        var headStart = 0;
        for (var k = 0; k < quantities.Count; k++)
        {
            var quantity = quantities[k];
            var isLast = k == quantities.Count - 1;
            var limit = isLast ? tokens.Count : quantities[k + 1].FirstToken;
            var clauseBreak = FirstClauseBreak(tokens, quantity.LastToken + 1, limit);
            var hasBreak = clauseBreak < limit;
            var tailEnd = hasBreak || isLast ? clauseBreak : quantity.LastToken + 1;
            var periodEnd = hasBreak ? clauseBreak : FirstClauseBreak(tokens, quantity.LastToken + 1, tokens.Count);
            clauses[k] = new Clause(headStart, tailEnd, periodEnd);
            headStart = hasBreak ? clauseBreak + 1 : quantity.LastToken + 1;
        }

        return clauses;
    }

    /// <summary>The first comma, colon, semicolon or end mark in [from, to), or <paramref name="to"/>.</summary>
    private static int FirstClauseBreak(IReadOnlyList<Token> tokens, int from, int to)
    {
        for (var t = from; t < to; t++)
        {
            if (tokens[t].IsClauseBreak)
            {
                return t;
            }
        }

        return to;
    }

    private Figure? ResolveOne(
        AnalysedSentence sentence,
        ArticleReading article,
        ParagraphContext context,
        Quantity quantity,
        Clause clause,
        IReadOnlyList<PeriodMention> periods,
        Figure? previous)
    {
        var tokens = sentence.Tokens;
        var kind = quantity.Kind;
        var unit = quantity.Unit;
        var unitInherited = false;
        if (kind == QuantityKind.Bare)
        {
            // "довести этот показатель до 1 млрд" after "533 млн долларов": the unit is the previous figure's.
            if (previous is null || previous.Kind is not (QuantityKind.Currency or QuantityKind.Mass or QuantityKind.Teu))
            {
                return null;
            }

            (kind, unit, unitInherited) = (previous.Kind, previous.Unit, true);
        }

        var sign = ChangeSign(tokens, clause, quantity.NumberToken);
        var isGrowthRate = kind == QuantityKind.Percent && !quantity.IsChange && IsGrowthRate(tokens, clause, quantity);
        var derivation = kind switch
        {
            QuantityKind.Percent when quantity.IsChange || isGrowthRate => Derivation.Growth,
            QuantityKind.Multiplier => Derivation.Multiple,
            QuantityKind.Currency or QuantityKind.Mass or QuantityKind.Teu when quantity.IsChange && sign != 0 => Derivation.Change,
            _ => Derivation.None,
        };

        // A multiplier is a claim only as growth ("увеличится в 3 раза"); a fall by a factor is left for a later version.
        if (derivation == Derivation.Multiple && sign <= 0)
        {
            return null;
        }

        var metric = ResolveMetric(tokens, clause, quantity, kind, derivation, previous, context, out var metricSource);
        if (metric is null)
        {
            return null;
        }

        var isTarget = HasCue(tokens, clause, Lexicon.TargetCues);
        var isForecast = HasCue(tokens, clause, Lexicon.ForecastCues);
        var chosenPeriod = ChoosePeriod(periods, clause, quantity);
        var period = chosenPeriod?.Value;
        var periodCarried = false;
        if (period is null && !isTarget && !isForecast && previous is { Qualifier: not (Qualifiers.Target or Qualifiers.Forecast) })
        {
            period = previous.Period;
            periodCarried = period is not null;
        }

        var isHorizon = chosenPeriod?.IsHorizon == true;
        var hedge = quantity.Hedge;
        if (quantity.HedgeIsBareUpTo && (isTarget || isForecast || isHorizon || HasChangeVerb(tokens, 0, quantity.FirstToken)))
        {
            // "вырос на 62%, до 4,5 млн тонн" and "довести до 10 млн тонн": "до" is "to", not "up to".
            hedge = Hedge.None;
        }

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

        var inClause = sentence.Entities.Where(entity => entity.Start >= clause.HeadStart && entity.End < clause.TailEnd).ToArray();
        var hasPairCue = sentence.PairCues.Any(cue => cue >= clause.HeadStart && cue < clause.TailEnd);
        var (subjects, subjectSource) = ResolveSubjects(sentence, inClause, hasPairCue, metric, article, context, previous);
        var direction = metric.Flow ? ResolveDirection(inClause, subjects, previous, metricSource) : null;

        var confidence = BaseConfidence
            - (metricSource == Source.Carried ? 0.1 : metricSource == Source.Paragraph ? 0.2 : 0)
            - (subjectSource is Source.Paragraph or Source.Article ? 0.1 : 0)
            - (subjects.Count == 0 ? 0.2 : 0)
            - (unitInherited ? 0.1 : 0)
            - (periodCarried ? 0.05 : 0);

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
        IReadOnlyList<Token> tokens,
        Clause clause,
        Quantity quantity,
        QuantityKind kind,
        Derivation derivation,
        Figure? previous,
        ParagraphContext context,
        out Source source)
    {
        Func<MetricDefinition, bool> accepts = derivation != Derivation.None
            ? _ => true
            : kind == QuantityKind.Count
                ? quantity.CountMetrics.Contains
                : metric => metric.Units.Contains(UnitKindOf(kind));

        source = Source.Clause;
        if (metricMatcher.Best(tokens, clause.HeadStart, clause.TailEnd, quantity.NumberToken, accepts) is { } match)
        {
            return match.Metric;
        }

        // Counts need their own words ("компаний с участием казахстанского капитала"); everything
        // else may continue the metric of the figure before it ("а за январь-август – 547 млн").
        if (kind == QuantityKind.Count)
        {
            return null;
        }

        if (previous is not null && accepts(previous.BaseMetric))
        {
            source = Source.Carried;
            return previous.BaseMetric;
        }

        if (context.LastMetric is { } paragraphMetric && accepts(paragraphMetric))
        {
            source = Source.Paragraph;
            return paragraphMetric;
        }

        return null;
    }

    /// <summary>
    /// "Рост ВВП составил 4,8%": a percentage stated as the level of a growth noun is a growth rate,
    /// unless the clause names a metric measured in percent ("доля ... рост до 85%").
    /// </summary>
    private bool IsGrowthRate(IReadOnlyList<Token> tokens, Clause clause, Quantity quantity) =>
        HasCue(tokens, clause, Lexicon.GrowthNouns)
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
        _ => MetricUnitKind.Count,
    };

    /// <summary>The period nearest before the figure in its clause, else the first after it; never a baseline.</summary>
    private static PeriodMention? ChoosePeriod(IReadOnlyList<PeriodMention> periods, Clause clause, Quantity quantity)
    {
        PeriodMention? before = null;
        foreach (var period in periods.Where(period => !period.IsBaseline))
        {
            if (period.Start >= clause.HeadStart && period.End < quantity.FirstToken)
            {
                before = period;
            }
        }

        return before ?? periods.FirstOrDefault(period => !period.IsBaseline && period.Start > quantity.LastToken && period.End < clause.PeriodEnd);
    }

    private static bool HasCue(IReadOnlyList<Token> tokens, Clause clause, IReadOnlyList<string> cues)
    {
        for (var k = clause.HeadStart; k < clause.TailEnd; k++)
        {
            if (tokens[k].IsWord && Stems.MatchesAny(tokens[k].Text, cues))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasChangeVerb(IReadOnlyList<Token> tokens, int from, int to)
    {
        for (var k = from; k < to; k++)
        {
            if (tokens[k].IsWord && (Stems.MatchesAny(tokens[k].Text, Lexicon.Increase) || Stems.MatchesAny(tokens[k].Text, Lexicon.Decrease)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>+1 when the change word nearest the figure is a rise, -1 for a fall, 0 when the clause has none.</summary>
    private static int ChangeSign(IReadOnlyList<Token> tokens, Clause clause, int anchor)
    {
        var sign = 0;
        var nearest = int.MaxValue;
        for (var k = clause.HeadStart; k < clause.TailEnd; k++)
        {
            if (!tokens[k].IsWord || Math.Abs(k - anchor) >= nearest)
            {
                continue;
            }

            if (Stems.MatchesAny(tokens[k].Text, Lexicon.Increase))
            {
                (sign, nearest) = (1, Math.Abs(k - anchor));
            }
            else if (Stems.MatchesAny(tokens[k].Text, Lexicon.Decrease))
            {
                (sign, nearest) = (-1, Math.Abs(k - anchor));
            }
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

    private static (IReadOnlyList<string> Subjects, Source Source) ResolveSubjects(
        AnalysedSentence sentence,
        IReadOnlyList<EntityMention> inClause,
        bool hasPairCue,
        MetricDefinition metric,
        ArticleReading article,
        ParagraphContext context,
        Figure? previous)
    {
        var clauseCountries = Countries(inClause);
        var clauseRegions = Regions(inClause);
        var sentenceCountries = Countries(sentence.Entities);
        var sentenceRegions = Regions(sentence.Entities);
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

        return ([.. subjects.Distinct().Order(StringComparer.Ordinal)], found.Source);
    }

    private static IReadOnlyList<string> Countries(IEnumerable<EntityMention> mentions) =>
        [.. mentions.Select(mention => mention.Country).OfType<string>().Distinct()];

    private static IReadOnlyList<string> Regions(IEnumerable<EntityMention> mentions) =>
        [.. mentions.Where(mention => mention.Country is null).Select(mention => mention.Entry.Name).Distinct()];

    private static IReadOnlyList<string> Admissible(IReadOnlyList<string> subjects, bool allowsRegions) =>
        allowsRegions ? subjects : [.. subjects.Where(IsCountryCode)];

    private static bool IsCountryCode(string subject) => subject.Length == 2 && subject.All(char.IsAsciiLetterUpper);

    /// <summary>
    /// Origin and destination from the roles of the clause's countries; when only one side is
    /// marked and the figure is between two countries, the other side is the other country.
    /// </summary>
    private static string? ResolveDirection(IReadOnlyList<EntityMention> inClause, IReadOnlyList<string> subjects, Figure? previous, Source metricSource)
    {
        var origins = inClause.Where(entity => entity.Role == EntityRole.Origin).Select(entity => entity.Country).OfType<string>().Distinct().ToArray();
        var destinations = inClause.Where(entity => entity.Role == EntityRole.Destination).Select(entity => entity.Country).OfType<string>()
            .Distinct().Where(country => !origins.Contains(country)).ToArray();
        var countries = subjects.Where(IsCountryCode).ToArray();
        var origin = origins.Length == 1 ? origins[0] : null;
        var destination = destinations.Length == 1 ? destinations[0] : null;
        if (origin is null && destination is null)
        {
            return metricSource == Source.Carried ? previous?.Direction : null;
        }

        if (countries.Length == 2)
        {
            origin ??= countries.Contains(destination) ? countries.First(country => country != destination) : null;
            destination ??= countries.Contains(origin) ? countries.First(country => country != origin) : null;
        }

        return origin is not null && destination is not null && origin != destination ? ClaimIds.Direction(origin, destination) : null;
    }
}
