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
/// What is relative to the publication date resolves against it and is skipped when there is none,
/// so a period is never invented: "в прошлом году", "былтыр", "last year"; year to date ("с начала
/// года", "жыл басынан бері", "since the start of the year": January to the month of publication);
/// "за последние пять лет" (the five calendar years before publication); months without a year
/// ("за январь–август": the latest such months up to publication).
/// </summary>
/// <param name="index">The word index tokens were walked through.</param>
/// <param name="tryEveryToken">Tries every reader at every token instead of only where <see cref="MayStart"/> allows: slower, and what tests hold that shortcut to.</param>
internal sealed class PeriodReader(WordIndex index, bool tryEveryToken = false)
{
    /// <summary>The words some reader starts at, besides numbers, months, ordinals, number words and relative years.</summary>
    private static readonly IReadOnlySet<string> _startWords = new HashSet<string>(StringComparer.Ordinal)
    {
        "с", "со", "жыл", "since", "year", "последние", "последних", "past", "last", "соңғы",
    };

    private static readonly IReadOnlySet<string> _rangeConnectors = new HashSet<string>(StringComparer.Ordinal) { "по", "до", "to", "through", "till", "until", "and" };
    private static readonly IReadOnlySet<string> _yearPrepositions = new HashSet<string>(StringComparer.Ordinal)
    {
        "в", "во", "за", "к", "ко", "с", "по", "до", "in", "during", "for", "by", "since", "of", "until", "through",
    };

    /// <summary>Words before a month that make it a period of the publication year when no year follows ("за январь–август", "in May").</summary>
    private static readonly IReadOnlySet<string> _monthPrepositions = new HashSet<string>(StringComparer.Ordinal)
    {
        "в", "во", "за", "с", "итогам", "in", "during", "for", "from",
    };

    private static readonly IReadOnlySet<string> _horizonPrepositions = new HashSet<string>(StringComparer.Ordinal) { "к", "ко", "by", "до", "until" };
    private static readonly IReadOnlySet<string> _horizonFillers = new HashSet<string>(StringComparer.Ordinal)
    {
        "концу", "конца", "началу", "середине", "середины", "end", "the", "of", "middle",
    };

    private static readonly IReadOnlySet<string> _kazakhHorizonPostpositions = new HashSet<string>(StringComparer.Ordinal) { "қарай", "дейін" };
    private static readonly IReadOnlySet<string> _comparisonPostpositions = new HashSet<string>(StringComparer.Ordinal) { "салыстырғанда", "қарағанда" };

    public IReadOnlyList<PeriodMention> Read(Token[] tokens, DateOnly? publishedAt)
    {
        var mentions = new List<PeriodMention>();
        for (var i = 0; i < tokens.Length; i++)
        {
            if ((tryEveryToken || MayStart(tokens, i, publishedAt)) && TryRead(tokens, i, publishedAt) is { } found)
            {
                mentions.Add(found with
                {
                    IsHorizon = IsHorizon(tokens, found.Start, found.End),
                    IsBaseline = found.IsBaseline || IsBaseline(tokens, found.Start, found.End, found.Value),
                });
                i = found.End;
            }
        }

        return mentions;
    }

    public static bool IsYearWord(Token token) => token.Is(WordClass.YearWord) && !token.Is(WordClass.NotYearWord);

    /// <summary>
    /// Whether any reader of <see cref="TryRead"/> can start at token <paramref name="i"/>: the first
    /// test of each, gathered, so that the nine readers are not each called at every token of every
    /// sentence with a figure. A number (years, days, month counts, "1-м"); a month, an ordinal or a
    /// number word; "q1" or "h2"; and, with a publication date, the words year-to-date and recent-years
    /// periods start with, a word in б ("биыл", "былтыр") or any word before a year word ("прошлом году").
    /// </summary>
    private static bool MayStart(Token[] tokens, int i, DateOnly? publishedAt)
    {
        var token = tokens[i];
        if (token.IsNumber)
        {
            return true;
        }

        if (!token.IsWord)
        {
            return false;
        }

        var text = token.Text;
        return token.Is(WordClass.Month | WordClass.Ordinal | WordClass.NumberWord)
            || (text.Length == 2 && text[0] is 'q' or 'h')
            || (publishedAt is not null && (text[0] == 'б' || _startWords.Contains(text) || (i + 1 < tokens.Length && IsYearWord(tokens[i + 1]))));
    }

    private PeriodMention? TryRead(Token[] tokens, int i, DateOnly? publishedAt) =>
        ReadYearToDate(tokens, i, publishedAt)
        ?? ReadRecentYears(tokens, i, publishedAt)
        ?? ReadMonthCount(tokens, i, publishedAt)
        ?? ReadMonthFirst(tokens, i, publishedAt)
        ?? ReadDayMonthYear(tokens, i, publishedAt)
        ?? ReadQuarterOrHalf(tokens, i, publishedAt)
        ?? ReadYearRange(tokens, i)
        ?? ReadYearFirst(tokens, i, publishedAt)
        ?? ReadYear(tokens, i, publishedAt);

    /// <summary>
    /// "с начала года", "с начала 2025 года", "жыл басынан бері", "since the start of the year",
    /// "year to date": January to the month of publication (or the whole of an earlier year).
    /// </summary>
    private static PeriodMention? ReadYearToDate(Token[] tokens, int i, DateOnly? publishedAt)
    {
        if (publishedAt is not { } published)
        {
            return null;
        }

        var text = tokens[i].Text;
        int end;
        int? year = null;
        if (text is "с" or "со" && Next(tokens, i, 1) == "начала")
        {
            end = Next(tokens, i, 2) is "текущего" or "этого" ? i + 3 : i + 2;
            if (YearNumber(tokens, end) is { } stated)
            {
                (year, end) = (stated, end + 1);
            }

            var endsWithYearWord = end < tokens.Length && IsYearWord(tokens[end]) && !tokens[end].Text.StartsWith("годы", StringComparison.Ordinal);
            if (!endsWithYearWord)
            {
                if (year is null)
                {
                    return null;
                }

                end--;
            }
        }
        else if (text == "жыл" && Next(tokens, i, 1) == "басынан")
        {
            end = Next(tokens, i, 2) is "бері" or "бастап" ? i + 2 : i + 1;
        }
        else if (text == "since" && Next(tokens, i, 1) == "the" && Next(tokens, i, 2) is "start" or "beginning" && Next(tokens, i, 3) == "of"
            && Next(tokens, i, 4) == "the" && Next(tokens, i, 5) == "year")
        {
            end = i + 5;
        }
        else if (text == "year" && Next(tokens, i, 1) is "-" or "to" && Next(tokens, i, 2) is "to" or "date")
        {
            end = Next(tokens, i, 2) == "to" && Next(tokens, i, 3) is "-" && Next(tokens, i, 4) == "date" ? i + 4 : i + 2;
            if (tokens[end].Text != "date")
            {
                return null;
            }
        }
        else
        {
            return null;
        }

        var from = year ?? published.Year;
        var lastMonth = from == published.Year ? published.Month : 12;
        return from > published.Year ? null : Mention(i, end, MonthsText(from, 1, lastMonth));
    }

    /// <summary>"за последние пять лет", "over the past five years", "соңғы бес жылда": the N calendar years before publication.</summary>
    private PeriodMention? ReadRecentYears(Token[] tokens, int i, DateOnly? publishedAt)
    {
        if (publishedAt is not { } published || tokens[i].Text is not ("последние" or "последних" or "past" or "last" or "соңғы") || i + 2 >= tokens.Length)
        {
            return null;
        }

        int? count = tokens[i + 1].IsNumber && int.TryParse(tokens[i + 1].Text, NumberStyles.None, CultureInfo.InvariantCulture, out var digits)
            ? digits
            : NumberWords.Info(index, tokens[i + 1], "kk") is { Role: NumberWordRole.Add } word && word.Value == decimal.Truncate(word.Value) ? (int)word.Value : null;
        if (count is not ({ } n and >= 2 and <= 30) || !IsYearWord(tokens[i + 2]))
        {
            return null;
        }

        return Mention(i, i + 2, string.Create(CultureInfo.InvariantCulture, $"{published.Year - n}/{published.Year - 1}"));
    }

    /// <summary>
    /// "за 9 месяцев 2025 года", "восемь месяцев 2025 года", "first nine months of 2025": January to
    /// that month; without a year ("по итогам девяти месяцев", "first nine months of the year") the
    /// latest such months up to publication.
    /// </summary>
    private PeriodMention? ReadMonthCount(Token[] tokens, int i, DateOnly? publishedAt)
    {
        if (MonthCount(tokens, i) is not { } count || i + 1 >= tokens.Length || !tokens[i + 1].Is(WordClass.MonthWord))
        {
            return null;
        }

        var j = i + 2;
        if (j < tokens.Length && tokens[j].Text is "of")
        {
            j++;
        }

        if (YearAt(tokens, j, publishedAt, requireContext: false) is { } year)
        {
            return Mention(i, year.End, MonthsText(year.Year, 1, count));
        }

        return LatestYear(publishedAt, count) is { } latest ? Mention(i, TheYearEnd(tokens, j) ?? i + 1, MonthsText(latest, 1, count)) : null;
    }

    /// <summary>The year of the latest period ending with month <paramref name="lastMonth"/> on or before publication.</summary>
    private static int? LatestYear(DateOnly? publishedAt, int lastMonth) =>
        publishedAt is { } published ? (lastMonth <= published.Month ? published.Year : published.Year - 1) : null;

    /// <summary>"the year" after "first nine months of": part of the period, pointing at the publication year.</summary>
    private static int? TheYearEnd(Token[] tokens, int j) =>
        j + 1 < tokens.Length && tokens[j].Text is "the" or "this" && tokens[j + 1].Text == "year" ? j + 1 : null;

    private int? MonthCount(Token[] tokens, int i)
    {
        if (i >= tokens.Length)
        {
            return null;
        }

        var token = tokens[i];
        if (token.IsNumber)
        {
            return int.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is >= 2 and <= 12 ? number : null;
        }

        return NumberWords.Info(index, token, "kk") is { Role: NumberWordRole.Add } word && word.Value is >= 2 and <= 11 && word.Value == decimal.Truncate(word.Value)
            ? (int)word.Value
            : null;
    }

    /// <summary>"с января по август 2025 года", "January-August 2025", "в марте 2025 года", "October 21, 2025", "за январь–август".</summary>
    private PeriodMention? ReadMonthFirst(Token[] tokens, int i, DateOnly? publishedAt)
    {
        if (Month(tokens, i) is not { } first)
        {
            return null;
        }

        var j = i + 1;
        var last = first;
        var isRange = false;
        if (j + 1 < tokens.Length && (tokens[j].IsDash || _rangeConnectors.Contains(tokens[j].Text)) && Month(tokens, j + 1) is { } second)
        {
            (last, isRange) = (second, true);
            j += 2;
        }
        else if (j < tokens.Length && tokens[j].IsNumber && Day(tokens[j].Text) is { } day)
        {
            var afterDay = j + 1 < tokens.Length && tokens[j + 1].IsSymbol(',') ? j + 2 : j + 1;
            return YearAt(tokens, afterDay, publishedAt, requireContext: false) is { } dated
                ? Mention(i, dated.End, DateText(dated.Year, first, day))
                : null;
        }

        var beforeYear = j < tokens.Length && tokens[j].IsSymbol(',') ? j + 1 : j;
        if (YearAt(tokens, beforeYear, publishedAt, requireContext: false) is { } year)
        {
            return Mention(i, year.End, MonthsText(year.Year, first, last));
        }

        // No year: "за январь–август", "қаңтар-тамыз айларында" are the latest such months up to publication.
        var framed = isRange || (i > 0 && _monthPrepositions.Contains(tokens[i - 1].Text)) || (j < tokens.Length && tokens[j].Text.StartsWith("ай", StringComparison.Ordinal));
        if (publishedAt is not { } published || !framed)
        {
            return null;
        }

        var end = j < tokens.Length && tokens[j].Text.StartsWith("ай", StringComparison.Ordinal) ? j : j - 1;
        var resolved = last <= published.Month ? published.Year : published.Year - 1;
        return Mention(i, end, MonthsText(resolved, first, last));
    }

    /// <summary>"21 октября 2025 года", "21 October 2025", "на 1 октября 2025 года".</summary>
    private PeriodMention? ReadDayMonthYear(Token[] tokens, int i, DateOnly? publishedAt)
    {
        if (!tokens[i].IsNumber || Day(tokens[i].Text) is not { } day || Month(tokens, i + 1) is not { } month)
        {
            return null;
        }

        return YearAt(tokens, i + 2, publishedAt, requireContext: false) is { } year
            ? Mention(i, year.End, DateText(year.Year, month, day))
            : null;
    }

    /// <summary>"в первом квартале 2025 года", "Q1 2025", "first quarter of 2025", "первое полугодие 2025", "in the first half of 2025".</summary>
    private PeriodMention? ReadQuarterOrHalf(Token[] tokens, int i, DateOnly? publishedAt)
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

        if (Ordinal(tokens, i, out var afterOrdinal) is not { } ordinal || afterOrdinal >= tokens.Length)
        {
            return null;
        }

        var word = tokens[afterOrdinal];
        var isQuarter = word.Is(WordClass.QuarterWord);
        var isHalf = word.Is(WordClass.HalfYearWord) && ordinal <= 2;
        if (!isQuarter && !isHalf)
        {
            return null;
        }

        var j = afterOrdinal + 1;
        if (j < tokens.Length && tokens[j].Text is "of")
        {
            j++;
        }

        if (YearAt(tokens, j, publishedAt, requireContext: false) is { } found)
        {
            return Mention(i, found.End, isQuarter ? $"{found.Year}-Q{ordinal}" : HalfText(found.Year, ordinal));
        }

        // "в первом полугодии", "first half of the year": the latest such quarter or half up to publication.
        var lastMonth = isQuarter ? ordinal * 3 : ordinal * 6;
        return LatestYear(publishedAt, lastMonth) is { } latest
            ? Mention(i, TheYearEnd(tokens, j) ?? afterOrdinal, isQuarter ? $"{latest}-Q{ordinal}" : HalfText(latest, ordinal))
            : null;
    }

    /// <summary>"2019–2024 годы", "с 2019 по 2024 год", "2022–2027 жылдарға".</summary>
    private static PeriodMention? ReadYearRange(Token[] tokens, int i)
    {
        if (YearNumber(tokens, i) is not { } from || i + 2 >= tokens.Length)
        {
            return null;
        }

        var connector = tokens[i + 1];
        if (!(connector.IsDash || _rangeConnectors.Contains(connector.Text)) || YearNumber(tokens, i + 2) is not { } to || to <= from)
        {
            return null;
        }

        var end = i + 2;
        if (end + 1 < tokens.Length && tokens[end + 1].IsWord && IsYearWord(tokens[end + 1]))
        {
            end++;
        }

        return Mention(i, end, $"{from}/{to}");
    }

    /// <summary>
    /// Kazakh puts the year first: "2025 жылдың қаңтар-тамызы", "2025 жылғы бірінші тоқсан",
    /// "2025 жылдың наурыз айында", "2025 жылғы 1 шілдедегі", "биыл қаңтар-маусымда".
    /// </summary>
    private PeriodMention? ReadYearFirst(Token[] tokens, int i, DateOnly? publishedAt)
    {
        if (YearAt(tokens, i, publishedAt, requireContext: false) is not { } year || (year.End == i && YearNumber(tokens, i) is not null))
        {
            return null;
        }

        var j = year.End + 1;
        if (Month(tokens, j) is { } first)
        {
            var last = first;
            var end = j;
            if (j + 2 < tokens.Length && tokens[j + 1].IsDash && Month(tokens, j + 2) is { } second)
            {
                last = second;
                end = j + 2;
            }

            return Mention(i, end, MonthsText(year.Year, first, last));
        }

        if (j + 1 < tokens.Length && tokens[j].IsNumber && Day(tokens[j].Text) is { } day && Month(tokens, j + 1) is { } month)
        {
            return Mention(i, j + 1, DateText(year.Year, month, day));
        }

        if (MonthCount(tokens, j) is { } count && j + 1 < tokens.Length && tokens[j + 1].Is(WordClass.MonthWord))
        {
            return Mention(i, j + 1, MonthsText(year.Year, 1, count));
        }

        if (Ordinal(tokens, j, out var afterOrdinal) is { } ordinal && afterOrdinal < tokens.Length)
        {
            var word = tokens[afterOrdinal];
            if (word.Is(WordClass.QuarterWord))
            {
                return Mention(i, afterOrdinal, $"{year.Year}-Q{ordinal}");
            }

            if (word.Is(WordClass.HalfYearWord) && ordinal <= 2)
            {
                return Mention(i, afterOrdinal, HalfText(year.Year, ordinal));
            }
        }

        return null;
    }

    private static PeriodMention? ReadYear(Token[] tokens, int i, DateOnly? publishedAt) =>
        YearAt(tokens, i, publishedAt, requireContext: true) is { } year ? Mention(i, year.End, year.Year.ToString(CultureInfo.InvariantCulture)) : null;

    /// <summary>
    /// A year at <paramref name="i"/>: a number 1900–2100 (with "-м", "году", "жылы", "г." after it)
    /// or a relative phrase. A bare number needs a year word after it or a preposition before it
    /// unless a month or quarter already framed it.
    /// </summary>
    private static (int Year, int End)? YearAt(Token[] tokens, int i, DateOnly? publishedAt, bool requireContext)
    {
        if (i >= tokens.Length)
        {
            return null;
        }

        if (YearNumber(tokens, i) is { } year)
        {
            var end = i;
            if (end + 2 < tokens.Length && tokens[end + 1].IsDash && !tokens[end + 1].SpacedBefore && tokens[end + 2].Text is "м" or "го" or "й")
            {
                end += 2;
            }

            var hasYearWord = end + 1 < tokens.Length && tokens[end + 1].IsWord && IsYearWord(tokens[end + 1]);
            if (hasYearWord)
            {
                end++;
                if (end + 1 < tokens.Length && tokens[end].Text is "г" or "гг" or "ж" && tokens[end + 1].IsSymbol('.'))
                {
                    end++;
                }
            }

            var hasPreposition = i > 0 && _yearPrepositions.Contains(tokens[i - 1].Text);
            return !requireContext || hasYearWord || hasPreposition ? (year, end) : null;
        }

        return RelativeYear(tokens, i, publishedAt);
    }

    private static (int Year, int End)? RelativeYear(Token[] tokens, int i, DateOnly? publishedAt)
    {
        if (publishedAt is not { } published || !tokens[i].IsWord)
        {
            return null;
        }

        // Every reading below is "биыл", "былтыр", or a word before a year word: most words are neither.
        var word = tokens[i].Text;
        if (word[0] != 'б' && (i + 1 >= tokens.Length || !IsYearWord(tokens[i + 1])))
        {
            return null;
        }

        var next = i + 1 < tokens.Length ? tokens[i + 1].Text : "";
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
            ("осы" or "ағымдағы", _, true, _) => 0,
            ("өткен", _, true, _) => -1,
            ("келер" or "келесі", _, true, _) => 1,
            ("this" or "current", _, _, "year") => 0,
            ("last" or "previous", _, _, "year") => -1,
            ("next", _, _, "year") => 1,
            _ => (int?)null,
        };
        return offset is { } delta ? (baseYear + delta, i + 1) : null;
    }

    private static int? YearNumber(Token[] tokens, int i) =>
        i < tokens.Length && tokens[i].IsNumber && tokens[i].Text.Length == 4
        && int.TryParse(tokens[i].Text, NumberStyles.None, CultureInfo.InvariantCulture, out var year) && year is >= 1900 and <= 2100
            ? year
            : null;

    private int? Month(Token[] tokens, int i) =>
        i < tokens.Length && tokens[i].IsWord && tokens[i].Is(WordClass.Month)
            ? index.Payload<int?>(tokens[i].Node, tokens[i].Whole, WordClass.Month)
            : null;

    private static int? Day(string written) =>
        written.Length <= 2 && int.TryParse(written, NumberStyles.None, CultureInfo.InvariantCulture, out var day) && day is >= 1 and <= 31 ? day : null;

    /// <summary>An ordinal word ("первом", "бірінші", "first", "II") or a digit with an ordinal ending ("1-м", "1-тоқсан").</summary>
    private int? Ordinal(Token[] tokens, int i, out int next)
    {
        next = i + 1;
        if (i >= tokens.Length)
        {
            return null;
        }

        var token = tokens[i];
        if (token.IsNumber && token.Text.Length == 1 && token.Text[0] is >= '1' and <= '4')
        {
            if (next + 1 < tokens.Length && tokens[next].IsDash && !tokens[next].SpacedBefore && tokens[next + 1].Text is "м" or "й" or "го" or "ші" or "шы" or "інші" or "ыншы")
            {
                next += 2;
            }
            else if (next < tokens.Length && tokens[next].IsDash && !tokens[next].SpacedBefore)
            {
                next += 1;
            }

            return token.Text[0] - '0';
        }

        return token.IsWord && token.Is(WordClass.Ordinal) ? index.Payload<int?>(token.Node, token.Whole, WordClass.Ordinal) : null;
    }

    private static bool IsHorizon(Token[] tokens, int start, int end)
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

        var next = end + 1 < tokens.Length ? tokens[end + 1].Text : "";
        return _kazakhHorizonPostpositions.Contains(next)
            && (tokens[end].Text.EndsWith("ға", StringComparison.Ordinal) || tokens[end].Text.EndsWith("ге", StringComparison.Ordinal));
    }

    private static bool IsBaseline(Token[] tokens, int start, int end, string value)
    {
        for (var k = start - 1; k >= 0 && k >= start - 4; k--)
        {
            if (tokens[k].IsWord && tokens[k].Is(WordClass.ComparisonCue | WordClass.BaselineNoun))
            {
                return true;
            }
        }

        // Kazakh puts the comparison after the baseline: "өткен жылдың осы кезеңіне қарағанда".
        for (var k = end + 1; k < tokens.Length && k <= end + 3; k++)
        {
            if (_comparisonPostpositions.Contains(tokens[k].Text))
            {
                return true;
            }

            if (!tokens[k].IsWord)
            {
                break;
            }
        }

        var previous = start > 0 ? tokens[start - 1].Text : "";
        var next = end + 1 < tokens.Length ? tokens[end + 1].Text : "";

        // "с января по август" is a span; "с 2005 года" alone is where a running total starts.
        var isSpan = value.Contains('/', StringComparison.Ordinal);
        return !isSpan && (previous is "since" or "с" or "со" || (next == "бері" && tokens[end].Text.EndsWith("дан", StringComparison.Ordinal)));
    }

    private static string? Next(Token[] tokens, int i, int offset) =>
        i + offset < tokens.Length ? tokens[i + offset].Text : null;

    private static PeriodMention Mention(int start, int end, string value) => new(start, end, value, false, false);

    private static string MonthsText(int year, int first, int last) =>
        first == last || last < first
            ? string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{first:D2}")
            : string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{first:D2}/{year:D4}-{last:D2}");

    private static string DateText(int year, int month, int day) =>
        day <= DateTime.DaysInMonth(year, month) ? string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{month:D2}-{day:D2}") : MonthsText(year, month, month);

    private static string HalfText(int year, int half) => half == 1 ? MonthsText(year, 1, 6) : MonthsText(year, 7, 12);
}
