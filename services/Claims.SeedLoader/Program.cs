using Claims.SeedLoader;

// Posts the sample articles of a seeds folder (manifest.json) to the ingestion service.
// Usage: Claims.SeedLoader [--seeds DIR] [--ingestion URL]; the write key comes from CLAIMS_API_KEY (never an argument,
// where other users of the machine could read it).
var seedsDirectory = Argument(args, "--seeds") ?? Environment.GetEnvironmentVariable("SEEDS_DIR") ?? "seeds";
var ingestion = new Uri(Argument(args, "--ingestion") ?? Environment.GetEnvironmentVariable("INGESTION_URL") ?? "http://localhost:5101");

var apiKey = Environment.GetEnvironmentVariable("CLAIMS_API_KEY");
if (string.IsNullOrEmpty(apiKey))
{
    Console.Error.WriteLine("Set CLAIMS_API_KEY to a write key of the ingestion service (Security:ApiKeys).");
    return 2;
}
using var http = new HttpClient { BaseAddress = ingestion, Timeout = TimeSpan.FromSeconds(60) };
http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
var loader = new SeedPoster(http);
if (!await loader.WaitUntilReadyAsync(TimeSpan.FromMinutes(3)))
{
    Console.Error.WriteLine($"The ingestion service at {ingestion} did not become ready.");
    return 1;
}
var failures = 0;
foreach (var seed in SeedCatalog.Load(seedsDirectory))
{
    var result = await loader.PostAsync(seed);
    if (result.Accepted)
    {
        Console.WriteLine($"{seed.File}: article {result.ArticleId}, {result.ClaimCount} claims{(result.Duplicate ? " (already loaded)" : "")}");
    }
    else
    {
        failures++;
        Console.Error.WriteLine($"{seed.File}: {result.Error}");
    }
}
return failures == 0 ? 0 : 1;

static string? Argument(string[] args, string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
