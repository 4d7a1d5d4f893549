using System.Text.Json;

namespace Claims.SeedLoader;

/// <summary>A sample article: its text and what the manifest says about it.</summary>
public sealed record Seed(string File, string Source, string Language, string PublishedAt, string Text);

/// <summary>Reads a seeds folder: <c>manifest.json</c> and the text files it lists.</summary>
public static class SeedCatalog
{
    private sealed record Manifest(IReadOnlyList<ManifestEntry> Articles);

    private sealed record ManifestEntry(string File, string Source, string Language, string PublishedAt);

    public static IReadOnlyList<Seed> Load(string directory)
    {
        var manifestPath = Path.Combine(directory, "manifest.json");
        var manifest = JsonSerializer.Deserialize<Manifest>(File.ReadAllText(manifestPath), JsonSerializerOptions.Web)
            ?? throw new InvalidDataException($"{manifestPath} is empty.");
        return [.. manifest.Articles.Select(a => new Seed(a.File, a.Source, a.Language, a.PublishedAt, File.ReadAllText(Path.Combine(directory, a.File))))];
    }
}
