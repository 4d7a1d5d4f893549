using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Claims.Extraction;

namespace Claims.Extraction.Benchmarks;

/// <summary>
/// Extraction throughput on one core over the seed articles repeated, next to a bare regular
/// expression scan for digits over the same texts in the same run, and the memory one article
/// costs. A console program, not a timed test: timings on a shared machine vary, so it prints its
/// figures and leaves judging them to the reader (target: the extractor at 25 % or more of the scan).
/// </summary>
public static partial class Program
{
    private const int Rounds = 7;
    private const int TargetCorpusBytes = 8 * 1024 * 1024;

    public static int Main(string[] args)
    {
        PinToOneCore();
        var seeds = LoadSeeds();
        var copies = Math.Max(1, TargetCorpusBytes / seeds.Sum(article => Encoding.UTF8.GetByteCount(article.Text)));
        if (args.Length > 0 && int.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out var requested) && requested > 0)
        {
            copies = requested;
        }

        var corpus = Enumerable.Range(0, copies).SelectMany(_ => seeds).ToArray();
        var megabytes = corpus.Sum(article => Encoding.UTF8.GetByteCount(article.Text)) / 1_000_000.0;
        var extractor = new ClaimExtractor();
        var digits = DigitRuns();

        // Warm-up lets tiered compilation (and its profile-guided rewrite) reach the final code before anything is timed.
        var warmUp = Stopwatch.StartNew();
        while (warmUp.Elapsed < TimeSpan.FromSeconds(3))
        {
            ExtractAll(extractor, seeds);
            ScanAll(digits, seeds);
        }

        var extractorSeconds = new List<double>();
        var regexSeconds = new List<double>();
        long claims = 0;
        long digitRuns = 0;
        for (var round = 0; round < Rounds; round++)
        {
            // Alternating the two keeps a slow spell of the shared machine from favouring either.
            var stopwatch = Stopwatch.StartNew();
            claims = ExtractAll(extractor, corpus);
            extractorSeconds.Add(stopwatch.Elapsed.TotalSeconds);
            stopwatch.Restart();
            digitRuns = ScanAll(digits, corpus);
            regexSeconds.Add(stopwatch.Elapsed.TotalSeconds);
        }

        var extractorRate = megabytes / Median(extractorSeconds);
        var regexRate = megabytes / Median(regexSeconds);
        var extractorBest = megabytes / extractorSeconds.Min();
        var regexBest = megabytes / regexSeconds.Min();
        var memory = MeasureMemory(extractor, seeds);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            Claims.Extraction throughput (one core, {Environment.ProcessorCount} visible, median of {Rounds} alternating rounds)
              corpus: {seeds.Count} seed articles x {copies} copies = {corpus.Length} articles, {megabytes:0.00} MB (UTF-8)
              extractor:        {extractorRate,9:0.00} MB/s  (best round {extractorBest:0.00} MB/s; {claims} claims per round)
              bare regex \d+:   {regexRate,9:0.00} MB/s  (best round {regexBest:0.00} MB/s; {digitRuns} digit runs per round)
              ratio:            {extractorRate / regexRate,9:0.0%}  (of the best rounds {extractorBest / regexBest:0.0%}; target >= 25%)
            Memory per article (allocated while extracting one seed article)
              mean {memory.MeanKilobytes:0} KB, max {memory.MaxKilobytes:0} KB, {memory.BytesPerInputByte:0.0} bytes allocated per input byte
              one article 40x a seed's length: {memory.LongArticleKilobytes:0} KB ({memory.LongArticleBytesPerInputByte:0.0} per input byte: linear, not quadratic)
              live heap after a round: {GC.GetTotalMemory(forceFullCollection: true) / 1024.0:0} KB
            """));
        return 0;
    }

    /// <summary>The scan the extractor is compared with: every run of digits, counted.</summary>
    [GeneratedRegex(@"\d+", RegexOptions.CultureInvariant)]
    private static partial Regex DigitRuns();

    private static long ExtractAll(ClaimExtractor extractor, IReadOnlyList<ArticleText> articles)
    {
        long claims = 0;
        foreach (var article in articles)
        {
            claims += extractor.Extract(article).Claims.Count;
        }

        return claims;
    }

    private static long ScanAll(Regex digits, IReadOnlyList<ArticleText> articles)
    {
        long runs = 0;
        foreach (var article in articles)
        {
            foreach (var _ in digits.EnumerateMatches(article.Text))
            {
                runs++;
            }
        }

        return runs;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    private sealed record MemoryFigures(double MeanKilobytes, double MaxKilobytes, double BytesPerInputByte, double LongArticleKilobytes, double LongArticleBytesPerInputByte);

    private static MemoryFigures MeasureMemory(ClaimExtractor extractor, IReadOnlyList<ArticleText> seeds)
    {
        var perArticle = new List<long>();
        long inputBytes = 0;
        foreach (var article in seeds)
        {
            perArticle.Add(AllocatedBy(() => extractor.Extract(article)));
            inputBytes += Encoding.UTF8.GetByteCount(article.Text);
        }

        var longText = new StringBuilder();
        for (var i = 0; i < 40; i++)
        {
            longText.Append(seeds[0].Text).Append("\n\n");
        }

        var longArticle = seeds[0] with { Text = longText.ToString() };
        var longAllocated = AllocatedBy(() => extractor.Extract(longArticle));
        return new MemoryFigures(
            perArticle.Average() / 1024,
            perArticle.Max() / 1024.0,
            perArticle.Sum() / (double)inputBytes,
            longAllocated / 1024.0,
            longAllocated / (double)Encoding.UTF8.GetByteCount(longArticle.Text));
    }

    private static long AllocatedBy(Action action)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    /// <summary>Both measurements run on one core; where the OS does not allow pinning, the run is still single-threaded.</summary>
    private static void PinToOneCore()
    {
        if (OperatingSystem.IsWindows() || OperatingSystem.IsLinux())
        {
            try
            {
                Process.GetCurrentProcess().ProcessorAffinity = 1;
            }
            catch (Exception error) when (error is InvalidOperationException or System.ComponentModel.Win32Exception or PlatformNotSupportedException)
            {
                Console.Error.WriteLine($"Could not pin to one core ({error.Message}); running single-threaded.");
            }
        }
    }

    private static IReadOnlyList<ArticleText> LoadSeeds()
    {
        var seedsFolder = FindSeedsFolder();
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(seedsFolder, "manifest.json")));
        return [.. manifest.RootElement.GetProperty("articles").EnumerateArray().Select(entry => new ArticleText(
            File.ReadAllText(Path.Combine(seedsFolder, entry.GetProperty("file").GetString()!)),
            entry.GetProperty("language").GetString(),
            DateOnly.Parse(entry.GetProperty("publishedAt").GetString()!, CultureInfo.InvariantCulture)))];
    }

    private static string FindSeedsFolder()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Claims.sln")))
                {
                    return Path.Combine(directory.FullName, "seeds");
                }
            }
        }

        throw new InvalidOperationException("No Claims.sln above the current or the program's directory; run from the repository.");
    }
}
