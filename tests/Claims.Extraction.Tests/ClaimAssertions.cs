using Claims.Contracts;

namespace Claims.Extraction.Tests;

/// <summary>Finding and checking claims in extraction results.</summary>
public static class ClaimAssertions
{
    /// <summary>The single mention with this claim id and value.</summary>
    public static ClaimMention Single(ExtractionResult result, string claimId, decimal value)
    {
        var matches = result.Claims.Where(claim => claim.ClaimId == claimId && claim.Value == value).ToArray();
        Assert.True(matches.Length == 1, $"Expected one {claimId} = {value}; found: {Describe(result)}");
        return matches[0];
    }

    public static void HasEvidenceInText(ArticleText article, ClaimMention claim)
    {
        Assert.InRange(claim.Evidence.Start, 0, article.Text.Length);
        Assert.InRange(claim.Evidence.End, claim.Evidence.Start + 1, article.Text.Length);
        Assert.Equal(claim.Evidence.Text, article.Text.Substring(claim.Evidence.Start, claim.Evidence.End - claim.Evidence.Start));
    }

    public static string Describe(ExtractionResult result) =>
        result.Claims.Count == 0
            ? "(no claims)"
            : string.Join("; ", result.Claims.Select(claim => $"{claim.ClaimId}={claim.Value} {claim.Unit} {claim.Qualifier}"));
}
