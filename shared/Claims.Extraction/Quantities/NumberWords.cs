using Claims.Extraction.Text;

namespace Claims.Extraction.Quantities;

/// <summary>How a number word combines with the words around it.</summary>
internal enum NumberWordRole
{
    /// <summary>Adds to what came before: units, teens, tens, Russian hundreds ("двести").</summary>
    Add,

    /// <summary>Multiplies what came before by a hundred ("two hundred", "екі жүз").</summary>
    Hundreds,

    /// <summary>One and a half on its own ("полтора", "полутора").</summary>
    OneAndAHalf,

    /// <summary>Half of a scale in one word ("полмиллиона"): the value is the scale.</summary>
    HalfOfScale,
}

/// <summary>A number word's value and role; <see cref="Language"/> is set for words that are numbers only in that language.</summary>
internal sealed record NumberWordInfo(decimal Value, NumberWordRole Role, string? Language);

/// <summary>
/// Cardinal numbers written in words, in every case form Russian uses ("три", "трех", "тремя"),
/// Kazakh ("үш", "жиырма бес", "екі жүз") and English ("three", "twenty-five", "two hundred"),
/// with "полтора", "бір жарым", "one and a half" and "два с половиной". The scale words after them
/// ("миллиона", "мың", "million") are read like after digits.
/// </summary>
internal static class NumberWords
{
    private static readonly IReadOnlyList<(decimal Value, string[] Forms)> _russian =
    [
        (1, ["один", "одна", "одно", "одного", "одной", "одному", "одним", "одну", "одном"]),
        (2, ["два", "две", "двух", "двум", "двумя"]),
        (3, ["три", "трех", "трем", "тремя"]),
        (4, ["четыре", "четырех", "четырем", "четырьмя"]),
        (5, ["пять", "пяти", "пятью"]),
        (6, ["шесть", "шести", "шестью"]),
        (7, ["семь", "семи", "семью"]),
        (8, ["восемь", "восьми", "восемью"]),
        (9, ["девять", "девяти", "девятью"]),
        (10, ["десять", "десяти", "десятью"]),
        (11, ["одиннадцать", "одиннадцати"]),
        (12, ["двенадцать", "двенадцати"]),
        (13, ["тринадцать", "тринадцати"]),
        (14, ["четырнадцать", "четырнадцати"]),
        (15, ["пятнадцать", "пятнадцати"]),
        (16, ["шестнадцать", "шестнадцати"]),
        (17, ["семнадцать", "семнадцати"]),
        (18, ["восемнадцать", "восемнадцати"]),
        (19, ["девятнадцать", "девятнадцати"]),
        (20, ["двадцать", "двадцати", "двадцатью"]),
        (30, ["тридцать", "тридцати", "тридцатью"]),
        (40, ["сорок", "сорока"]),
        (50, ["пятьдесят", "пятидесяти", "пятьюдесятью"]),
        (60, ["шестьдесят", "шестидесяти"]),
        (70, ["семьдесят", "семидесяти"]),
        (80, ["восемьдесят", "восьмидесяти"]),
        (90, ["девяносто", "девяноста"]),
        (100, ["сто", "ста"]),
        (200, ["двести", "двухсот", "двумстам"]),
        (300, ["триста", "трехсот", "тремстам"]),
        (400, ["четыреста", "четырехсот"]),
        (500, ["пятьсот", "пятисот"]),
        (600, ["шестьсот", "шестисот"]),
        (700, ["семьсот", "семисот"]),
        (800, ["восемьсот", "восьмисот"]),
        (900, ["девятьсот", "девятисот"]),
    ];

    private static readonly IReadOnlyList<(decimal Value, string Word)> _kazakh =
    [
        (1, "бір"), (2, "екі"), (3, "үш"), (4, "төрт"), (5, "бес"), (6, "алты"), (7, "жеті"), (8, "сегіз"), (9, "тоғыз"),
        (20, "жиырма"), (30, "отыз"), (40, "қырық"), (50, "елу"), (60, "алпыс"), (70, "жетпіс"), (80, "сексен"), (90, "тоқсан"),
    ];

    private static readonly IReadOnlyList<(decimal Value, string Word)> _english =
    [
        (1, "one"), (2, "two"), (3, "three"), (4, "four"), (5, "five"), (6, "six"), (7, "seven"), (8, "eight"), (9, "nine"), (10, "ten"),
        (11, "eleven"), (12, "twelve"), (13, "thirteen"), (14, "fourteen"), (15, "fifteen"), (16, "sixteen"), (17, "seventeen"),
        (18, "eighteen"), (19, "nineteen"), (20, "twenty"), (30, "thirty"), (40, "forty"), (50, "fifty"), (60, "sixty"), (70, "seventy"),
        (80, "eighty"), (90, "ninety"),
    ];

    public static void Register(WordIndexBuilder builder)
    {
        foreach (var (value, forms) in _russian)
        {
            foreach (var form in forms)
            {
                builder.Add("=" + form, WordClass.NumberWord, new NumberWordInfo(value, NumberWordRole.Add, null));
            }
        }

        foreach (var form in new[] { "полтора", "полторы", "полутора" })
        {
            builder.Add("=" + form, WordClass.NumberWord, new NumberWordInfo(1.5m, NumberWordRole.OneAndAHalf, null));
        }

        foreach (var (value, word) in _kazakh.Concat(_english))
        {
            builder.Add("=" + word, WordClass.NumberWord, new NumberWordInfo(value, NumberWordRole.Add, null));
        }

        // Kazakh "он" (ten) is the Russian "он" (he): it counts only in Kazakh text, so Russian sentences do not become candidates.
        builder.Add("=он", WordClass.NumberWord, new NumberWordInfo(10, NumberWordRole.Add, "kk"));
        builder.Add("полмиллион", WordClass.NumberWord, new NumberWordInfo(1_000_000, NumberWordRole.HalfOfScale, null));
        builder.Add("полмиллиард", WordClass.NumberWord, new NumberWordInfo(1_000_000_000, NumberWordRole.HalfOfScale, null));
        builder.Add("=жүз", WordClass.NumberWord, new NumberWordInfo(100, NumberWordRole.Hundreds, null));
        builder.Add("=hundred", WordClass.NumberWord, new NumberWordInfo(100, NumberWordRole.Hundreds, null));
    }

    /// <summary>The number word's information when it is a number in <paramref name="language"/>.</summary>
    public static NumberWordInfo? Info(WordIndex index, Token token, string language) =>
        token.Is(WordClass.NumberWord) && index.Payload<NumberWordInfo>(token.Node, token.Whole, WordClass.NumberWord) is { } info
        && (info.Language is null || info.Language == language)
            ? info
            : null;

    /// <summary>
    /// Reads number words from <paramref name="start"/>: their value, how many decimals it is stated
    /// with (one for "and a half"), a scale the words carry themselves ("полмиллиона") and the token
    /// after them. "half a million" and "жарты миллион" stop before the scale word, which is read as
    /// after digits. Null when no number word is there.
    /// </summary>
    public static (decimal Value, int Decimals, decimal? Scale, int Next)? Read(WordIndex index, Token[] tokens, int start, string language)
    {
        if (start < tokens.Length && tokens[start].Text is "half" or "жарты")
        {
            var scaleAt = tokens[start].Text == "half" && start + 1 < tokens.Length && tokens[start + 1].Text == "a" ? start + 2 : start + 1;
            return scaleAt < tokens.Length && tokens[scaleAt].Is(WordClass.Scale) ? (0.5m, 1, null, scaleAt) : null;
        }

        if (start < tokens.Length && Info(index, tokens[start], language) is { Role: NumberWordRole.HalfOfScale } half)
        {
            return (0.5m, 1, half.Value, start + 1);
        }

        var value = 0m;
        var decimals = 0;
        var j = start;
        var any = false;
        while (j < tokens.Length && Info(index, tokens[j], language) is { Role: not NumberWordRole.HalfOfScale } info)
        {
            if (info.Role == NumberWordRole.OneAndAHalf)
            {
                if (any)
                {
                    break;
                }

                (value, decimals) = (info.Value, 1);
            }
            else if (info.Role == NumberWordRole.Hundreds)
            {
                // "hundred hundred hundred ..." is not a number; stop before it overflows.
                if (value > QuantityReader.MaxPlausibleValue / info.Value)
                {
                    break;
                }
                value = (value == 0 ? 1 : value) * info.Value;
            }
            else
            {
                value += info.Value;
            }

            any = true;
            j++;

            // "twenty-five", "one hundred and twenty"
            if (j + 1 < tokens.Length && (tokens[j].IsDash || tokens[j].Text == "and") && Info(index, tokens[j + 1], language) is { Role: NumberWordRole.Add or NumberWordRole.Hundreds })
            {
                j++;
            }
        }

        if (!any)
        {
            return null;
        }

        // "one and a half", "бір жарым", "два с половиной"
        var halfLength = HalfAt(tokens, j);
        if (halfLength > 0 && decimals == 0)
        {
            (value, decimals, j) = (value + 0.5m, 1, j + halfLength);
        }

        return (value, decimals, null, j);
    }

    private static int HalfAt(Token[] tokens, int j)
    {
        if (j < tokens.Length && tokens[j].Text == "жарым")
        {
            return 1;
        }

        if (j + 1 < tokens.Length && tokens[j].Text == "с" && tokens[j + 1].Text == "половиной")
        {
            return 2;
        }

        return j + 2 < tokens.Length && tokens[j].Text == "and" && tokens[j + 1].Text == "a" && tokens[j + 2].Text == "half" ? 3 : 0;
    }
}
