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
/// Finds gazetteer entities in a sentence and reads their role in a flow from the grammar around
/// them: a demonym ("казахстанские инвестиции", "қазақстандық", "Azerbaijani") or "из X"/"from X",
/// the Kazakh genitive or ablative mark the origin; "в X", "в экономику X", "to X", "через X",
/// the Kazakh dative or locative ("Қазақстанға", "Әзербайжандағы") mark the destination (for a
/// transit, the country crossed).
/// </summary>
internal sealed class EntityFinder
{
    private static readonly IReadOnlySet<string> _originPrepositions = new HashSet<string>(StringComparer.Ordinal) { "из", "изо", "from" };
    private static readonly IReadOnlySet<string> _destinationPrepositions = new HashSet<string>(StringComparer.Ordinal) { "в", "во", "на", "через", "into", "to", "in", "through", "via" };
    private static readonly IReadOnlyList<string> _economyWords = ["экономик", "economy"];
    private static readonly IReadOnlyList<string> _kazakhGenitive = ["ның", "нің", "дың", "дің", "тың", "тің"];
    private static readonly IReadOnlyList<string> _kazakhAblative = ["нан", "нен", "дан", "ден", "тан", "тен"];
    private static readonly IReadOnlyList<string> _kazakhDativeOrLocative =
    [
        "ға", "ге", "қа", "ке", "на", "не", "да", "де", "та", "те", "нда", "нде", "дағы", "дегі", "тағы", "тегі", "ндағы", "ндегі",
    ];

    private readonly PhraseMatcher<(GazetteerEntry Entry, EntityForm Form)> _entities;
    private readonly PhraseMatcher<bool> _pairCues;

    public EntityFinder(Gazetteer gazetteer)
    {
        _entities = new PhraseMatcher<(GazetteerEntry, EntityForm)>(
            gazetteer.Entries.SelectMany(entry => entry.Forms.Select(form => (form.Stems, (entry, form)))));
        _pairCues = new PhraseMatcher<bool>(gazetteer.PairCues.Select(cue => (cue, true)));
    }

    public IReadOnlyList<EntityMention> Find(IReadOnlyList<Token> tokens) =>
        [.. _entities.FindAll(tokens).Select(match => new EntityMention(
            match.Start, match.End, match.Payload.Entry, match.Payload.Form, RoleOf(tokens, match.Start, match.End, match.Payload.Form, match.LastStem)))];

    /// <summary>Token indexes where a phrase like "между странами" or "екі ел" starts.</summary>
    public IReadOnlyList<int> FindPairCues(IReadOnlyList<Token> tokens) => [.. _pairCues.FindAll(tokens).Select(match => match.Start)];

    private static EntityRole RoleOf(IReadOnlyList<Token> tokens, int start, int end, EntityForm form, string lastStem)
    {
        var previous = PreviousWord(tokens, start, 1);
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

        if (FollowsEconomyOf(tokens, start))
        {
            return EntityRole.Destination;
        }

        var next = NextWord(tokens, end);
        if (next == "арқылы")
        {
            // Kazakh "Әзербайжан арқылы": through Azerbaijan, the transit side of a flow.
            return EntityRole.Destination;
        }

        var nextIsEconomy = next is not null && Stems.MatchesAny(next, _economyWords);
        if (form.Language == "kk")
        {
            var word = tokens[end].Text;
            var suffix = word.Length > Stems.CoveredLength(lastStem) ? word[Stems.CoveredLength(lastStem)..] : "";
            if (_kazakhGenitive.Contains(suffix))
            {
                // "Әзербайжанның ... инвестициясы" is the investor; "Әзербайжанның экономикасына" the recipient.
                return nextIsEconomy ? EntityRole.Destination : EntityRole.Origin;
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

        var isPossessive = end + 2 < tokens.Count && tokens[end + 1].Text is "'" or "’" && tokens[end + 2].Text == "s";
        return form.Language == "en" && isPossessive ? EntityRole.Origin : EntityRole.None;
    }

    /// <summary>"в экономику Казахстана", "into the economy of Kazakhstan".</summary>
    private static bool FollowsEconomyOf(IReadOnlyList<Token> tokens, int start)
    {
        for (var back = 1; back <= 4; back++)
        {
            var word = PreviousWord(tokens, start, back);
            if (word is null)
            {
                return false;
            }

            if (Stems.MatchesAny(word, _economyWords))
            {
                return Enumerable.Range(back + 1, 2).Select(more => PreviousWord(tokens, start, more))
                    .Any(preposition => preposition is not null && _destinationPrepositions.Contains(preposition));
            }

            if (word is not ("the" or "of"))
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>The n-th word before <paramref name="start"/>, skipping quotes; null across other punctuation.</summary>
    private static string? PreviousWord(IReadOnlyList<Token> tokens, int start, int n)
    {
        var k = start - 1;
        for (var found = 0; k >= 0; k--)
        {
            var token = tokens[k];
            if (token.IsSymbol('«') || token.IsSymbol('»') || token.IsSymbol('"'))
            {
                continue;
            }

            if (!token.IsWord)
            {
                return null;
            }

            if (++found == n)
            {
                return token.Text;
            }
        }

        return null;
    }

    private static string? NextWord(IReadOnlyList<Token> tokens, int end)
    {
        for (var k = end + 1; k < tokens.Count; k++)
        {
            var token = tokens[k];
            if (token.IsSymbol('«') || token.IsSymbol('»') || token.IsSymbol('"'))
            {
                continue;
            }

            return token.IsWord ? token.Text : null;
        }

        return null;
    }
}
