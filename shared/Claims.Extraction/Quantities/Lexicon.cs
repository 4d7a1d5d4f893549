using Claims.Extraction.Text;

namespace Claims.Extraction.Quantities;

/// <summary>
/// The closed word classes of quantities in Russian, Kazakh and English: scale words, units,
/// hedges, change verbs and the cues of targets and forecasts. Open classes (which metric a
/// figure measures, which country it is about) live in the data files instead.
/// </summary>
internal static class Lexicon
{
    public static readonly IReadOnlyList<(string Stem, decimal Factor)> Scales =
    [
        ("тыс", 1_000m), ("=мың", 1_000m), ("thousand", 1_000m),
        ("=млн", 1_000_000m), ("миллион", 1_000_000m), ("=mln", 1_000_000m), ("=mn", 1_000_000m), ("million", 1_000_000m),
        ("=млрд", 1_000_000_000m), ("миллиард", 1_000_000_000m), ("=mlrd", 1_000_000_000m), ("=bn", 1_000_000_000m), ("=bln", 1_000_000_000m), ("billion", 1_000_000_000m),
        ("=трлн", 1_000_000_000_000m), ("триллион", 1_000_000_000_000m), ("=trn", 1_000_000_000_000m), ("trillion", 1_000_000_000_000m),
    ];

    /// <summary>One-letter scales only count when glued to the number ("$470m", "5bn", "20k").</summary>
    public static readonly IReadOnlyList<(string Stem, decimal Factor)> GluedScales =
    [
        ("=k", 1_000m), ("=m", 1_000_000m), ("=b", 1_000_000_000m),
    ];

    public static readonly IReadOnlyList<(string Stem, string Code)> CurrencyWords =
    [
        ("доллар", "USD"), ("=долл", "USD"), ("=usd", "USD"), ("dollar", "USD"),
        ("=евро", "EUR"), ("=eur", "EUR"), ("euro", "EUR"),
        ("рубл", "RUB"), ("=руб", "RUB"), ("=rub", "RUB"), ("ruble", "RUB"), ("rouble", "RUB"),
        ("теңге", "KZT"), ("тенге", "KZT"), ("tenge", "KZT"), ("=kzt", "KZT"),
        ("манат", "AZN"), ("manat", "AZN"), ("=azn", "AZN"),
        ("юан", "CNY"), ("yuan", "CNY"), ("=cny", "CNY"), ("renminbi", "CNY"),
    ];

    /// <summary>Currency codes that may stand before the number ("USD 470 million").</summary>
    public static readonly IReadOnlyList<(string Stem, string Code)> CurrencyCodes =
    [
        ("=usd", "USD"), ("=eur", "EUR"), ("=rub", "RUB"), ("=kzt", "KZT"), ("=azn", "AZN"), ("=cny", "CNY"),
    ];

    public static readonly IReadOnlyDictionary<char, string> CurrencySigns = new Dictionary<char, string>
    {
        ['$'] = "USD", ['€'] = "EUR", ['₸'] = "KZT", ['₽'] = "RUB", ['₼'] = "AZN",
    };

    public static readonly IReadOnlyList<string> Tonnes = ["тонн", "tonne", "=ton", "=tons"];

    /// <summary>"т" is a tonne only after a scale word ("3,5 млн т"); alone it is too often "и т. д.".</summary>
    public const string TonneAbbreviation = "=т";

    public static readonly IReadOnlyList<string> PercentWords = ["процент", "пайыз", "percent", "=pct"];

    public static readonly IReadOnlyList<string> Multipliers = ["=раз", "=раза", "=есе", "=times", "=fold"];

    public static readonly IReadOnlyList<string> ContainerUnits = ["=teu", "=дфэ"];

    /// <summary>Kazakh case endings written after a hyphen ("250-ге", "20%-ға"): the figure is still a quantity.</summary>
    public static readonly IReadOnlySet<string> KazakhCaseSuffixes = new HashSet<string>(StringComparer.Ordinal)
    {
        "ға", "ге", "қа", "ке", "на", "не", "да", "де", "та", "те", "нда", "нде",
        "дан", "ден", "тан", "тен", "нан", "нен", "ны", "ні", "ды", "ді", "ты", "ті", "н", "ын", "ін",
        "ның", "нің", "дың", "дің", "тың", "тің", "мен", "бен", "пен",
        "дай", "дей", "тай", "тей", "дағы", "дегі", "тағы", "тегі",
    };

    public static readonly IReadOnlyList<string[]> ApproxBefore =
    [
        ["около"], ["порядка"], ["примерно"], ["почти"], ["приблизительно"], ["ориентировочно"],
        ["шамамен"], ["шамасы"], ["about"], ["around"], ["approximately"], ["roughly"], ["nearly"], ["almost"],
        ["some"], ["circa"], ["~"], ["≈"],
    ];

    public static readonly IReadOnlyList<string[]> OverBefore =
    [
        ["свыше"], ["более"], ["больше"], ["более", "чем"], ["больше", "чем"], ["не", "менее"], ["не", "меньше"],
        ["не", "менее", "чем"], ["превысил"], ["превысила"], ["превысило"], ["превысили"], ["превышает"],
        ["превышают"], ["превысив"], ["превысит"], ["превысят"], ["кемінде"], ["over"], ["more", "than"], ["above"],
        ["exceeded"], ["exceeding"], ["exceeds"], ["exceed"], ["at", "least"], ["in", "excess", "of"], ["upwards", "of"],
    ];

    public static readonly IReadOnlyList<string[]> UnderBefore =
    [
        ["до"], ["менее"], ["меньше"], ["менее", "чем"], ["меньше", "чем"], ["не", "более"], ["не", "больше"],
        ["не", "более", "чем"], ["не", "превышает"], ["up", "to"], ["less", "than"], ["under"], ["below"],
        ["fewer", "than"], ["no", "more", "than"], ["not", "more", "than"],
    ];

    public static readonly IReadOnlyList<string[]> OverAfter =
    [
        ["асты"], ["астам"], ["асып"], ["асқан"], ["асады"], ["артық"], ["кем", "емес"], ["plus"], ["or", "more"],
        ["с", "лишним"], ["с", "небольшим"],
    ];

    public static readonly IReadOnlyList<string[]> ApproxAfter =
    [
        ["жуық"], ["шамасында"], ["шамасы"], ["тарта"], ["шақты"], ["or", "so"],
    ];

    public static readonly IReadOnlyList<string[]> UnderAfter = [["дейін"], ["кем"]];

    public static readonly IReadOnlyList<string> Increase =
    [
        "вырос", "выросл", "выраст", "рост", "увелич", "прирост", "превыш", "превыс", "нарас", "повыс", "повыш",
        "удво", "утро", "подскоч", "арт", "өс", "ұлғай", "көбей", "grew", "grow", "increas", "rose", "rise", "risen",
        "climb", "jump", "gain", "expand", "doubl", "=up", "=more", "=higher", "=больше", "=выше",
    ];

    public static readonly IReadOnlyList<string> Decrease =
    [
        "сократ", "сниз", "сниж", "упал", "упад", "уменьш", "паден", "спад", "азай", "төменде", "қысқар", "кеми",
        "fell", "fall", "declin", "decreas", "drop", "=down", "shrank", "shrunk", "shrink", "slid", "=less", "=lower", "=меньше", "=ниже",
    ];

    public static readonly IReadOnlyList<string> TargetCues =
    [
        "=цель", "=цели", "=целью", "=задача", "планир", "запланир", "намерен", "намерева", "довести", "доведен",
        "удвоить", "удвоени", "утроить", "мақсат", "жоспар", "көзде", "target", "goal", "=aim", "=aims", "=plan",
        "=plans", "planned", "intend", "=double", "doubling",
    ];

    public static readonly IReadOnlyList<string> ForecastCues =
    [
        "прогноз", "ожида", "предполага", "=составит", "=достигнет", "=вырастет", "=увеличится", "=превысит",
        "болжам", "күтіл", "forecast", "expect", "projected", "predict", "=will",
    ];

    /// <summary>Words after which a period is a baseline of comparison, not the period of the figure.</summary>
    public static readonly IReadOnlyList<string> ComparisonCues =
    [
        "сравнени", "=против", "аналогичн", "салыстырғанда", "қарағанда", "compared", "versus", "=vs", "=than",
    ];

    /// <summary>
    /// Words right before a figure that make it a change rather than a level: the prepositions
    /// "на 20%", "by 20%", and English's bare "up 20%", "rose 20%".
    /// </summary>
    /// <summary>Nouns that make a percentage a growth rate: "рост ВВП составил 4,8%", "GDP growth of 4.1%".</summary>
    public static readonly IReadOnlyList<string> GrowthNouns =
    [
        "=рост", "=роста", "=ростом", "=прирост", "=прироста", "=приростом", "=growth", "=өсім", "=өсімі", "=өсу", "=өсуі",
    ];

    /// <summary>Comparatives right after a percentage that make it a change: "62% more than", "на 5% выше".</summary>
    public static readonly IReadOnlyList<string> ChangeComparatives = ["=more", "=less", "=higher", "=lower", "=больше", "=меньше", "=выше", "=ниже"];

    public static readonly IReadOnlyList<string> ChangeMarkers =
    [
        "=на", "=by", "=up", "=down", "=rose", "=grew", "=increased", "=fell", "=declined", "=dropped", "=jumped", "=climbed", "=gained",
    ];

    public static bool StartsPhrase(IReadOnlyList<Token> tokens, int index, string[] phrase)
    {
        if (index < 0 || index + phrase.Length > tokens.Count)
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
    public static int LongestPhraseEndingBefore(IReadOnlyList<Token> tokens, int index, IReadOnlyList<string[]> phrases)
    {
        var best = 0;
        foreach (var phrase in phrases)
        {
            if (phrase.Length > best && StartsPhrase(tokens, index - phrase.Length, phrase))
            {
                best = phrase.Length;
            }
        }

        return best;
    }

    /// <summary>The longest phrase of <paramref name="phrases"/> that starts at <paramref name="index"/>.</summary>
    public static int LongestPhraseStartingAt(IReadOnlyList<Token> tokens, int index, IReadOnlyList<string[]> phrases)
    {
        var best = 0;
        foreach (var phrase in phrases)
        {
            if (phrase.Length > best && StartsPhrase(tokens, index, phrase))
            {
                best = phrase.Length;
            }
        }

        return best;
    }
}
