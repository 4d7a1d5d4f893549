using System.Text.Json;
using Claims.Extraction.Text;

namespace Claims.Extraction;

/// <summary>
/// Countries, companies, capitals, cities, people and regions with the stems of their inflected forms
/// in Russian, Kazakh and English. Countries resolve to ISO 3166-1 alpha-2 codes; companies, capitals,
/// cities and people count for their country; regions keep a canonical English name. The default comes from the embedded
/// <c>gazetteer.json</c>; <see cref="Load"/> reads a file of the same shape.
/// </summary>
public sealed class Gazetteer
{
    private static readonly Lazy<Gazetteer> _default = new(() => Parse(MetricCatalog.ReadEmbedded("Claims.Extraction.gazetteer.json")));

    private static readonly JsonSerializerOptions _jsonOptions = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Builds a gazetteer from entries and the phrases that mean "between the two countries".</summary>
    public Gazetteer(IEnumerable<GazetteerEntry> entries, IEnumerable<IReadOnlyList<string>> pairCues)
    {
        Entries = [.. entries];
        PairCues = [.. pairCues];
        if (Entries.FirstOrDefault(entry => entry.Kind != EntityKind.Region && entry.CountryCode is null) is { } orphan)
        {
            throw new FormatException($"Entity '{orphan.Name}' is a {orphan.Kind} and needs a country.");
        }
    }

    /// <summary>The gazetteer shipped with the library.</summary>
    public static Gazetteer Default => _default.Value;

    /// <summary>Every entity, in file order.</summary>
    public IReadOnlyList<GazetteerEntry> Entries { get; }

    /// <summary>Phrases (stems on consecutive words) that refer to the article's two main countries.</summary>
    public IReadOnlyList<IReadOnlyList<string>> PairCues { get; }

    /// <summary>Reads a gazetteer from a JSON file shaped like the embedded <c>gazetteer.json</c>.</summary>
    public static Gazetteer Load(string jsonPath) => Parse(File.ReadAllText(jsonPath));

    /// <summary>Reads a gazetteer from JSON text shaped like the embedded <c>gazetteer.json</c>.</summary>
    public static Gazetteer Parse(string json)
    {
        var file = JsonSerializer.Deserialize<GazetteerFile>(json, _jsonOptions)
            ?? throw new FormatException("The gazetteer is empty.");
        var entries = (file.Entities ?? []).Select(ToEntry);
        var cues = (file.PairCues ?? []).SelectMany(language => language.Value).Select(Stems.SplitPhrase);
        return new Gazetteer(entries, cues);
    }

    private static GazetteerEntry ToEntry(EntityEntry entry)
    {
        var name = entry.Name ?? throw new FormatException("An entity has no name.");
        var kind = entry.Kind switch
        {
            "country" => EntityKind.Country,
            "company" => EntityKind.Company,
            "capital" => EntityKind.Capital,
            "region" => EntityKind.Region,
            "city" => EntityKind.City,
            "person" => EntityKind.Person,
            _ => throw new FormatException($"Entity '{name}' has unknown kind '{entry.Kind}' (country, company, capital, city, person, region)."),
        };
        var forms = Forms(entry.Names, isDemonym: false).Concat(Forms(entry.Demonyms, isDemonym: true)).ToArray();
        return new GazetteerEntry(name, kind, entry.Country, forms);
    }

    private static IEnumerable<EntityForm> Forms(Dictionary<string, List<string>>? byLanguage, bool isDemonym) =>
        (byLanguage ?? [])
            .SelectMany(language => language.Value.Select(phrase => new EntityForm(language.Key, Stems.SplitPhrase(phrase), isDemonym)))
            .Where(form => form.Stems.Count > 0);

    private sealed record GazetteerFile(Dictionary<string, List<string>>? PairCues, List<EntityEntry>? Entities);

    private sealed record EntityEntry(
        string? Name,
        string? Kind,
        string? Country,
        Dictionary<string, List<string>>? Names,
        Dictionary<string, List<string>>? Demonyms);
}

/// <summary>What sort of thing a gazetteer entry is.</summary>
public enum EntityKind
{
    /// <summary>A state; its name is its ISO 3166-1 alpha-2 code.</summary>
    Country,

    /// <summary>A company; it counts for its home country.</summary>
    Company,

    /// <summary>A capital city, used for its country ("Баку и Астана").</summary>
    Capital,

    /// <summary>A corridor, sea or other region; it keeps its canonical English name.</summary>
    Region,

    /// <summary>A city other than the capital ("Физули"); like a capital it counts for its country.</summary>
    City,

    /// <summary>A head of state or other public figure ("Токаев"); counts for the country they speak for.</summary>
    Person,
}

/// <summary>One entity of the gazetteer.</summary>
public sealed record GazetteerEntry(string Name, EntityKind Kind, string? Country, IReadOnlyList<EntityForm> Forms)
{
    /// <summary>The ISO code the entity stands for, or null for a region.</summary>
    public string? CountryCode => Kind == EntityKind.Country ? Name : Country;
}

/// <summary>One written form of an entity: stems on consecutive words; demonyms are adjectives.</summary>
public sealed record EntityForm(string Language, IReadOnlyList<string> Stems, bool IsDemonym);
