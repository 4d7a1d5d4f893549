using System.Text.Json;

namespace Claims.Extraction.Tests;

/// <summary>The seed articles of the repository, read from <c>seeds/</c> next to <c>Claims.sln</c>.</summary>
public static class SeedArticles
{
    private static readonly Lazy<string> _seedsFolder = new(FindSeedsFolder);

    public static IReadOnlyList<string> Files =>
        [.. Manifest().Select(entry => entry.File)];

    /// <summary>The seed whose file name starts with <paramref name="prefix"/> ("000"), as the ingest endpoint would receive it.</summary>
    public static ArticleText Load(string prefix)
    {
        var entry = Manifest().Single(candidate => candidate.File.StartsWith(prefix, StringComparison.Ordinal));
        var text = File.ReadAllText(Path.Combine(_seedsFolder.Value, entry.File));
        return new ArticleText(text, entry.Language, DateOnly.Parse(entry.PublishedAt, System.Globalization.CultureInfo.InvariantCulture));
    }

    private static IReadOnlyList<ManifestEntry> Manifest()
    {
        var json = File.ReadAllText(Path.Combine(_seedsFolder.Value, "manifest.json"));
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.GetProperty("articles").EnumerateArray().Select(article => new ManifestEntry(
            article.GetProperty("file").GetString()!,
            article.GetProperty("language").GetString()!,
            article.GetProperty("publishedAt").GetString()!))];
    }

    private static string FindSeedsFolder()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Claims.sln")))
            {
                return Path.Combine(directory.FullName, "seeds");
            }
        }

        throw new InvalidOperationException($"No Claims.sln above {AppContext.BaseDirectory}.");
    }

    private sealed record ManifestEntry(string File, string Language, string PublishedAt);
}
