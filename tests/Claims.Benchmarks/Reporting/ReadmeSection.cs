namespace Claims.Benchmarks.Reporting;

/// <summary>Replaces what lies between the benchmark markers of the README, and nothing else.</summary>
public static class ReadmeSection
{
    private const string StartMarker = "<!-- benchmark:start";
    private const string EndMarker = "<!-- benchmark:end -->";

    public static async Task WriteAsync(string readmePath, string markdown)
    {
        var readme = await File.ReadAllTextAsync(readmePath);
        var start = readme.IndexOf(StartMarker, StringComparison.Ordinal);
        var end = readme.IndexOf(EndMarker, StringComparison.Ordinal);
        if (start < 0 || end < start)
        {
            throw new InvalidOperationException($"{readmePath} has no '{StartMarker} ... -->' / '{EndMarker}' pair to write between.");
        }
        // The start marker's own line (with its note) stays as it is.
        var afterStart = readme.IndexOf('\n', start) + 1;
        await File.WriteAllTextAsync(readmePath, readme[..afterStart] + markdown + readme[end..]);
    }
}
