using System.Collections.Frozen;
using Claims.Extraction.Text;

namespace Claims.Extraction.Quantities;

/// <summary>
/// A factor stated in one word ("втрое", "doubled", "halved") and the direction it implies: +1 for a
/// rise in itself ("удвоился", "doubled"), -1 for a fall ("halved"), 0 when the verb around it says.
/// </summary>
internal sealed record MultiplierWordInfo(decimal Factor, int Sign);

/// <summary>A fraction that states a change ("на треть" = 33.3 %), with the decimals its percentage is written with.</summary>
internal sealed record FractionInfo(decimal Percent, int Decimals);

/// <summary>
/// The closed word classes of quantities in Russian, Kazakh and English: scale words, units,
/// hedges, change verbs, the cues of targets and forecasts, period words and the function words a
/// head noun is never. Open classes (which metric a figure measures, which country it is about) live
/// in the data files instead. Everything is registered into the <see cref="WordIndex"/> with its class.
/// </summary>
internal static class Lexicon
{
    public static void Register(WordIndexBuilder builder)
    {
        foreach (var (stem, factor) in Scales)
        {
            builder.Add(stem, WordClass.Scale, factor);
        }

        foreach (var (stem, factor) in (IEnumerable<(string, decimal)>)[("=k", 1_000m), ("=m", 1_000_000m), ("=b", 1_000_000_000m)])
        {
            builder.Add(stem, WordClass.GluedScale, factor);
        }

        foreach (var (stem, code) in CurrencyWords)
        {
            builder.Add(stem, WordClass.CurrencyWord, code);
        }

        foreach (var (stem, code) in (IEnumerable<(string, string)>)[("=usd", "USD"), ("=eur", "EUR"), ("=rub", "RUB"), ("=kzt", "KZT"), ("=azn", "AZN"), ("=cny", "CNY")])
        {
            builder.Add(stem, WordClass.CurrencyCode, code);
        }

        foreach (var (stem, info) in MultiplierWords)
        {
            builder.Add(stem, WordClass.MultiplierWord, info);
        }

        foreach (var (stem, count) in (IEnumerable<(string, decimal)>)[("=дважды", 2m), ("=трижды", 3m), ("=четырежды", 4m), ("=twice", 2m), ("=thrice", 3m)])
        {
            builder.Add(stem, WordClass.TimesWord, count);
        }

        foreach (var (stem, info) in Fractions)
        {
            builder.Add(stem, WordClass.FractionWord, info);
        }

        Add(builder, WordClass.CurrencyCountry, "=сша", "=us", "=америки", "=ақш");
        Add(builder, WordClass.Tonne, "тонн", "tonne", "=ton", "=tons");
        Add(builder, WordClass.TonneAbbreviation, "=т", "=t");
        Add(builder, WordClass.PercentWord, "процент", "пайыз", "percent", "=pct");
        Add(builder, WordClass.Multiplier, "=раз", "=раза", "=есе", "=есеге", "=еседен", "=times", "=fold");
        Add(builder, WordClass.ContainerUnit, "=teu", "=дфэ");
        Add(builder, WordClass.CubicMetre, "кубометр", "=м3", "=m3", "=cbm", "=bcm");
        // "bcm" is a scale and its unit in one word: the scale reader leaves it for the unit reader.
        builder.Add("=bcm", WordClass.Scale, 1_000_000_000m);
        Add(builder, WordClass.CubicWord, "=куб", "кубическ", "=текше", "=cubic");
        Add(builder, WordClass.MetreWord, "=м", "=метр", "=метра", "=метров", "=метрах", "=метрді", "=метрге", "=метрден", "=метрын", "metre", "meter");
        Add(builder, WordClass.Increase,
            "вырос", "выросл", "выраст", "рост", "увелич", "прирост", "превыш", "превыс", "нарас", "повыс", "повыш", "удво", "утроил", "утроит", "утроен",
            "подскоч", "ускор", "арт", "өс", "ұлғай", "көбей", "үде", "=көп", "=көбірек", "grew", "grow", "increas", "rose", "rise", "risen",
            "climb", "jump", "gain", "expand", "doubl", "tripl", "accelerat", "=up", "=more", "=higher", "=больше", "=выше");
        Add(builder, WordClass.Decrease,
            "сократ", "сниз", "сниж", "упал", "упад", "уменьш", "паден", "спад", "замедл", "азай", "төменде", "қысқар", "кеми", "баяула", "fell", "fall",
            "declin", "decreas", "drop", "=down", "shrank", "shrunk", "shrink", "slid", "slow", "halv", "=less", "=lower", "=fewer", "=меньше", "=ниже");
        Add(builder, WordClass.TargetCue,
            "=цель", "=цели", "=целью", "=задача", "планир", "запланир", "намерен", "намерева", "довести", "доведен", "=удвоить", "удвоени",
            "=утроить", "мақсат", "жоспар", "көздеп", "көздей", "көздел", "target", "goal", "=aim", "=aims", "=plan", "=plans", "planned", "intend", "=double",
            "doubling");
        Add(builder, WordClass.ForecastCue,
            "прогноз", "ожида", "предполага", "=составит", "=составят", "=достигнет", "=достигнут", "=вырастет", "=вырастут", "=увеличится",
            "=увеличатся", "=превысит", "=превысят", "=сократится", "=снизится", "болжа", "күтіл", "күте", "forecast", "expect", "projected",
            "predict", "=will");
        Add(builder, WordClass.ModalCue, "=может", "=могут", "=сможет", "=смогут", "=возможно", "=could", "=might", "=likely", "=possibly", "=мүмкін");
        Add(builder, WordClass.ComparisonCue, "сравнени", "=против", "аналогичн", "салыстырғанда", "қарағанда", "compared", "versus", "=vs", "=than", "=чем");
        Add(builder, WordClass.GrowthNoun, "=рост", "=роста", "=ростом", "=прирост", "=прироста", "=приростом", "=growth", "=өсім", "=өсімі", "=өсу", "=өсуі");
        Add(builder, WordClass.ChangeComparative, "=more", "=less", "=higher", "=lower", "=больше", "=меньше", "=выше", "=ниже", "=көп", "=көбірек", "=аз");
        Add(builder, WordClass.ChangeMarker,
            "=на", "=by", "=up", "=down", "=rose", "=grew", "=increased", "=fell", "=declined", "=dropped", "=jumped", "=climbed", "=gained");
        Add(builder, WordClass.BringToVerb,
            "довести", "доведен", "довед", "нарастить", "поднять", "увеличить", "=bring", "=raise", "=boost", "=lift", "жеткіз");
        Add(builder, WordClass.EconomyWord, "экономик", "economy");
        Add(builder, WordClass.ImportWord, "импорт", "import");
        Add(builder, WordClass.VisitVerb, "посет", "посещ", "побыва", "=visited", "=visit", "=visits");
        Add(builder, WordClass.BaselineNoun, "=периода", "=периодом", "=уровня", "=уровнем", "=показателей", "=показателями", "=показатели");

        foreach (var (stem, month) in Months)
        {
            builder.Add(stem, WordClass.Month, month);
        }

        foreach (var (stem, number) in Ordinals)
        {
            builder.Add(stem, WordClass.Ordinal, number);
        }

        Add(builder, WordClass.MonthWord, "месяц", "=month", "=months", "=ай", "=айы", "=айда", "=айында", "=айлығында", "=айлық", "=айдағы", "=айдың",
            "=айларында", "=айларда");
        Add(builder, WordClass.QuarterWord, "квартал", "тоқсан", "quarter");
        Add(builder, WordClass.HalfYearWord, "полугоди", "жартыжылды", "=half");
        Add(builder, WordClass.YearWord, "год", "жыл", "=лет", "=г", "=гг", "=ж", "=year", "=years");
        Add(builder, WordClass.NotYearWord, "годн", "жылжы", "жылдам", "жылу");
        Add(builder, WordClass.HalfWord, "=жарым", "=жарты", "=half", "=половиной");
        Add(builder, WordClass.HedgeWord, [.. ApproxBefore.Phrases.Concat(OverBefore.Phrases).Concat(UnderBefore.Phrases).Concat(OverAfter.Phrases).Concat(ApproxAfter.Phrases).Concat(UnderAfter.Phrases)
            .Where(phrase => phrase.Length == 1 && char.IsLetter(phrase[0][0])).Select(phrase => "=" + phrase[0]).Distinct()]);

        Add(builder, WordClass.Stopword,
            "=в", "=во", "=на", "=за", "=по", "=с", "=со", "=из", "=от", "=до", "=к", "=ко", "=о", "=об", "=при", "=для", "=и", "=а", "=но",
            "=что", "=как", "=это", "=этот", "=эта", "=эти", "=этого", "=этой", "=его", "=ее", "=их", "=также", "=уже", "=еще", "=лишь",
            "=только", "=который", "=которая", "=которые", "=которых", "=было", "=были", "=был", "=была", "=будет", "=будут", "=не", "=ни",
            "=же", "=ли", "=бы", "=тогда", "=где", "=когда", "=между", "=через", "=после", "=перед", "=над", "=под", "=сегодня", "=ныне",
            "=сейчас", "=всего", "=всех", "=весь", "=все", "=вся", "=целом", "=том", "=числе", "=данным", "=итогам", "=составе", "=мы",
            "=стороны", "=сторон", "=тот", "=та", "=то", "=он", "=она", "=оно", "=они", "=сами", "=себя", "период", "=время", "=итоги",
            "=этом", "=этим", "=этими", "=этому", "территори", "=путь", "=пути", "=маршруту", "=счет", "=счета",
            "=және", "=мен", "=бен", "=пен", "=бұл", "=осы", "=сол", "=ол", "=оның", "=үшін", "=бойынша", "=туралы", "=арасындағы", "=арқылы",
            "=ал", "=да", "=де", "=та", "=те", "=ғана", "=тек", "=бүгінде", "=қазір", "=жалпы", "=біз", "=тараптар", "кезең", "=бұл", "аралығ", "=ішінде", "=кезінде", "=бойы", "=бойында",
            "=the", "=a", "=an", "=of", "=in", "=on", "=at", "=to", "=for", "=by", "=with", "=from", "=and", "=or", "=its", "=their", "=his",
            "=her", "=this", "=that", "=these", "=those", "=was", "=were", "=is", "=are", "=be", "=been", "=being", "=has", "=have", "=had",
            "=will", "=would", "=could", "=should", "=can", "=may", "=might", "=as", "=than", "=about", "=around", "=over", "=some",
            "=which", "=who", "=while", "=also", "=already", "=still", "=only", "=just", "=per", "=last", "=next", "=first", "=s", "=it", "=we",
            "=period", "=total", "=put", "=puts", "=made", "=make", "=makes", "=received", "=attracted", "=into", "=onto", "=across", "=through",
            "=via", "=worth", "=within", "=previous", "=same", "=new", "=current", "=earlier", "=ago", "=during", "=after", "=before", "=between", "=among", "=against", "=toward", "=towards", "=out");
        Add(builder, WordClass.MeasureNoun,
            "объем", "показател", "уровен", "уровн", "величин", "размер", "=сумма", "=суммы", "=сумму", "=суммой", "количеств", "=число",
            "=volume", "=volumes", "=amount", "=level", "=value", "=number", "=total", "=figure", "көлем", "көрсеткіш", "деңгей", "мөлшер",
            "=сома", "=саны");
        Add(builder, WordClass.ReportingVerb,
            "составил", "составля", "составит", "составят", "достиг", "насчитыва", "оценива", "прошло", "прошл",
            "reach", "total", "amount", "=stood", "=stand", "=stands", "exceed", "account", "=came", "=come", "=hit", "=was", "=were",
            "=is", "=are", "=be", "құра", "=жетті", "=жетеді", "=асты", "=асады", "=болды", "=болады", "=өтті");
    }

    private static void Add(WordIndexBuilder builder, WordClass wordClass, params string[] stems)
    {
        foreach (var stem in stems)
        {
            builder.Add(stem, wordClass);
        }
    }

    private static readonly IReadOnlyList<(string Stem, decimal Factor)> Scales =
    [
        ("тыс", 1_000m), ("мың", 1_000m), ("thousand", 1_000m),
        ("=млн", 1_000_000m), ("миллион", 1_000_000m), ("=mln", 1_000_000m), ("=mn", 1_000_000m), ("million", 1_000_000m),
        ("=млрд", 1_000_000_000m), ("миллиард", 1_000_000_000m), ("=mlrd", 1_000_000_000m), ("=bn", 1_000_000_000m), ("=bln", 1_000_000_000m),
        ("billion", 1_000_000_000m),
        ("=трлн", 1_000_000_000_000m), ("триллион", 1_000_000_000_000m), ("=trn", 1_000_000_000_000m), ("trillion", 1_000_000_000_000m),
    ];

    private static readonly IReadOnlyList<(string Stem, string Code)> CurrencyWords =
    [
        ("доллар", "USD"), ("=долл", "USD"), ("=usd", "USD"), ("dollar", "USD"),
        ("=евро", "EUR"), ("=eur", "EUR"), ("euro", "EUR"),
        ("рубл", "RUB"), ("=руб", "RUB"), ("=rub", "RUB"), ("ruble", "RUB"), ("rouble", "RUB"),
        ("теңге", "KZT"), ("тенге", "KZT"), ("tenge", "KZT"), ("=kzt", "KZT"),
        ("манат", "AZN"), ("manat", "AZN"), ("=azn", "AZN"),
        ("юан", "CNY"), ("yuan", "CNY"), ("=cny", "CNY"), ("renminbi", "CNY"),
    ];

    private static readonly IReadOnlyList<(string Stem, MultiplierWordInfo Info)> MultiplierWords =
    [
        ("=вдвое", new(2m, 0)), ("=втрое", new(3m, 0)), ("=вчетверо", new(4m, 0)), ("=впятеро", new(5m, 0)), ("=вшестеро", new(6m, 0)),
        ("=всемеро", new(7m, 0)), ("=ввосьмеро", new(8m, 0)), ("=вдевятеро", new(9m, 0)), ("=вдесятеро", new(10m, 0)),
        ("двукратн", new(2m, 0)), ("трехкратн", new(3m, 0)), ("четырехкратн", new(4m, 0)), ("пятикратн", new(5m, 0)), ("десятикратн", new(10m, 0)),
        ("удвоил", new(2m, 1)), ("удвоит", new(2m, 1)), ("удваива", new(2m, 1)), ("=удвоен", new(2m, 1)), ("=удвоена", new(2m, 1)),
        ("=удвоено", new(2m, 1)), ("=удвоены", new(2m, 1)), ("утроил", new(3m, 1)), ("утроит", new(3m, 1)), ("утраива", new(3m, 1)),
        ("=утроен", new(3m, 1)), ("=утроена", new(3m, 1)), ("=утроено", new(3m, 1)), ("=утроены", new(3m, 1)), ("учетверил", new(4m, 1)),
        ("doubl", new(2m, 1)), ("tripl", new(3m, 1)), ("trebl", new(3m, 1)), ("quadrupl", new(4m, 1)), ("halv", new(2m, -1)),
        ("=twofold", new(2m, 0)), ("=threefold", new(3m, 0)), ("=fourfold", new(4m, 0)), ("=fivefold", new(5m, 0)), ("=tenfold", new(10m, 0)),
    ];

    /// <summary>Fractions that state a change after "на", "by a" or as "үштен бір": a third, a quarter, a half.</summary>
    private static readonly IReadOnlyList<(string Stem, FractionInfo Info)> Fractions =
    [
        ("=треть", new(33.3m, 1)), ("=трети", new(33.3m, 1)), ("=третью", new(33.3m, 1)),
        ("=четверть", new(25m, 0)), ("=четверти", new(25m, 0)), ("=четвертью", new(25m, 0)),
        ("=половину", new(50m, 0)), ("=половина", new(50m, 0)), ("=наполовину", new(50m, 0)),
        ("=third", new(33.3m, 1)), ("=quarter", new(25m, 0)), ("=half", new(50m, 0)),
        ("=үштен", new(33.3m, 1)), ("=төрттен", new(25m, 0)),
    ];

    private static readonly IReadOnlyList<(string Stem, int Month)> Months =
    [
        ("январ", 1), ("феврал", 2), ("=март", 3), ("=марта", 3), ("=марте", 3), ("апрел", 4), ("=май", 5), ("=мая", 5),
        ("=мае", 5), ("июн", 6), ("июл", 7), ("август", 8), ("сентябр", 9), ("октябр", 10), ("ноябр", 11), ("декабр", 12),
        ("қаңтар", 1), ("ақпан", 2), ("наурыз", 3), ("сәуір", 4), ("мамыр", 5), ("маусым", 6), ("шілде", 7), ("тамыз", 8),
        ("қыркүйек", 9), ("қыркүйег", 9), ("қазан", 10), ("қараша", 11), ("желтоқсан", 12),
        ("january", 1), ("=jan", 1), ("february", 2), ("=feb", 2), ("march", 3), ("=mar", 3), ("april", 4), ("=apr", 4),
        ("=may", 5), ("june", 6), ("=jun", 6), ("july", 7), ("=jul", 7), ("august", 8), ("=aug", 8), ("september", 9),
        ("=sep", 9), ("=sept", 9), ("october", 10), ("=oct", 10), ("november", 11), ("=nov", 11), ("december", 12), ("=dec", 12),
    ];

    private static readonly IReadOnlyList<(string Stem, int Number)> Ordinals =
    [
        ("перв", 1), ("втор", 2), ("трет", 3), ("четверт", 4), ("=i", 1), ("=ii", 2), ("=iii", 3), ("=iv", 4),
        ("бірінші", 1), ("екінші", 2), ("үшінші", 3), ("төртінші", 4), ("first", 1), ("second", 2), ("third", 3), ("fourth", 4),
    ];

    /// <summary>Kazakh case endings written after a hyphen ("250-ге", "20%-ға"): the figure is still a quantity.</summary>
    public static readonly IReadOnlySet<string> KazakhCaseSuffixes = new HashSet<string>(StringComparer.Ordinal)
    {
        "ға", "ге", "қа", "ке", "на", "не", "да", "де", "та", "те", "нда", "нде",
        "дан", "ден", "тан", "тен", "нан", "нен", "ны", "ні", "ды", "ді", "ты", "ті", "н", "ын", "ін",
        "ның", "нің", "дың", "дің", "тың", "тің", "мен", "бен", "пен",
        "дай", "дей", "тай", "тей", "дағы", "дегі", "тағы", "тегі",
    };

    /// <summary>The Kazakh dative: on a percentage or unit before a change verb it states the change ("20%-ға артқан").</summary>
    public static readonly IReadOnlySet<string> KazakhDative = new HashSet<string>(StringComparer.Ordinal) { "ға", "ге", "қа", "ке" };

    public static readonly PhraseList ApproxBefore = new(
    [
        ["около"], ["порядка"], ["примерно"], ["почти"], ["приблизительно"], ["ориентировочно"],
        ["шамамен"], ["шамасы"], ["about"], ["around"], ["approximately"], ["roughly"], ["nearly"], ["almost"],
        ["some"], ["circa"], ["~"], ["≈"],
    ]);

    public static readonly PhraseList OverBefore = new(
    [
        ["свыше"], ["более"], ["больше"], ["более", "чем"], ["больше", "чем"], ["не", "менее"], ["не", "меньше"],
        ["не", "менее", "чем"], ["превысил"], ["превысила"], ["превысило"], ["превысили"], ["превышает"],
        ["превышают"], ["превысив"], ["превысит"], ["превысят"], ["кемінде"], ["over"], ["more", "than"], ["above"],
        ["exceeded"], ["exceeding"], ["exceeds"], ["exceed"], ["at", "least"], ["in", "excess", "of"], ["upwards", "of"],
    ]);

    public static readonly PhraseList UnderBefore = new(
    [
        ["до"], ["менее"], ["меньше"], ["менее", "чем"], ["меньше", "чем"], ["не", "более"], ["не", "больше"],
        ["не", "более", "чем"], ["не", "превышает"], ["up", "to"], ["less", "than"], ["under"], ["below"],
        ["fewer", "than"], ["no", "more", "than"], ["not", "more", "than"],
    ]);

    public static readonly PhraseList OverAfter = new(
    [
        ["асты"], ["астам"], ["асып"], ["асқан"], ["асады"], ["асатын"], ["артық"], ["кем", "емес"], ["plus"], ["or", "more"],
        ["с", "лишним"], ["с", "небольшим"],
    ]);

    public static readonly PhraseList ApproxAfter = new(
    [
        ["жуық"], ["шамасында"], ["шамасы"], ["тарта"], ["шақты"], ["or", "so"],
    ]);

    public static readonly PhraseList UnderAfter = new([["дейін"], ["кем"]]);

    /// <summary>Whether the word ends with one of the endings and keeps at least two characters of stem before it.</summary>
    public static bool EndsWithAny(string word, string[] endings)
    {
        foreach (var ending in endings)
        {
            if (word.Length > ending.Length + 1 && word.EndsWith(ending, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    public static bool StartsPhrase(Token[] tokens, int index, string[] phrase)
    {
        if (index < 0 || index + phrase.Length > tokens.Length)
        {
            return false;
        }

        for (var k = 0; k < phrase.Length; k++)
        {
            if (tokens[index + k].Text != phrase[k])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The longest phrase of <paramref name="phrases"/> that ends right before <paramref name="index"/>.</summary>
    public static int LongestPhraseEndingBefore(Token[] tokens, int index, PhraseList phrases)
    {
        if (index < 1 || !phrases.LastWords.Contains(tokens[index - 1].Text))
        {
            return 0;
        }

        var best = 0;
        foreach (var phrase in phrases.Phrases)
        {
            if (phrase.Length > best && StartsPhrase(tokens, index - phrase.Length, phrase))
            {
                best = phrase.Length;
            }
        }

        return best;
    }

    /// <summary>The longest phrase of <paramref name="phrases"/> that starts at <paramref name="index"/>.</summary>
    public static int LongestPhraseStartingAt(Token[] tokens, int index, PhraseList phrases)
    {
        if (index >= tokens.Length || !phrases.FirstWords.Contains(tokens[index].Text))
        {
            return 0;
        }

        var best = 0;
        foreach (var phrase in phrases.Phrases)
        {
            if (phrase.Length > best && StartsPhrase(tokens, index, phrase))
            {
                best = phrase.Length;
            }
        }

        return best;
    }
}

/// <summary>
/// Hedge phrases ("около", "более чем", "at least") with the words they start and end with: a
/// number's neighbour that is none of those words rules every phrase out in one lookup, where
/// comparing it with each phrase ran for every quantity of every sentence read in full.
/// </summary>
internal sealed class PhraseList(string[][] phrases)
{
    public string[][] Phrases { get; } = phrases;

    public FrozenSet<string> FirstWords { get; } = phrases.Select(phrase => phrase[0]).ToFrozenSet(StringComparer.Ordinal);

    public FrozenSet<string> LastWords { get; } = phrases.Select(phrase => phrase[^1]).ToFrozenSet(StringComparer.Ordinal);
}
