namespace Claims.Extraction.Text;

/// <summary>A phrase found at a position: tokens <see cref="Start"/>..<see cref="End"/> inclusive.</summary>
internal sealed record PhraseMatch<T>(int Start, int End, T Payload, string LastStem);

/// <summary>
/// Finds phrases of stems on consecutive words (hyphens and quotes between them are skipped, so
/// "Trans-Caspian" and "«КазМунайГаз»" match). Candidates are indexed by their first letter, so a
/// lookup costs a handful of comparisons; the longest phrase wins.
/// </summary>
internal sealed class PhraseMatcher<T>
{
    private readonly Dictionary<char, List<(IReadOnlyList<string> Stems, T Payload)>> _byFirstLetter = [];

    public PhraseMatcher(IEnumerable<(IReadOnlyList<string> Stems, T Payload)> phrases)
    {
        foreach (var (stems, payload) in phrases)
        {
            var first = stems[0].TrimStart('=');
            if (first.Length == 0)
            {
                continue;
            }

            if (!_byFirstLetter.TryGetValue(first[0], out var bucket))
            {
                bucket = [];
                _byFirstLetter[first[0]] = bucket;
            }

            bucket.Add((stems, payload));
        }
    }

    public PhraseMatch<T>? MatchAt(IReadOnlyList<Token> tokens, int index)
    {
        var token = tokens[index];
        if (!token.IsWord || !_byFirstLetter.TryGetValue(token.Text[0], out var candidates))
        {
            return null;
        }

        PhraseMatch<T>? best = null;
        var bestWords = 0;
        var bestLength = 0;
        foreach (var (stems, payload) in candidates)
        {
            var end = MatchEnd(tokens, index, stems);
            if (end < 0)
            {
                continue;
            }

            var length = stems.Sum(Stems.CoveredLength);
            if (stems.Count > bestWords || (stems.Count == bestWords && length > bestLength))
            {
                best = new PhraseMatch<T>(index, end, payload, stems[^1]);
                bestWords = stems.Count;
                bestLength = length;
            }
        }

        return best;
    }

    /// <summary>All non-overlapping matches, left to right.</summary>
    public IReadOnlyList<PhraseMatch<T>> FindAll(IReadOnlyList<Token> tokens)
    {
        var matches = new List<PhraseMatch<T>>();
        for (var i = 0; i < tokens.Count; i++)
        {
            if (MatchAt(tokens, i) is { } match)
            {
                matches.Add(match);
                i = match.End;
            }
        }

        return matches;
    }

    private static int MatchEnd(IReadOnlyList<Token> tokens, int index, IReadOnlyList<string> stems)
    {
        var i = index;
        for (var k = 0; k < stems.Count; k++)
        {
            if (k > 0)
            {
                i++;
                while (i < tokens.Count && IsConnector(tokens[i]))
                {
                    i++;
                }
            }

            if (i >= tokens.Count || !tokens[i].IsWord || !Stems.Matches(tokens[i].Text, stems[k]))
            {
                return -1;
            }
        }

        return i;
    }

    private static bool IsConnector(Token token) => token.IsDash || token.IsSymbol('«') || token.IsSymbol('»') || token.IsSymbol('"');
}
