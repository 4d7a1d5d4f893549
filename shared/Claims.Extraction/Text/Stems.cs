namespace Claims.Extraction.Text;

/// <summary>
/// Matching of normalised words against stems. Russian and Kazakh inflect by suffix, so a stem
/// such as <c>товарооборот</c> or <c>доллар</c> covers every case form; a stem written with a
/// leading <c>=</c> must equal the whole word (for short forms like <c>=млн</c> or <c>=сша</c>).
/// </summary>
internal static class Stems
{
    public static bool Matches(string word, string stem) =>
        stem.Length > 0 && stem[0] == '='
            ? word.AsSpan().SequenceEqual(stem.AsSpan(1))
            : word.StartsWith(stem, StringComparison.Ordinal);

    public static bool MatchesAny(string word, IEnumerable<string> stems) => stems.Any(stem => Matches(word, stem));

    /// <summary>How many characters of a matching word the stem covers; the rest of the word is its suffix.</summary>
    public static int CoveredLength(string stem) => stem.Length > 0 && stem[0] == '=' ? stem.Length - 1 : stem.Length;

    /// <summary>Splits a phrase written in the data files ("средн коридор") into normalised stems.</summary>
    public static IReadOnlyList<string> SplitPhrase(string phrase) =>
        phrase.ToLowerInvariant().Replace('ё', 'е')
            .Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
