using System.Text.Json;
using Claims.SeedLoader;
using Claims.Testing;
using Microsoft.Playwright;
using Xunit;

namespace Claims.Browser.Tests;

/// <summary>
/// The three services with the five seed articles loaded, and a headless Chromium (the Debian package, driven by
/// Playwright; nothing is downloaded) to look at the query service's page the way a reader does.
/// </summary>
public sealed class BrowserSystem : IAsyncLifetime
{
    public const string TradeTurnover2024 = "trade_turnover:AZ+KZ:2024";
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] s_chromiumArgs =
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    private IPlaywright? _playwright;

    public ClaimsSystem System { get; } = new();

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots go: the test output folder.</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: scripts/test.sh installs the Debian package chromium.");
        }
        await System.InitializeAsync();
        using var ingestion = System.Ingestion!.CreateClient();
        var poster = new SeedPoster(ingestion);
        foreach (var seed in SeedCatalog.Load(Path.Combine(TestEnvironment.RepositoryRoot, "seeds")))
        {
            var result = await poster.PostAsync(seed);
            if (!result.Accepted)
            {
                throw new InvalidOperationException($"Seed {seed.File} was refused: {result.Error}");
            }
        }
        // The page is opened once the seeds are reconciled: four mentions of the 2024 turnover, one of them disagreeing.
        await System.WaitForClaimAsync(TradeTurnover2024,
            claim => ClaimsSystemApi.MentionCount(claim) >= 4 && claim.GetProperty("status").GetString() == "conflicted");

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = s_chromiumArgs,
        });
        Directory.CreateDirectory(ScreenshotFolder);
    }

    /// <summary>A fresh page at 1280x800 (a laptop screen), failing the test on any script error.</summary>
    public async Task<IPage> OpenPageAsync(List<string> errors)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            TimezoneId = "UTC",
            Locale = "en-GB",
        });
        var page = await context.NewPageAsync();
        page.PageError += (_, error) => errors.Add("page error: " + error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add("console error: " + message.Text);
            }
        };
        return page;
    }

    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(ScreenshotFolder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    public async Task<JsonElement> ClaimAsync(string claimId) => await System.WaitForClaimAsync(claimId, _ => true);

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
        await System.DisposeAsync();
    }
}
