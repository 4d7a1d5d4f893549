using System.Globalization;
using Claims.Extraction.Quantities;
using Claims.Extraction.Text;

namespace Claims.Extraction.Periods;

/// <summary>
/// A period stated in a sentence, tokens <see cref="Start"/>..<see cref="End"/> inclusive.
/// <see cref="IsHorizon"/>: a deadline ("к 2030 году", "2030 жылға қарай", "by 2030").
/// <see cref="IsBaseline"/>: not the period of a figure but the baseline of a comparison ("по сравнению
/// с прошлым годом", "than in 2023") or the start of a running total ("с 2005 года", "since 2005").
/// </summary>
internal sealed record PeriodMention(int Start, int End, string Value, bool IsHorizon, bool IsBaseline);

/// <summary>
/// Reads the periods of a sentence in the formats of the public contract: <c>2024</c>,
/// <c>2025-Q1</c>, <c>2025-01/2025-08</c>, <c>2019/2024</c>, <c>2025-03</c>, <c>2025-10-21</c>.
/// Relative years ("в прошлом году", "былтыр", "last year") resolve against the publication date
/// and are skipped when there is none: a period is never invented.
/// </summary>
internal static class PeriodReader
{
    private static readonly IReadOnlyList<(string Stem, int Month)> _months =
    [
        ("январ", 1), ("феврал", 2), ("=март", 3), ("=марта", 3), ("=марте", 3), ("апрел", 4), ("=май", 5), ("=мая", 5),
        ("=мае", 5), ("июн", 6), ("июл", 7), ("август", 8), ("сентябр", 9), ("октябр", 10), ("ноябр", 11), ("декабр", 12),
        ("қаңтар", 1), ("ақпан", 2), ("наурыз", 3), ("сәуір", 4), ("мамыр", 5), ("маусым", 6), ("шілде", 7), ("тамыз", 8),
        ("қыркүйек", 9), ("қазан", 10), ("қараша", 11), ("желтоқсан", 12),
        ("january", 1), ("=jan", 1), ("february", 2), ("=feb", 2), ("march", 3), ("=mar", 3), ("april", 4), ("=apr", 4),
        ("=may", 5), ("june", 6), ("=jun", 6), ("july", 7), ("=jul", 7), ("august", 8), ("=aug", 8), ("september", 9),
        ("=sep", 9), ("=sept", 9), ("october", 10), ("=oct", 10), ("november", 11), ("=nov", 11), ("december", 12), ("=dec", 12),
    ];

    private static readonly IReadOnlyList<(string Stem, int Number)> _ordinals =
    [
        ("перв", 1), ("втор", 2), ("трет", 3), ("четверт", 4), ("=i", 1), ("=ii", 2), ("=iii", 3), ("=iv", 4),
        ("бірінші", 1), ("екінші", 2), ("үшінші", 3), ("төртінші", 4), ("first", 1), ("second", 2), ("third", 3), ("fourth", 4),
    ];

    /// <summary>Month counts ("за 9 месяцев", "восемь месяцев", "first nine months", "9 айында") up to twelve.</summary>
    private static readonly IReadOnlyDictionary<string, int> _countWords = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["два"] = 2, ["двух"] = 2, ["три"] = 3, ["трех"] = 3, ["четыре"] = 4, ["четырех"] = 4, ["пять"] = 5, ["пяти"] = 5,
        ["шесть"] = 6, ["шести"] = 6, ["семь"] = 7, ["семи"] = 7, ["восемь"] = 8, ["восьми"] = 8, ["девять"] = 9, ["девяти"] = 9,
        ["десять"] = 10, ["десяти"] = 10, ["одиннадцать"] = 11, ["одиннадцати"] = 11,
        ["two"] = 2, ["three"] = 3, ["four"] = 4, ["five"] = 5, ["six"] = 6, ["seven"] = 7, ["eight"] = 8, ["nine"] = 9,
        ["ten"] = 10, ["eleven"] = 11,
        ["екі"] = 2, ["үш"] = 3, ["төрт"] = 4, ["бес"] = 5, ["алты"] = 6, ["жеті"] = 7, ["сегіз"] = 8, ["тоғыз"] = 9, ["он"] = 10,
    };

    private static readonly IReadOnlyList<string> _monthWords =
        ["месяц", "=month", "=months", "=ай", "=айы", "=айда", "=айында", "=айлығында", "=айлық", "=айдағы"];

    private static readonly IReadOnlyList<string> _quarterWords = ["квартал", "тоқсан", "quarter"];
    private static readonly IReadOnlyList<string> _halfYearWords = ["полугоди", "жартыжылдық", "=half"];
    private static readonly IReadOnlySet<string> _rangeConnectors = new HashSet<string>(StringComparer.Ordinal) { "по", "до", "to", "through", "till", "until", "and" };
    private static readonly IReadOnlySet<string> _yearPrepositions = new HashSet<string>(StringComparer.Ordinal)
    {
        "в", "во", "за", "к", "ко", "с", "по", "до", "in", "during", "for", "by", "since", "of", "until", "through",
    };

    private static readonly IReadOnlySet<string> _horizonPrepositions = new HashSet<string>(StringComparer.Ordinal) { "к", "ко", "by", "до", "until" };
    private static readonly IReadOnlySet<string> _horizonFillers = new HashSet<string>(StringComparer.Ordinal)
    {
        "концу", "конца", "началу", "середине", "середины", "end", "the", "of", "middle",
    };

    private static readonly IReadOnlySet<string> _kazakhHorizonPostpositions = new HashSet<string>(StringComparer.Ordinal) { "қарай", "дейін" };
    private static readonly IReadOnlySet<string> _baselineNouns = new HashSet<string>(StringComparer.Ordinal)
    {
        "периода", "периодом", "уровня", "уровнем", "показателей", "показателями", "показатели",
    };

    public static IReadOnlyList<PeriodMention> Read(IReadOnlyList<Token> tokens, DateOnly? publishedAt)
    {
        var mentions = new List<PeriodMention>();
        for (var i = 0; i < tokens.Count; i++)
        {
            if (TryRead(tokens, i, publishedAt) is { } found)
            {
                mentions.Add(found with
                {
                    IsHorizon = IsHorizon(tokens, found.Start, found.End),
                    IsBaseline = IsBaseline(tokens, found.Start, found.End, found.Value),
                });
                i = found.End;
            }
        }

        return mentions;
    }

    public static bool IsYearWord(string word) =>
        (word.StartsWith("год", StringComparison.Ordinal) && !word.StartsWith("годн", StringComparison.Ordinal))
        || word is "г" or "гг" or "ж" or "year" or "years"
        || word.StartsWith("жыл", StringComparison.Ordinal);

    private static PeriodMention? TryRead(IReadOnlyList<Token> tokens, int i, DateOnly? publishedAt) =>
        ReadMonthCount(tokens, i, publishedAt)
        ?? ReadMonthFirst(tokens, i, publishedAt)
        ?? ReadDayMonthYear(tokens, i, publishedAt)
        ?? ReadQuarterOrHalf(tokens, i, publishedAt)
        ?? ReadYearRange(tokens, i)
        ?? ReadYearFirst(tokens, i, publishedAt)
        ?? ReadYear(tokens, i, publishedAt);

    /// <summary>"за 9 месяцев 2025 года", "восемь месяцев 2025 года", "first nine months of 2025": January to that month.</summary>
    private static PeriodMention? ReadMonthCount(IReadOnlyList<Token> tokens, int i, DateOnly? publishedAt)
    {
        if (MonthCount(tokens, i) is not { } count || i + 1 >= tokens.Count || !Stems.MatchesAny(tokens[i + 1].Text, _monthWords))
        {
            return null;
        }

        var j = i + 2;
        if (j < tokens.Count && tokens[j].Text is "of")
        {
            j++;
        }

        return YearAt(tokens, j, publishedAt, requireContext: false) is { } year
            ? Mention(i, year.End, MonthsText(year.Year, 1, count))
            : null;
    }

    private static int? MonthCount(IReadOnlyList<Token> tokens, int i)
    {
        if (i >= tokens.Count)
        {
            return null;
        }

        var token = tokens[i];
        if (token.IsNumber)
        {
            return int.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is >= 2 and <= 12 ? number : null;
        }

        return token.IsWord && _countWords.TryGetValue(token.Text, out var counted) ? counted : null;
    }

    /// <summary>"с января по август 2025 года", "January-August 2025", "в марте 2025 года", "October 21, 2025".</summary>
    private static PeriodMention? ReadMonthFirst(IReadOnlyList<Token> tokens, int i, DateOnly? publishedAt)
    {
        if (Month(tokens, i) is not { } first)
        {
            return null;
        }

        var j = i + 1;
        var last = first;
        if (j + 1 < tokens.Count && (tokens[j].IsDash || _rangeConnectors.Contains(tokens[j].Text)) && Month(tokens, j + 1) is { } second)
        {
            last = second;
            j += 2;
        }
        else if (last == first && j < tokens.Count && tokens[j].IsNumber && Day(tokens[j].Text) is { } day)
        {
            var afterDay = j + 1 < tokens.Count && tokens[j + 1].IsSymbol(',') ? j + 2 : j + 1;
            if (YearAt(tokens, afterDay, publishedAt, requireContext: false) is { } dated)
            {
                return Mention(i, dated.End, DateText(dated.Year, first, day));
            }

            return null;
        }

        if (j < tokens.Count && tokens[j].IsSymbol(','))
        {
            j++;
        }

        if (YearAt(tokens, j, publishedAt, requireContext: false) is not { } year)
        {
            return null;
        }

        return Mention(i, year.End, MonthsText(year.Year, first, last));
    }

    /// <summary>"21 октября 2025 года", "21 October 2025".</summary>
    private static PeriodMention? ReadDayMonthYear(IReadOnlyList<Token> tokens, int i, DateOnly? publishedAt)
    {
        if (!tokens[i].IsNumber || Day(tokens[i].Text) is not { } day || Month(tokens, i + 1) is not { } month)
        {
            return null;
        }

        return YearAt(tokens, i + 2, publishedAt, requireContext: false) is { } year
            ? Mention(i, year.End, DateText(year.Year, month, day))
            : null;
    }

    /// <summary>"в первом квартале 2025 года", "Q1 2025", "first quarter of 2025", "первое полугодие 2025".</summary>
    private static PeriodMention? ReadQuarterOrHalf(IReadOnlyList<Token> tokens, int i, DateOnly? publishedAt)
    {
        var token = tokens[i];
        if (token.IsWord && token.Text.Length == 2 && token.Text[0] is 'q' or 'h' && token.Text[1] is >= '1' and <= '4')
        {
            var number = token.Text[1] - '0';
            var year = YearAt(tokens, i + 1, publishedAt, requireContext: false);
            if (year is null || (token.Text[0] == 'h' && number > 2))
            {
                return null;
            }

            return Mention(i, year.Value.End, token.Text[0] == 'q' ? $"{year.Value.Year}-Q{number}" : HalfText(year.Value.Year, number));
        }

        if (Ordinal(tokens, i, out var afterOrdinal) is not { } ordinal || afterOrdinal >= tokens.Count)
        {
            return null;
        }

        var word = tokens[afterOrdinal].Text;
        var isQuarter = Stems.MatchesAny(word, _quarterWords);
        var isHalf = Stems.MatchesAny(word, _halfYearWords) && ordinal <= 2;
        if (!isQuarter && !isHalf)
        {
            return null;
        }

        var j = afterOrdinal + 1;
        if (j < tokens.Count && tokens[j].Text is "of")
        {
            j++;
        }

        return YearAt(tokens, j, publishedAt, requireContext: false) is { } found
            ? Mention(i, found.End, isQuarter ? $"{found.Year}-Q{ordinal}" : HalfText(found.Year, ordinal))
            : null;
    }

    /// <summary>"2019–2024 годы", "с 2019 по 2024 год", "2022–2027 жылдарға".</summary>
    private static PeriodMention? ReadYearRange(IReadOnlyList<Token> tokens, int i)
    {
        if (YearNumber(tokens, i) is not { } from || i + 2 >= tokens.Count)
        {
            return null;
        }

        var connector = tokens[i + 1];
        if (!(connector.IsDash || _rangeConnectors.Contains(connector.Text)) || YearNumber(tokens, i + 2) is not { } to || to <= from)
        {
            return null;
        }

        var end = i + 2;
        if (end + 1 < tokens.Count && tokens[end + 1].IsWord && IsYearWord(tokens[end + 1].Text))
        {
            end++;
        }

        return Mention(i, end, $"{from}/{to}");
    }

    /// <summary>Kazakh puts the year first: "2025 жылдың қаңтар-тамызы", "2025 жылғы бірінші тоқсан", "2025 жылдың наурыз айында".</summary>
    private static PeriodMention? ReadYearFirst(IReadOnlyList<Token> tokens, int i, DateOnly? publishedAt)
    {
        if (YearAt(tokens, i, publishedAt, requireContext: false) is not { } year || year.End == i)
        {
            return null;
        }

        var j = year.End + 1;
        if (Month(tokens, j) is { } first)
        {
            var last = first;
            var end = j;
            if (j + 2 < tokens.Count && tokens[j + 1].IsDash && Month(tokens, j + 2) is { } second)
            {
                last = second;
                end = j + 2;
            }

            return Mention(i, end, MonthsText(year.Year, first, last));
        }

        if (MonthCount(tokens, j) is { } count && j + 1 < tokens.Count && Stems.MatchesAny(tokens[j + 1].Text, _monthWords))
        {
            return Mention(i, j + 1, MonthsText(year.Year, 1, count));
        }

        if (Ordinal(tokens, j, out var afterOrdinal) is { } ordinal && afterOrdinal < tokens.Count)
        {
            var word = tokens[afterOrdinal].Text;
            if (Stems.MatchesAny(word, _quarterWords))
            {
                return Mention(i, afterOrdinal, $"{year.Year}-Q{ordinal}");
            }

            if (Stems.MatchesAny(word, _halfYearWords) && ordinal <= 2)
            {
                return Mention(i, afterOrdinal, HalfText(year.Year, ordinal));
            }
        }

        return null;
    }

    private static PeriodMention? ReadYear(IReadOnlyList<Token> tokens, int i, DateOnly? publishedAt) =>
        YearAt(tokens, i, publishedAt, requireContext: true) is { } year ? Mention(i, year.End, year.Year.ToString(CultureInfo.InvariantCulture)) : null;

    /// <summary>
    /// A year at <paramref name="i"/>: a number 1900–2100 (with "-м", "году", "жылы", "г." after it)
    /// or a relative phrase. A bare number needs a year word after it or a preposition before it
    /// unless a month or quarter already framed it.
    /// </summary>
    private static (int Year, int End)? YearAt(IReadOnlyList<Token> tokens, int i, DateOnly? publishedAt, bool requireContext)
    {
        if (i >= tokens.Count)
        {
            return null;
        }

        if (YearNumber(tokens, i) is { } year)
        {
            var end = i;
            if (end + 2 < tokens.Count && tokens[end + 1].IsDash && !tokens[end + 1].SpacedBefore && tokens[end + 2].Text is "м" or "го" or "й")
            {
                end += 2;
            }

            var hasYearWord = end + 1 < tokens.Count && tokens[end + 1].IsWord && IsYearWord(tokens[end + 1].Text);
            if (hasYearWord)
            {
                end++;
                if (end + 1 < tokens.Count && tokens[end].Text is "г" or "гг" or "ж" && tokens[end + 1].IsSymbol('.'))
                {
                    end++;
                }
            }

            var hasPreposition = i > 0 && _yearPrepositions.Contains(tokens[i - 1].Text);
            return !requireContext || hasYearWord || hasPreposition ? (year, end) : null;
        }

        return RelativeYear(tokens, i, publishedAt);
    }

    private static (int Year, int End)? RelativeYear(IReadOnlyList<Token> tokens, int i, DateOnly? publishedAt)
    {
        if (publishedAt is not { } published || !tokens[i].IsWord)
        {
            return null;
        }

        var word = tokens[i].Text;
        var next = i + 1 < tokens.Count ? tokens[i + 1].Text : "";
        var baseYear = published.Year;
        if (word.StartsWith("биыл", StringComparison.Ordinal))
        {
            return (baseYear, i);
        }

        if (word.StartsWith("былтыр", StringComparison.Ordinal))
        {
            return (baseYear - 1, i);
        }

        var isSingularRussianYear = next.StartsWith("год", StringComparison.Ordinal) && next is not ("годы" or "годов" or "годам" or "годах" or "годами");
        var isSingularKazakhYear = next is "жылы" or "жылғы" or "жылдың" or "жылда" or "жылға";
        var offset = (word, isSingularRussianYear, isSingularKazakhYear, next) switch
        {
            (_, true, _, _) when word.StartsWith("позапрошл", StringComparison.Ordinal) => -2,
            (_, true, _, _) when word is "этот" or "этом" or "этого" or "этому" || word.StartsWith("текущ", StringComparison.Ordinal) || word.StartsWith("нынешн", StringComparison.Ordinal) => 0,
            (_, true, _, _) when word.StartsWith("прошл", StringComparison.Ordinal) || word.StartsWith("прошедш", StringComparison.Ordinal) || word.StartsWith("минувш", StringComparison.Ordinal) => -1,
            (_, true, _, _) when word.StartsWith("следующ", StringComparison.Ordinal) || word.StartsWith("будущ", StringComparison.Ordinal) || word.StartsWith("предстоящ", StringComparison.Ordinal) => 1,
            ("осы", _, true, _) => 0,
            ("өткен", _, true, _) => -1,
            ("келер" or "келесі", _, true, _) => 1,
            ("this" or "current", _, _, "year") => 0,
            ("last" or "previous", _, _, "year") => -1,
            ("next", _, _, "year") => 1,
            _ => (int?)null,
        };
        return offset is { } delta ? (baseYear + delta, i + 1) : null;
    }

    private static int? YearNumber(IReadOnlyList<Token> tokens, int i) =>
        i < tokens.Count && tokens[i].IsNumber && tokens[i].Text.Length == 4
        && int.TryParse(tokens[i].Text, NumberStyles.None, CultureInfo.InvariantCulture, out var year) && year is >= 1900 and <= 2100
            ? year
            : null;

    private static int? Month(IReadOnlyList<Token> tokens, int i)
    {
        if (i >= tokens.Count || !tokens[i].IsWord)
        {
            return null;
        }

        foreach (var (stem, month) in _months)
        {
            if (Stems.Matches(tokens[i].Text, stem))
            {
                return month;
            }
        }

        return null;
    }

    private static int? Day(string written) =>
        written.Length <= 2 && int.TryParse(written, NumberStyles.None, CultureInfo.InvariantCulture, out var day) && day is >= 1 and <= 31 ? day : null;

    /// <summary>An ordinal word ("первом", "бірінші", "first", "II") or a digit with an ordinal ending ("1-м", "1-тоқсан").</summary>
    private static int? Ordinal(IReadOnlyList<Token> tokens, int i, out int next)
    {
        next = i + 1;
        if (i >= tokens.Count)
        {
            return null;
        }

        var token = tokens[i];
        if (token.IsNumber && token.Text.Length == 1 && token.Text[0] is >= '1' and <= '4')
        {
            if (next + 1 < tokens.Count && tokens[next].IsDash && !tokens[next].SpacedBefore && tokens[next + 1].Text is "м" or "й" or "го" or "ші" or "шы" or "інші" or "ыншы")
            {
                next += 2;
            }
            else if (next < tokens.Count && tokens[next].IsDash && !tokens[next].SpacedBefore)
            {
                next += 1;
            }

            return token.Text[0] - '0';
        }

        if (!token.IsWord)
        {
            return null;
        }

        foreach (var (stem, number) in _ordinals)
        {
            if (Stems.Matches(token.Text, stem))
            {
                return number;
            }
        }

        return null;
    }

    private static bool IsHorizon(IReadOnlyList<Token> tokens, int start, int end)
    {
        for (var k = start - 1; k >= 0 && k >= start - 4; k--)
        {
            var word = tokens[k].Text;
            if (_horizonPrepositions.Contains(word))
            {
                return true;
            }

            if (!_horizonFillers.Contains(word))
            {
                break;
            }
        }

        var next = end + 1 < tokens.Count ? tokens[end + 1].Text : "";
        return _kazakhHorizonPostpositions.Contains(next)
            && (tokens[end].Text.EndsWith("ға", StringComparison.Ordinal) || tokens[end].Text.EndsWith("ге", StringComparison.Ordinal));
    }

    private static bool IsBaseline(IReadOnlyList<Token> tokens, int start, int end, string value)
    {
        for (var k = start - 1; k >= 0 && k >= start - 4; k--)
        {
            if (tokens[k].IsWord && (Stems.MatchesAny(tokens[k].Text, Lexicon.ComparisonCues) || _baselineNouns.Contains(tokens[k].Text)))
            {
                return true;
            }
        }

        var previous = start > 0 ? tokens[start - 1].Text : "";
        var next = end + 1 < tokens.Count ? tokens[end + 1].Text : "";
        // "с января по август" is a span; "с 2005 года" alone is where a running total starts.
        var isSpan = value.Contains('/', StringComparison.Ordinal);
        var isRunningTotal = !isSpan
            && (previous is "since" or "с" or "со" || (next == "бері" && tokens[end].Text.EndsWith("дан", StringComparison.Ordinal)));
        return isRunningTotal || next is "салыстырғанда" or "қарағанда";
    }

    private static PeriodMention Mention(int start, int end, string value) => new(start, end, value, false, false);

    private static string MonthsText(int year, int first, int last) =>
        first == last || last < first
            ? string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{first:D2}")
            : string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{first:D2}/{year:D4}-{last:D2}");

    private static string DateText(int year, int month, int day) =>
        day <= DateTime.DaysInMonth(year, month) ? string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{month:D2}-{day:D2}") : MonthsText(year, month, month);

    private static string HalfText(int year, int half) => half == 1 ? MonthsText(year, 1, 6) : MonthsText(year, 7, 12);
}
