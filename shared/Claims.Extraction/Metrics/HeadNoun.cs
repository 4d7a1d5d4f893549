using System.Text;
using Claims.Extraction.Quantities;
using Claims.Extraction.Text;

namespace Claims.Extraction.Metrics;

/// <summary>
/// The fallback for figures whose metric the catalog does not know: the head noun of the phrase the
/// figure measures, normalised into a metric id. Russian names the measured thing first ("Бюджет
/// проекта составил"), Kazakh last ("жобаның бюджеті 45 млрд"), English as the last word of the first
/// noun phrase ("KazMunayGas revenue reached", "The budget of the project"); a measure word such as
/// "объем", "volume", "көлем" passes the role to the noun it governs. The noun is stemmed (so every case
/// form gives one id) and Cyrillic is transliterated: "бюджета" → <c>byudzhet</c>, "табысы" → <c>tabys</c>,
/// "revenues" → <c>revenue</c>.
/// </summary>
internal static class HeadNoun
{
    /// <summary>Words that are never the measured thing: function words, units, cues, periods, verbs of stating a figure.</summary>
    private const WordClass NotHead =
        WordClass.Stopword | WordClass.ReportingVerb | WordClass.Increase | WordClass.Decrease | WordClass.TargetCue | WordClass.ForecastCue
        | WordClass.ModalCue | WordClass.ComparisonCue | WordClass.Scale | WordClass.CurrencyWord | WordClass.CurrencyCode | WordClass.CurrencyCountry
        | WordClass.Tonne | WordClass.PercentWord | WordClass.Multiplier | WordClass.ContainerUnit | WordClass.CubicMetre | WordClass.CubicWord | WordClass.MetreWord | WordClass.Month | WordClass.YearWord
        | WordClass.Ordinal | WordClass.NumberWord | WordClass.GrowthNoun | WordClass.ChangeMarker | WordClass.BringToVerb | WordClass.VisitVerb
        | WordClass.MonthWord | WordClass.QuarterWord | WordClass.HalfYearWord | WordClass.BaselineNoun | WordClass.MultiplierWord
        | WordClass.HedgeWord | WordClass.EconomyWord | WordClass.ImportWord;

    private static readonly string[] _russianEndings =
    [
        "ями", "ами", "иям", "ием", "ией", "иях", "ью", "ах", "ях", "ам", "ям", "ом", "ем", "ей", "ой", "ов", "ев", "ия", "ие",
        "а", "я", "о", "е", "ы", "и", "у", "ю", "ь", "й",
    ];

    private static readonly string[] _russianVerbEndings =
    [
        "ает", "яет", "еет", "ует", "ают", "яют", "еют", "уют", "ется", "ится", "ются", "ятся", "ил", "ила", "ило", "или", "ал", "ала", "ало",
        "али", "ел", "ела", "ели", "лся", "лась", "лось", "лись", "вшись", "ив", "ав", "ят", "ют", "ено", "ано", "ято", "ыто",
    ];

    /// <summary>Nouns that end like past-tense verbs: "капитал", "канал", "материал".</summary>
    private static readonly string[] _russianNounsLikeVerbs = ["тал", "нал", "иал"];

    private static readonly string[] _russianAdjectiveEndings =
    [
        "ый", "ий", "ой", "ая", "яя", "ое", "ее", "ые", "ого", "его", "ому", "ему", "ым", "им", "ых", "их", "ую", "юю", "ыми", "ими",
    ];

    private static readonly string[] _kazakhCaseEndings =
    [
        "ның", "нің", "дың", "дің", "тың", "тің", "нда", "нде", "дан", "ден", "тан", "тен", "нан", "нен", "мен", "бен", "пен",
        "ға", "ге", "қа", "ке", "на", "не", "да", "де", "та", "те", "ын", "ін", "ны", "ні",
    ];

    private static readonly string[] _kazakhVerbEndings =
    [
        "ады", "еді", "йды", "йді", "уда", "уде", "ған", "ген", "қан", "кен",
    ];

    /// <summary>Past and present tense endings, which after the figure (where Kazakh puts its verb) mark a verb, not a possessive: "салды", "өсті".</summary>
    private static readonly string[] _kazakhFiniteEndings = ["ды", "ді", "ты", "ті"];

    private static readonly string[] _kazakhAdjectiveEndings = ["лық", "лік", "дық", "дік", "тық", "тік", "ғы", "гі", "қы", "кі"];

    /// <summary>
    /// The head noun's metric id for the figure at tokens <paramref name="figureStart"/>..<paramref name="figureEnd"/>
    /// of the clause [<paramref name="from"/>, <paramref name="to"/>) of <paramref name="tokens"/>, read by the
    /// word order of <paramref name="language"/>; null when the clause has no noun to name it. <paramref name="skip"/>
    /// tells the tokens that are not words of the phrase: the figure itself, names, periods.
    /// </summary>
    public static (string Id, bool BeforeFigure)? Find(Token[] tokens, int from, int to, int figureStart, int figureEnd, Func<int, bool> skip, string language)
    {
        var head = language switch
        {
            "kk" => LastNounBefore(tokens, from, figureStart, skip, language),
            "en" => FirstPhraseHead(tokens, from, figureStart, skip, language),
            _ => FirstNounBefore(tokens, from, figureStart, skip, language),
        };

        var before = head is not null;

        // Nothing before the figure: "собрал 17 млн тонн зерна", "17 million tonnes of wheat".
        head ??= FirstNounAfter(tokens, figureEnd + 1, Math.Min(to, figureEnd + 4), skip, language);
        return head is { } k && Normalise(tokens[k].Text, language) is { } id ? (id, before) : null;
    }

    private static int? FirstNounBefore(Token[] tokens, int from, int to, Func<int, bool> skip, string language)
    {
        for (var k = from; k < to; k++)
        {
            if (IsNoun(tokens, k, skip, language))
            {
                // "Объем производства": the measure governs the noun that names the thing.
                return tokens[k].Is(WordClass.MeasureNoun) ? NextNoun(tokens, k + 1, to, skip, language) : k;
            }
        }

        return null;
    }

    private static int? NextNoun(Token[] tokens, int from, int to, Func<int, bool> skip, string language)
    {
        for (var k = from; k < to; k++)
        {
            if (!tokens[k].IsWord)
            {
                return null;
            }

            if (IsNoun(tokens, k, skip, language) && !tokens[k].Is(WordClass.MeasureNoun))
            {
                return k;
            }
        }

        return null;
    }

    private static int? LastNounBefore(Token[] tokens, int from, int to, Func<int, bool> skip, string language)
    {
        for (var k = to - 1; k >= from; k--)
        {
            if (IsNoun(tokens, k, skip, language))
            {
                // "жүк көлемі": the measure comes last; the thing measured is the noun before it.
                if (!tokens[k].Is(WordClass.MeasureNoun))
                {
                    return k;
                }

                return k - 1 >= from && IsNoun(tokens, k - 1, skip, language) ? k - 1 : null;
            }
        }

        return null;
    }

    /// <summary>English: the last word of the first run of nouns ("grain harvest"), past "the volume of".</summary>
    private static int? FirstPhraseHead(Token[] tokens, int from, int to, Func<int, bool> skip, string language)
    {
        var k = from;
        while (k < to)
        {
            while (k < to && !IsNoun(tokens, k, skip, language))
            {
                k++;
            }

            var last = -1;
            while (k < to)
            {
                if (IsNoun(tokens, k, skip, language))
                {
                    last = k++;
                }
                else if (last >= 0 && k + 2 < to && tokens[k].Text is "'" or "’" && tokens[k + 1].Text == "s")
                {
                    // "the joint venture's charter capital": a possessive continues the phrase.
                    k += 2;
                }
                else
                {
                    break;
                }
            }

            // A word right before the figure is its verb, not its subject: "has put $240 million".
            if (last < 0 || last == to - 1)
            {
                return null;
            }

            if (!tokens[last].Is(WordClass.MeasureNoun) || k >= to || tokens[k].Text != "of")
            {
                return last;
            }

            k++;
        }

        return null;
    }

    private static int? FirstNounAfter(Token[] tokens, int from, int to, Func<int, bool> skip, string language)
    {
        for (var k = from; k < to; k++)
        {
            if (tokens[k].IsWord && tokens[k].Text == "of")
            {
                continue;
            }

            if (!tokens[k].IsWord)
            {
                return null;
            }

            if (IsNoun(tokens, k, skip, language) && !tokens[k].Is(WordClass.MeasureNoun)
                && !(language == "kk" && Lexicon.EndsWithAny(tokens[k].Text, _kazakhFiniteEndings)))
            {
                return k;
            }
        }

        return null;
    }

    private static bool IsNoun(Token[] tokens, int k, Func<int, bool> skip, string language)
    {
        var token = tokens[k];
        if (!token.IsWord || token.Text.Length < 3 || token.Is(NotHead) || skip(k) || token.Text.Any(char.IsAsciiDigit))
        {
            return false;
        }

        var word = token.Text;
        return language switch
        {
            "kk" => !Lexicon.EndsWithAny(word, _kazakhVerbEndings) && !Lexicon.EndsWithAny(word, _kazakhAdjectiveEndings) && !word.EndsWith('у'),
            "en" => !(word.Length > 4 && (word.EndsWith("ed", StringComparison.Ordinal) || word.EndsWith("ing", StringComparison.Ordinal)))
                && !word.EndsWith("ly", StringComparison.Ordinal),
            _ => !IsRussianVerb(word) && !IsRussianAdjective(word),
        };
    }

    private static bool IsRussianVerb(string word) =>
        (Lexicon.EndsWithAny(word, _russianVerbEndings) && !Lexicon.EndsWithAny(word, _russianNounsLikeVerbs))
        || (word.EndsWith("ть", StringComparison.Ordinal) && !word.EndsWith("сть", StringComparison.Ordinal))
        || word.EndsWith("ся", StringComparison.Ordinal) || word.EndsWith("сь", StringComparison.Ordinal);

    /// <summary>Adjective endings, except the nouns in "-ние", "-тие" ("снижение").</summary>
    private static bool IsRussianAdjective(string word) =>
        Lexicon.EndsWithAny(word, _russianAdjectiveEndings) && !word.EndsWith("ние", StringComparison.Ordinal) && !word.EndsWith("тие", StringComparison.Ordinal);

    /// <summary>The stem of a head noun as a metric id: lower-case ASCII letters, so claim ids stay URL-safe.</summary>
    public static string? Normalise(string word, string language)
    {
        var stem = language switch
        {
            "en" => EnglishStem(word),
            "kk" => KazakhStem(word),
            _ => StripOne(word, _russianEndings),
        };

        var id = Transliterate(stem);
        return id.Length >= 2 && char.IsAsciiLetterLower(id[0]) ? id : null;
    }

    private static string EnglishStem(string word) =>
        word.EndsWith("ies", StringComparison.Ordinal) && word.Length > 4 ? word[..^3] + "y"
        : word.EndsWith("sses", StringComparison.Ordinal) ? word[..^2]
        : word.EndsWith('s') && !word.EndsWith("ss", StringComparison.Ordinal) && word.Length > 3 ? word[..^1]
        : word;

    /// <summary>Kazakh stacks endings: a case ending, then a possessive "ы"/"і" ("бюджетінің" → "бюджеті" → "бюджет").</summary>
    private static string KazakhStem(string word)
    {
        var stem = StripOne(word, _kazakhCaseEndings);
        return stem.Length > 3 && stem[^1] is 'ы' or 'і' ? stem[..^1] : stem;
    }

    private static string StripOne(string word, string[] endings)
    {
        foreach (var ending in endings)
        {
            if (word.Length - ending.Length >= 3 && word.EndsWith(ending, StringComparison.Ordinal))
            {
                return word[..^ending.Length];
            }
        }

        return word;
    }

    private static string Transliterate(string stem)
    {
        var builder = new StringBuilder(stem.Length + 4);
        foreach (var c in stem)
        {
            builder.Append(c switch
            {
                'а' or 'ә' => "a",
                'б' => "b",
                'в' => "v",
                'г' or 'ғ' => "g",
                'д' => "d",
                'е' or 'э' => "e",
                'ж' => "zh",
                'з' => "z",
                'и' or 'і' => "i",
                'й' => "y",
                'к' => "k",
                'қ' => "q",
                'л' => "l",
                'м' => "m",
                'н' or 'ң' => "n",
                'о' or 'ө' => "o",
                'п' => "p",
                'р' => "r",
                'с' => "s",
                'т' => "t",
                'у' or 'ұ' or 'ү' => "u",
                'ф' => "f",
                'х' => "kh",
                'һ' => "h",
                'ц' => "ts",
                'ч' => "ch",
                'ш' => "sh",
                'щ' => "shch",
                'ы' => "y",
                'ю' => "yu",
                'я' => "ya",
                'ъ' or 'ь' => "",
                _ when char.IsAsciiLetterLower(c) => c.ToString(),
                _ => "",
            });
        }

        return builder.ToString();
    }
}
