using Claims.Extraction.Text;

namespace Claims.Extraction.Subjects;

/// <summary>The part an entity plays in a flow: where it comes from or where it goes.</summary>
internal enum EntityRole
{
    None,
    Origin,
    Destination,
}

/// <summary>An entity named in a sentence, tokens <see cref="Start"/>..<see cref="End"/> inclusive.</summary>
internal sealed record EntityMention(int Start, int End, GazetteerEntry Entry, EntityForm Form, EntityRole Role)
{
    /// <summary>The ISO code it counts for, or null for a region.</summary>
    public string? Country => Entry.CountryCode;
}

/// <summary>
/// Places the gazetteer names the article scan found onto a sentence's tokens and reads their role
/// in a flow from the grammar around them: a demonym ("казахстанские инвестиции", "қазақстандық",
/// "Azerbaijani") or "из X"/"from X", the Kazakh genitive or ablative mark the origin; "в X",
/// "в экономику X", "to X", "через X", the Kazakh dative or locative ("Қазақстанға",
/// "Әзербайжандағы"), the object of a visit ("посетил Азербайджан") and the owner of imports
/// ("импорт Азербайджана", "Azerbaijan's imports") mark the destination (for a transit, the country crossed).
/// </summary>
internal static class EntityFinder
{
    private static readonly IReadOnlySet<string> _originPrepositions = new HashSet<string>(StringComparer.Ordinal) { "из", "изо", "from" };
    private static readonly IReadOnlySet<string> _destinationPrepositions = new HashSet<string>(StringComparer.Ordinal) { "в", "во", "на", "через", "into", "to", "in", "through", "via" };
    private static readonly IReadOnlyList<string> _kazakhGenitive = ["ның", "нің", "дың", "дің", "тың", "тің"];
    private static readonly IReadOnlyList<string> _kazakhAblative = ["нан", "нен", "дан", "ден", "тан", "тен"];
    private static readonly IReadOnlyList<string> _kazakhDativeOrLocative =
    [
        "ға", "ге", "қа", "ке", "на", "не", "да", "де", "та", "те", "нда", "нде", "дағы", "дегі", "тағы", "тегі", "ндағы", "ндегі",
    ];

    /// <summary>The scan's names, as mentions over <paramref name="tokens"/>; names that are part of a currency ("долларов США") are left out.</summary>
    public static IReadOnlyList<EntityMention> Place(Token[] tokens, IReadOnlyList<EntityHit> hits)
    {
        if (hits.Count == 0)
        {
            return [];
        }

        var mentions = new List<EntityMention>(hits.Count);
        for (var at = 0; at < hits.Count; at++)
        {
            var hit = hits[at];
            var start = TokenStartingAt(tokens, hit.Start);
            var end = TokenEndingAt(tokens, hit.End, start);
            if (start < 0 || end < 0 || IsPartOfCurrency(tokens, start, end))
            {
                continue;
            }

            mentions.Add(new EntityMention(start, end, hit.Entity.Entry, hit.Entity.Form, RoleOf(tokens, start, end, hit.Entity.Form, hit.LastStemLength)));
        }

        return mentions;
    }

    /// <summary>Token indexes where the scan's "between the two countries" cues start.</summary>
    public static IReadOnlyList<int> PlaceCues(Token[] tokens, IReadOnlyList<int> cueStarts) =>
        [.. cueStarts.Select(start => TokenStartingAt(tokens, start)).Where(index => index >= 0)];

    private static int TokenStartingAt(Token[] tokens, int offset)
    {
        int low = 0, high = tokens.Length - 1;
        while (low <= high)
        {
            var middle = (low + high) >> 1;
            var start = tokens[middle].Start;
            if (start == offset)
            {
                return middle;
            }

            (low, high) = start < offset ? (middle + 1, high) : (low, middle - 1);
        }

        return -1;
    }

    private static int TokenEndingAt(Token[] tokens, int offset, int from)
    {
        for (var k = Math.Max(from, 0); k < tokens.Length && tokens[k].Start < offset; k++)
        {
            if (tokens[k].End == offset)
            {
                return k;
            }
        }

        return -1;
    }

    /// <summary>"долларов США", "АҚШ долларын", "US$": the country names the currency, not a subject.</summary>
    private static bool IsPartOfCurrency(Token[] tokens, int start, int end) =>
        start == end && tokens[start].Is(WordClass.CurrencyCountry)
        && ((start > 0 && IsCurrency(tokens[start - 1])) || (end + 1 < tokens.Length && IsCurrency(tokens[end + 1])));

    private static bool IsCurrency(Token token) =>
        token.Is(WordClass.CurrencyWord) || (token.Kind == TokenKind.Symbol && Quantities.QuantityReader.IsCurrencySign(token.Text[0]));

    private static EntityRole RoleOf(Token[] tokens, int start, int end, EntityForm form, int lastStemLength)
    {
        var previous = PrepositionBefore(tokens, start);
        if (form.IsDemonym)
        {
            return previous is not null && _destinationPrepositions.Contains(previous) ? EntityRole.Destination : EntityRole.Origin;
        }

        if (previous is not null && _originPrepositions.Contains(previous))
        {
            return EntityRole.Origin;
        }

        if (previous is not null && _destinationPrepositions.Contains(previous))
        {
            return EntityRole.Destination;
        }

        if (FollowsEconomyOf(tokens, start) || FollowsWord(tokens, start, WordClass.VisitVerb) || FollowsWord(tokens, start, WordClass.ImportWord))
        {
            return EntityRole.Destination;
        }

        var next = NextWord(tokens, end);
        if (next?.Text == "арқылы")
        {
            // Kazakh "Әзербайжан арқылы": through Azerbaijan, the transit side of a flow.
            return EntityRole.Destination;
        }

        var nextIsEconomy = next is { } following && following.Is(WordClass.EconomyWord);
        var isPossessive = form.Language == "en" && end + 2 < tokens.Length && tokens[end + 1].Text is "'" or "’" && tokens[end + 2].Text == "s";
        if (form.Language == "kk")
        {
            var word = tokens[end].Text;
            var suffix = word.Length > lastStemLength ? word[lastStemLength..] : "";
            if (_kazakhGenitive.Contains(suffix))
            {
                // "Әзербайжанның ... инвестициясы" is the investor; "Әзербайжанның экономикасына" the recipient,
                // and "Әзербайжанның астық импорты" the importer.
                return nextIsEconomy || ImportFollows(tokens, end) ? EntityRole.Destination : EntityRole.Origin;
            }

            if (_kazakhAblative.Contains(suffix))
            {
                return EntityRole.Origin;
            }

            if (_kazakhDativeOrLocative.Contains(suffix) || (suffix.Length == 0 && nextIsEconomy))
            {
                return EntityRole.Destination;
            }
        }

        if (isPossessive)
        {
            return ImportFollows(tokens, end + 2) ? EntityRole.Destination : EntityRole.Origin;
        }

        return EntityRole.None;
    }

    /// <summary>The word before a name, past an English article ("to the Central Asian region").</summary>
    private static string? PrepositionBefore(Token[] tokens, int start)
    {
        var previous = PreviousWord(tokens, start, 1);
        return previous == "the" ? PreviousWord(tokens, start, 2) : previous;
    }

    /// <summary>"посетил Азербайджан", "посетил страны Центральной Азии", "в импорте Азербайджана": a word of the class one or two words before.</summary>
    private static bool FollowsWord(Token[] tokens, int start, WordClass wordClass)
    {
        for (var k = start - 1; k >= 0 && k >= start - 2; k--)
        {
            if (!tokens[k].IsWord)
            {
                return false;
            }

            if (tokens[k].Is(wordClass))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>An import word within the two words after the owner: "Azerbaijan's grain imports", "Әзербайжанның астық импорты".</summary>
    private static bool ImportFollows(Token[] tokens, int end)
    {
        for (var k = end + 1; k < tokens.Length && k <= end + 2; k++)
        {
            if (!tokens[k].IsWord)
            {
                return false;
            }

            if (tokens[k].Is(WordClass.ImportWord))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>"в экономику Казахстана", "into the economy of Kazakhstan".</summary>
    private static bool FollowsEconomyOf(Token[] tokens, int start)
    {
        for (var back = 1; back <= 4; back++)
        {
            var k = WordIndexBefore(tokens, start, back);
            if (k < 0)
            {
                return false;
            }

            if (tokens[k].Is(WordClass.EconomyWord))
            {
                return Enumerable.Range(back + 1, 2).Select(more => PreviousWord(tokens, start, more))
                    .Any(preposition => preposition is not null && _destinationPrepositions.Contains(preposition));
            }

            if (tokens[k].Text is not ("the" or "of"))
            {
                return false;
            }
        }

        return false;
    }

    private static string? PreviousWord(Token[] tokens, int start, int n) =>
        WordIndexBefore(tokens, start, n) is var k and >= 0 ? tokens[k].Text : null;

    /// <summary>The index of the n-th word before <paramref name="start"/>, skipping quotes; -1 across other punctuation.</summary>
    private static int WordIndexBefore(Token[] tokens, int start, int n)
    {
        var found = 0;
        for (var k = start - 1; k >= 0; k--)
        {
            var token = tokens[k];
            if (token.IsSymbol('«') || token.IsSymbol('»') || token.IsSymbol('"'))
            {
                continue;
            }

            if (!token.IsWord)
            {
                return -1;
            }

            if (++found == n)
            {
                return k;
            }
        }

        return -1;
    }

    private static Token? NextWord(Token[] tokens, int end)
    {
        for (var k = end + 1; k < tokens.Length; k++)
        {
            var token = tokens[k];
            if (token.IsSymbol('«') || token.IsSymbol('»') || token.IsSymbol('"'))
            {
                continue;
            }

            return token.IsWord ? token : null;
        }

        return null;
    }
}
