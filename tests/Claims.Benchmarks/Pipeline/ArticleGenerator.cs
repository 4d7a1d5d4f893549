using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Claims.SeedLoader;

namespace Claims.Benchmarks.Pipeline;

/// <summary>The body of <c>POST /articles</c> and <c>POST /extract</c>.</summary>
public sealed record ArticleBody(string Source, string Url, string PublishedAt, string Language, string Text);

/// <summary>What a sample of generated articles yields when only extracted (<c>POST /extract</c>, nothing stored).</summary>
public sealed record GeneratorCheck(
    int TemplateSentences,
    int FillerSentences,
    int SampleArticles,
    double MeanClaimsPerArticle,
    double ArticlesWithClaims,
    int DistinctClaimIds,
    double ClaimsNamingTheSwappedPair,
    double MeanArticleBytes,
    IReadOnlyList<string> ExampleClaimIds);

/// <summary>
/// Synthetic articles made of the seeds' sentences: the sentences the extractor reads a claim from (found by
/// extracting each seed once) plus some without claims, with the country pair swapped for another the gazetteer
/// knows, every year shifted and every other number redrawn. Claim ids are metric:subjects:period, so the pair and
/// the years spread the load over thousands of claims, while each claim still gets several mentions from different
/// outlets (agreements, conflicts and consensus changes, as real traffic brings). One article in twenty reprints a
/// recent one under another outlet, as wire copy does. Deterministic for a given seed.
/// </summary>
public sealed partial class ArticleGenerator
{
    private const int ClaimSentencesPerArticle = 8;
    private const int FillerSentencesPerArticle = 6;
    private const int MaxYearShift = 12;

    /// <summary>
    /// Fewest ways a template sentence's numbers can be redrawn. With the pair and the year shift (390 ways) that is
    /// 390,000 variants a sentence, so a run of a few thousand articles repeats a sentence only a handful of times.
    /// </summary>
    private const double MinRedrawnVariants = 1000;

    /// <summary>Share of articles that reprint a recent one under another outlet, as wire copy is; each counts in its original's origin.</summary>
    private const double ReprintShare = 0.05;

    /// <summary>How far back a reprint reaches: the articles generated last.</summary>
    private const int ReprintWindow = 64;

    /// <summary>
    /// Countries whose Russian and Kazakh names decline like Казахстан and Азербайджан, so a swapped stem keeps its
    /// case endings: stem of the name and of the adjective in Russian, then in Kazakh (gazetteer.json).
    /// </summary>
    private static readonly Country[] _countries =
    [
        new("AZ", "азербайджан", "азербайджанск", "әзербайжан", "әзербайжандық"),
        new("KZ", "казахстан", "казахстанск", "қазақстан", "қазақстандық"),
        new("UZ", "узбекистан", "узбекск", "өзбекстан", "өзбекстандық"),
        new("TM", "туркменистан", "туркменск", "түрікменстан", "түрікмен"),
        new("TJ", "таджикистан", "таджикск", "тәжікстан", "тәжік"),
        new("KG", "кыргызстан", "кыргызск", "қырғызстан", "қырғыз"),
    ];

    private readonly Lock _lock = new();
    private readonly Random _random;
    private readonly IReadOnlyDictionary<string, Pool> _pools;
    private readonly string[] _languages;
    private readonly string[] _sources;
    private readonly string _runId = Guid.NewGuid().ToString("N")[..8];
    private readonly Queue<Generated> _recent = new();
    private int _next;

    private sealed record Country(string Code, string RuName, string RuAdjective, string KkName, string KkAdjective);

    private sealed record Pool(string Language, IReadOnlyList<string> ClaimSentences, IReadOnlyList<string> Fillers);

    /// <summary>One generated article and the pair it is about.</summary>
    public sealed record Generated(ArticleBody Body, string First, string Second);

    private ArticleGenerator(IReadOnlyDictionary<string, Pool> pools, int sources, int seed)
    {
        _pools = pools;
        _random = new Random(seed);
        // Languages in proportion to the claim sentences each has.
        _languages = [.. pools.Values.SelectMany(p => Enumerable.Repeat(p.Language, p.ClaimSentences.Count))];
        _sources = [.. Enumerable.Range(1, sources).Select(i => $"Benchmark Wire {i:D2}")];
    }

    public int TemplateSentences => _pools.Values.Sum(p => p.ClaimSentences.Count);

    public int FillerSentences => _pools.Values.Sum(p => p.Fillers.Count);

    /// <summary>Extracts each seed once through ingestion's <c>POST /extract</c> to learn which sentences carry claims.</summary>
    public static async Task<ArticleGenerator> CreateAsync(HttpClient ingestion, string seedsDirectory, int sources, int seed)
    {
        var claimSentences = new Dictionary<string, HashSet<string>>();
        var fillers = new Dictionary<string, HashSet<string>>();
        foreach (var article in SeedCatalog.Load(seedsDirectory))
        {
            var text = DateLinePattern().Replace(article.Text, "");
            var body = new ArticleBody(article.Source, "", article.PublishedAt, article.Language, text);
            var extraction = await ExtractAsync(ingestion, body);
            var evidence = extraction.GetProperty("claims").EnumerateArray()
                .Select(c => c.GetProperty("evidence").GetProperty("text").GetString()!.Trim())
                .Where(s => s.Length is > 20 and < 700)
                .ToHashSet();
            // A sentence whose figures are all words ("в три раза"), or a single digit, would read the same in many
            // articles: reconciliation rightly takes two articles stating the same figure in the same sentence for
            // reprints, and those accidental pairs chain into origin groups of thousands of articles, which no news
            // stream has. Only sentences with enough redrawn digits to rarely repeat are kept.
            var templates = evidence.Where(s => RedrawnVariants(s) >= MinRedrawnVariants);
            (claimSentences.TryGetValue(article.Language, out var claims) ? claims : claimSentences[article.Language] = []).UnionWith(templates);
            var plain = SentenceBreak().Split(text)
                .Select(s => s.Trim())
                .Where(s => s.Length is > 40 and < 400 && !evidence.Any(e => e.Contains(s, StringComparison.Ordinal) || s.Contains(e, StringComparison.Ordinal)))
                .Where(s => !DigitPattern().IsMatch(s));
            (fillers.TryGetValue(article.Language, out var filler) ? filler : fillers[article.Language] = []).UnionWith(plain);
        }
        var pools = claimSentences
            .Where(p => p.Value.Count > 0)
            .ToDictionary(p => p.Key, p => new Pool(p.Key, [.. p.Value.Order(StringComparer.Ordinal)], [.. fillers.GetValueOrDefault(p.Key, []).Order(StringComparer.Ordinal)]));
        if (pools.Count == 0)
        {
            throw new InvalidOperationException($"No claim was extracted from the seeds in {seedsDirectory}: nothing to build articles from.");
        }
        var generator = new ArticleGenerator(pools, sources, seed);
        return new ArticleGenerator(await generator.WithoutFixedClaimsAsync(ingestion), sources, seed);
    }

    /// <summary>
    /// Drops the sentences whose claim stays the same whatever the pair and the year (a region with no period, a name
    /// the swap does not touch): each would put a share of every article on one claim, a hot spot no news stream has.
    /// A sentence is kept when two rewrites with different pairs and years give different claim ids, or none alone.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, Pool>> WithoutFixedClaimsAsync(HttpClient ingestion)
    {
        var (a, b) = (_countries[2], _countries[5]);
        var (c, d) = (_countries[3], _countries[4]);
        var pools = new Dictionary<string, Pool>();
        foreach (var pool in _pools.Values)
        {
            var kept = new List<string>();
            foreach (var sentence in pool.ClaimSentences)
            {
                var first = await ClaimIdsAsync(ingestion, Rewrite(sentence, pool.Language, a, b, -2), pool.Language, -2);
                var second = await ClaimIdsAsync(ingestion, Rewrite(sentence, pool.Language, c, d, -7), pool.Language, -7);
                if (first.Count == 0 || second.Count == 0 || !first.Overlaps(second))
                {
                    kept.Add(sentence);
                }
            }
            if (kept.Count > 0)
            {
                pools[pool.Language] = pool with { ClaimSentences = kept };
            }
        }
        return pools.Count > 0 ? pools : _pools;
    }

    private static async Task<HashSet<string>> ClaimIdsAsync(HttpClient ingestion, string text, string language, int yearShift)
    {
        var publishedAt = new DateOnly(2025, 10, 22).AddYears(yearShift).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var extraction = await ExtractAsync(ingestion, new ArticleBody("probe", "", publishedAt, language, text));
        return [.. extraction.GetProperty("claims").EnumerateArray().Select(c => c.GetProperty("claimId").GetString()!)];
    }

    /// <summary>The next article; thread-safe, and the same sequence for the same seed.</summary>
    public Generated Next()
    {
        lock (_lock)
        {
            var index = _next++;
            if (_recent.Count > 0 && _random.NextDouble() < ReprintShare)
            {
                return Reprint(_recent.ElementAt(_random.Next(_recent.Count)), index);
            }
            var pool = _pools[_languages[_random.Next(_languages.Length)]];
            var first = _countries[_random.Next(_countries.Length)];
            var second = _countries.Where(c => c != first).ElementAt(_random.Next(_countries.Length - 1));
            var yearShift = -_random.Next(MaxYearShift + 1);
            var sentences = Pick(pool.ClaimSentences, ClaimSentencesPerArticle).Concat(Pick(pool.Fillers, FillerSentencesPerArticle))
                .OrderBy(_ => _random.Next()).ToList();
            var text = string.Join(" ", sentences.Select(s => Rewrite(s, pool.Language, first, second, yearShift)));
            // The seeds are from October 2025; relative periods ("в прошлом году") move with the publication date.
            var publishedAt = new DateOnly(2025, 10, 22).AddYears(yearShift).AddDays(-_random.Next(45));
            var body = new ArticleBody(
                _sources[_random.Next(_sources.Length)],
                $"https://benchmark.claims.example/{_runId}/{index}",
                publishedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                pool.Language,
                text);
            var generated = new Generated(body, first.Code, second.Code);
            _recent.Enqueue(generated);
            if (_recent.Count > ReprintWindow)
            {
                _recent.Dequeue();
            }
            return generated;
        }
    }

    /// <summary>The same text under another outlet and address, up to two days later.</summary>
    private Generated Reprint(Generated original, int index)
    {
        var published = DateOnly.ParseExact(original.Body.PublishedAt, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(_random.Next(3));
        var body = original.Body with
        {
            Source = _sources.Length < 2 ? original.Body.Source
                : _sources.Where(s => s != original.Body.Source).ElementAt(_random.Next(_sources.Length - 1)),
            Url = $"https://benchmark.claims.example/{_runId}/{index}",
            PublishedAt = published.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        return original with { Body = body };
    }

    /// <summary>Generates a sample and extracts it without storing anything, to prove the articles really yield varied claims.</summary>
    public async Task<GeneratorCheck> CheckAsync(HttpClient ingestion, int samples)
    {
        var claimCounts = new List<int>();
        var claimIds = new HashSet<string>();
        var naming = 0;
        var total = 0;
        long bytes = 0;
        for (var i = 0; i < samples; i++)
        {
            var article = Next();
            bytes += Encoding.UTF8.GetByteCount(article.Body.Text);
            var claims = (await ExtractAsync(ingestion, article.Body)).GetProperty("claims").EnumerateArray().ToList();
            claimCounts.Add(claims.Count);
            foreach (var claim in claims)
            {
                claimIds.Add(claim.GetProperty("claimId").GetString()!);
                total++;
                var subjects = claim.GetProperty("subjects").EnumerateArray().Select(s => s.GetString()).ToList();
                if (subjects.Contains(article.First) || subjects.Contains(article.Second))
                {
                    naming++;
                }
            }
        }
        return new GeneratorCheck(
            TemplateSentences,
            FillerSentences,
            samples,
            claimCounts.Average(),
            claimCounts.Count(c => c > 0) / (double)samples,
            claimIds.Count,
            total == 0 ? 0 : naming / (double)total,
            bytes / (double)samples,
            [.. claimIds.Order(StringComparer.Ordinal).Take(8)]);
    }

    private IEnumerable<string> Pick(IReadOnlyList<string> pool, int count) =>
        pool.Count <= count ? pool : Enumerable.Range(0, pool.Count).OrderBy(_ => _random.Next()).Take(count).Select(i => pool[i]);

    /// <summary>Swaps the pair (Azerbaijan → first, Kazakhstan → second), shifts years and redraws the other numbers.</summary>
    private string Rewrite(string sentence, string language, Country first, Country second, int yearShift)
    {
        var swapped = SwapCountries(sentence, language, first, second);
        return DigitPattern().Replace(swapped, match => Renumber(swapped, match, yearShift));
    }

    private static string SwapCountries(string sentence, string language, Country first, Country second)
    {
        var (az, kz) = (_countries[0], _countries[1]);
        // Adjectives before names: the name stem is a prefix of the adjective's. One pass, so AZ→KZ and KZ→AZ never chain.
        var map = language == "kk"
            ? new Dictionary<string, string> { [az.KkAdjective] = first.KkAdjective, [az.KkName] = first.KkName, [kz.KkAdjective] = second.KkAdjective, [kz.KkName] = second.KkName }
            : new Dictionary<string, string>
            {
                [az.RuAdjective] = first.RuAdjective, ["азербайджанц"] = first.RuAdjective, [az.RuName] = first.RuName,
                [kz.RuAdjective] = second.RuAdjective, ["казахск"] = second.RuAdjective, [kz.RuName] = second.RuName,
            };
        var pattern = new Regex(@"(?<!\p{L})(" + string.Join("|", map.Keys.OrderByDescending(k => k.Length).Select(Regex.Escape)) + ")",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        return pattern.Replace(sentence, match =>
        {
            var replacement = map[match.Value.ToLowerInvariant()];
            return char.IsUpper(match.Value[0]) ? char.ToUpperInvariant(replacement[0]) + replacement[1..] : replacement;
        });
    }

    /// <summary>In how many ways <see cref="Renumber"/> can redraw the numbers of a sentence (years and days kept).</summary>
    private static double RedrawnVariants(string sentence)
    {
        var variants = 1.0;
        foreach (Match match in DigitPattern().Matches(sentence))
        {
            variants *= ContinuesNumber(sentence, match) ? Math.Pow(10, DecimalDigits(match.Value))
                : IsYear(match.Value) || MonthAfter().IsMatch(sentence.AsSpan(match.Index + match.Length)) ? 1
                : 9 * Math.Pow(10, match.Value.Length - 1);
        }
        return variants;
    }

    /// <summary>A decimal part or a thousands group after a number's first digits ("1,5", "13 200").</summary>
    private static bool ContinuesNumber(string text, Match match)
    {
        var before = match.Index > 0 ? text[match.Index - 1] : ' ';
        var beforeThat = match.Index > 1 ? text[match.Index - 2] : ' ';
        return char.IsDigit(beforeThat) && (before is ',' or '.' || (char.IsWhiteSpace(before) && match.Value.Length == 3));
    }

    /// <summary>A one-digit decimal part is redrawn with two ("1,5 млн" → "1,47 млн"): ten variants are too few.</summary>
    private static int DecimalDigits(string digits) => Math.Max(digits.Length, 2);

    private static bool IsYear(string digits) => digits.Length == 4 && int.Parse(digits, CultureInfo.InvariantCulture) is >= 1990 and <= 2040;

    private string Renumber(string text, Match match, int yearShift)
    {
        var digits = match.Value;
        if (ContinuesNumber(text, match))
        {
            // A decimal part or a thousands group: any digits, leading zeros included; a thousands group keeps three.
            var length = text[match.Index - 1] is ',' or '.' ? DecimalDigits(digits) : digits.Length;
            return string.Concat(Enumerable.Range(0, length).Select(_ => (char)('0' + _random.Next(10))));
        }
        if (IsYear(digits))
        {
            return (int.Parse(digits, CultureInfo.InvariantCulture) + yearShift).ToString(CultureInfo.InvariantCulture);
        }
        if (MonthAfter().IsMatch(text.AsSpan(match.Index + match.Length)))
        {
            // A day of a month stays a valid date.
            return digits;
        }
        var low = digits.Length == 1 ? 1 : (long)Math.Pow(10, digits.Length - 1);
        return _random.NextInt64(low, low * 10).ToString(CultureInfo.InvariantCulture);
    }

    private static async Task<JsonElement> ExtractAsync(HttpClient ingestion, ArticleBody body)
    {
        using var response = await ingestion.PostAsJsonAsync(new Uri("/extract", UriKind.Relative), body, JsonSerializerOptions.Web);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST /extract answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [GeneratedRegex(@"^\s*date \d{4}-\d{2}-\d{2}[^\n]*\n", RegexOptions.Multiline)]
    private static partial Regex DateLinePattern();

    [GeneratedRegex(@"(?<=[.!?…])\s+|\n+")]
    private static partial Regex SentenceBreak();

    [GeneratedRegex(@"\d+")]
    private static partial Regex DigitPattern();

    [GeneratedRegex(@"^[\s\u00A0]*(январ|феврал|март|апрел|ма[яй]|июн|июл|август|сентябр|октябр|ноябр|декабр|қаңтар|ақпан|наурыз|сәуір|мамыр|маусым|шілде|тамыз|қыркүйек|қазан|қараша|желтоқсан)", RegexOptions.IgnoreCase)]
    private static partial Regex MonthAfter();
}
