using System.Reflection;
using System.Text.Json;
using Claims.Extraction.Text;

namespace Claims.Extraction;

/// <summary>
/// The canonical metrics the extractor knows, each with the expressions (stems) that name it in
/// Russian, Kazakh and English. Data-driven: the default comes from the embedded
/// <c>metrics.json</c>; <see cref="Load"/> reads a file of the same shape, so a user can extend or
/// replace the catalog without recompiling.
/// </summary>
/// <remarks>
/// An expression is a space-separated list of stems. It matches a clause when every stem begins
/// some word of the clause (words are lower case with <c>ё</c> as <c>е</c>); a stem written
/// <c>=word</c> must equal the word. Between metrics that match, more stems win, then
/// <see cref="MetricDefinition.Priority"/>, then nearness to the figure.
/// </remarks>
public sealed class MetricCatalog
{
    private static readonly Lazy<MetricCatalog> _default = new(() => Parse(ReadEmbedded("Claims.Extraction.metrics.json")));

    private static readonly JsonSerializerOptions _jsonOptions = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>The most stems one expression may have; more would say a sentence, not name a metric.</summary>
    public const int MaxExpressionStems = 6;

    private readonly Dictionary<string, MetricDefinition> _byId;

    /// <summary>Builds a catalog from definitions; ids must be unique, lower case and URL-safe.</summary>
    public MetricCatalog(IEnumerable<MetricDefinition> metrics)
    {
        Metrics = [.. metrics];
        _byId = new Dictionary<string, MetricDefinition>(StringComparer.Ordinal);
        foreach (var metric in Metrics)
        {
            if (!IsUrlSafeId(metric.Id))
            {
                throw new FormatException($"Metric id '{metric.Id}' must be lower-case letters, digits and underscores.");
            }

            if (!_byId.TryAdd(metric.Id, metric))
            {
                throw new FormatException($"Metric id '{metric.Id}' appears twice in the catalog.");
            }

            if (metric.Expressions.FirstOrDefault(expression => expression.Stems.Count > MaxExpressionStems) is { } tooLong)
            {
                throw new FormatException($"Metric '{metric.Id}' has an expression of more than {MaxExpressionStems} stems: '{string.Join(' ', tooLong.Stems)}'.");
            }
        }
    }

    /// <summary>The catalog shipped with the library.</summary>
    public static MetricCatalog Default => _default.Value;

    /// <summary>Every metric, in file order.</summary>
    public IReadOnlyList<MetricDefinition> Metrics { get; }

    /// <summary>Reads a catalog from a JSON file shaped like the embedded <c>metrics.json</c>.</summary>
    public static MetricCatalog Load(string jsonPath) => Parse(File.ReadAllText(jsonPath));

    /// <summary>Reads a catalog from JSON text shaped like the embedded <c>metrics.json</c>.</summary>
    public static MetricCatalog Parse(string json)
    {
        var file = JsonSerializer.Deserialize<CatalogFile>(json, _jsonOptions)
            ?? throw new FormatException("The metric catalog is empty.");
        return new MetricCatalog((file.Metrics ?? []).Select(ToDefinition));
    }

    /// <summary>The metric with this id, or null.</summary>
    public MetricDefinition? Find(string id) => _byId.GetValueOrDefault(id);

    internal static string ReadEmbedded(string resourceName)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"Embedded resource {resourceName} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static MetricDefinition ToDefinition(MetricEntry entry)
    {
        var id = entry.Id ?? throw new FormatException("A metric has no id.");
        var units = (entry.Units ?? []).Select(unit => ParseUnitKind(id, unit)).ToArray();
        if (units.Length == 0)
        {
            throw new FormatException($"Metric '{id}' lists no units.");
        }

        var expressions = (entry.Expressions ?? [])
            .SelectMany(language => language.Value.Select(phrase => new MetricExpression(language.Key, Stems.SplitPhrase(phrase))))
            .Where(expression => expression.Stems.Count > 0)
            .ToArray();
        var countNouns = (entry.CountNouns ?? []).SelectMany(language => language.Value).Select(noun => noun.ToLowerInvariant()).ToArray();
        return new MetricDefinition(
            id,
            entry.Description ?? "",
            units,
            entry.Bilateral,
            entry.Flow,
            entry.Priority,
            expressions,
            entry.CountNoun,
            countNouns)
        {
            RegionSides = entry.RegionSides,
        };
    }

    private static MetricUnitKind ParseUnitKind(string metricId, string unit) => unit switch
    {
        "currency" => MetricUnitKind.Currency,
        "mass" => MetricUnitKind.Mass,
        "count" => MetricUnitKind.Count,
        "percent" => MetricUnitKind.Percent,
        "teu" => MetricUnitKind.Teu,
        "volume" => MetricUnitKind.Volume,
        _ => throw new FormatException($"Metric '{metricId}' has unknown unit kind '{unit}' (currency, mass, count, percent, teu)."),
    };

    /// <summary>Metric ids become part of claim ids, so they are lower-case ASCII letters, digits and underscores.</summary>
    private static bool IsUrlSafeId(string id) =>
        id.Length > 0 && char.IsAsciiLetterLower(id[0]) && id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');

    private sealed record CatalogFile(List<MetricEntry>? Metrics);

    private sealed record MetricEntry(
        string? Id,
        string? Description,
        List<string>? Units,
        bool Bilateral,
        bool Flow,
        int Priority,
        Dictionary<string, List<string>>? Expressions,
        string? CountNoun,
        Dictionary<string, List<string>>? CountNouns,
        bool RegionSides);
}

/// <summary>The kinds of figures a metric can be stated in.</summary>
public enum MetricUnitKind
{
    /// <summary>An amount of money in some currency (ISO 4217 code).</summary>
    Currency,

    /// <summary>Tonnes.</summary>
    Mass,

    /// <summary>A number of things (companies, documents); see <see cref="MetricDefinition.CountNoun"/>.</summary>
    Count,

    /// <summary>A share in percent.</summary>
    Percent,

    /// <summary>Twenty-foot equivalent units of containers.</summary>
    Teu,

    /// <summary>Cubic metres (natural gas, water).</summary>
    Volume,
}

/// <summary>One way a metric is named in one language: stems that must all occur in the clause.</summary>
public sealed record MetricExpression(string Language, IReadOnlyList<string> Stems);

/// <summary>
/// A canonical metric. <see cref="Bilateral"/> metrics are between two countries, so a clause that
/// names only one is completed with the article's other country; <see cref="Flow"/> metrics carry a
/// direction (<c>KZ->AZ</c>) when the text says which side is the origin.
/// </summary>
public sealed record MetricDefinition(
    string Id,
    string Description,
    IReadOnlyList<MetricUnitKind> Units,
    bool Bilateral,
    bool Flow,
    int Priority,
    IReadOnlyList<MetricExpression> Expressions,
    string? CountNoun,
    IReadOnlyList<string> CountNounStems)
{
    /// <summary>
    /// Whether a region may be a side of the flow (<c>AZ->Central_Asia</c> for visits to Central Asia);
    /// otherwise regions a flow passes ("через порт Актау") never become its origin or destination.
    /// </summary>
    public bool RegionSides { get; init; }
}
