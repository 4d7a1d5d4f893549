namespace Claims.Extraction;

/// <summary>
/// Tells Russian, Kazakh and English apart. Latin script means English; Cyrillic text is Kazakh when
/// the letters only Kazakh uses (ә ғ қ ң ө ұ ү һ і) make up a noticeable share of it, or when its
/// common function words are Kazakh rather than Russian (for Kazakh typed without those letters).
/// </summary>
public static class LanguageDetector
{
    /// <summary>One Kazakh-only letter per hundred Cyrillic letters is far above the rate of Kazakh names in Russian text.</summary>
    private const double KazakhLetterShare = 0.01;

    private static readonly HashSet<string> _kazakhWords = new(StringComparer.Ordinal)
    {
        "мен", "және", "бен", "пен", "бұл", "үшін", "деп", "жылы", "туралы", "бойынша", "арасындағы", "екі", "ел", "осы",
    };

    private static readonly HashSet<string> _russianWords = new(StringComparer.Ordinal)
    {
        "и", "в", "на", "что", "не", "по", "для", "это", "году", "с", "из", "как", "между", "также", "от",
    };

    /// <summary>
    /// Whether the text is words in a script this extractor reads: it has letters, and at least half of them are
    /// Latin or Cyrillic (an article may quote a name in another script; an article in Chinese is not for us).
    /// </summary>
    public static bool IsInReadableScript(string text)
    {
        var letters = 0;
        var readable = 0;
        foreach (var c in text ?? "")
        {
            if (!char.IsLetter(c))
            {
                continue;
            }
            letters++;
            var lower = char.ToLowerInvariant(c);
            if (lower is >= 'a' and <= 'z' or >= 'а' and <= 'я' or 'ё' or 'ә' or 'ғ' or 'қ' or 'ң' or 'ө' or 'ұ' or 'ү' or 'һ' or 'і')
            {
                readable++;
            }
        }
        return letters > 0 && readable * 2 >= letters;
    }

    /// <summary>Returns <c>ru</c>, <c>kk</c> or <c>en</c>; text without letters is reported as <c>en</c>.</summary>
    public static string Detect(string text)
    {
        var cyrillic = 0;
        var latin = 0;
        var kazakhLetters = 0;
        foreach (var c in text ?? "")
        {
            var lower = char.ToLowerInvariant(c);
            if (lower is >= 'а' and <= 'я' or 'ё')
            {
                cyrillic++;
            }
            else if (lower is 'ә' or 'ғ' or 'қ' or 'ң' or 'ө' or 'ұ' or 'ү' or 'һ' or 'і')
            {
                cyrillic++;
                kazakhLetters++;
            }
            else if (lower is >= 'a' and <= 'z')
            {
                latin++;
            }
        }

        if (latin > cyrillic || cyrillic == 0)
        {
            return "en";
        }

        if (kazakhLetters >= KazakhLetterShare * cyrillic)
        {
            return "kk";
        }

        // Counted word by word over spans: detection runs on every article posted without a language.
        var kazakhWords = _kazakhWords.GetAlternateLookup<ReadOnlySpan<char>>();
        var russianWords = _russianWords.GetAlternateLookup<ReadOnlySpan<char>>();
        Span<char> buffer = stackalloc char[16];
        var kazakhWordCount = 0;
        var russianWordCount = 0;
        var source = (text ?? "").AsSpan();
        var i = 0;
        while (i < source.Length)
        {
            if (!char.IsLetter(source[i]))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < source.Length && char.IsLetter(source[i]))
            {
                i++;
            }

            if (i - start > buffer.Length)
            {
                continue;
            }

            var word = buffer[..(i - start)];
            source[start..i].ToLowerInvariant(word);
            kazakhWordCount += kazakhWords.Contains(word) ? 1 : 0;
            russianWordCount += russianWords.Contains(word) ? 1 : 0;
        }

        return kazakhWordCount > russianWordCount ? "kk" : "ru";
    }
}
