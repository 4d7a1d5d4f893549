using System.Globalization;
using Claims.Contracts;
using Xunit.Abstractions;

namespace Claims.Extraction.Tests;

public sealed class SeedReportTests(ITestOutputHelper output)
{
    private static readonly ClaimExtractor _extractor = new();

    [Fact]
    public void Every_seed_mention_is_printed_and_its_evidence_matches_the_text()
    {
        foreach (var prefix in new[] { "000", "001", "002", "003", "004" })
        {
            var article = SeedArticles.Load(prefix);
            var result = _extractor.Extract(article);
            output.WriteLine($"== seed {prefix} ({result.Language}, published {article.PublishedAt:yyyy-MM-dd}): {result.Claims.Count} claims");
            foreach (var claim in result.Claims)
            {
                output.WriteLine(Describe(claim));
                Assert.Equal(claim.Evidence.Text, article.Text[claim.Evidence.Start..claim.Evidence.End]);
            }
        }
    }

    private static string Describe(ClaimMention claim)
    {
        var snippet = claim.Evidence.Text.Length > 110 ? claim.Evidence.Text[..110] + "…" : claim.Evidence.Text;
        return string.Create(CultureInfo.InvariantCulture,
            $"  {claim.ClaimId,-50} {claim.Value,14} {claim.Unit,-5} {claim.Qualifier,-8} [{claim.Lower}..{claim.Upper}] c={claim.Confidence:0.00} @{claim.Evidence.Start}-{claim.Evidence.End} \"{snippet}\"");
    }
}
