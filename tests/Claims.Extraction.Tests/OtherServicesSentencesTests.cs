using System.Globalization;

namespace Claims.Extraction.Tests;

/// <summary>
/// The sentences the end-to-end, ingestion and browser tests post, with the claim ids those tests
/// wait for: a change to the extractor that moves one of these ids breaks another team's suite.
/// </summary>
public sealed class OtherServicesSentencesTests
{
    private static readonly ClaimExtractor _extractor = new();

    [Theory]
    [InlineData("Trade turnover between Azerbaijan and Kazakhstan reached 321 million USD in 2019.", "2020-03-01", "trade_turnover:AZ+KZ:2019", "321000000")]
    [InlineData("Trade turnover between Azerbaijan and Kazakhstan reached 205 million USD in 2011.", "2012-02-01", "trade_turnover:AZ+KZ:2011", "205000000")]
    [InlineData("Correction: trade turnover between Azerbaijan and Kazakhstan reached 250 million USD in 2011.", "2012-02-01", "trade_turnover:AZ+KZ:2011", "250000000")]
    [InlineData("Trade turnover between Azerbaijan and Kazakhstan reached 300 million USD in 2008, the ministry said.", "2009-02-01", "trade_turnover:AZ+KZ:2008", "300000000")]
    [InlineData("Officials in Baku put trade turnover between Azerbaijan and Kazakhstan in 2008 at 900 million USD.", "2009-02-10", "trade_turnover:AZ+KZ:2008", "900000000")]
    [InlineData("Trade turnover between Azerbaijan and Kazakhstan in 2006 came to 700 million USD, according to customs.", "2007-01-15", "trade_turnover:AZ+KZ:2006", "700000000")]
    [InlineData("Trade turnover between Azerbaijan and Kazakhstan reached 111 million USD in 2004.", "2005-02-01", "trade_turnover:AZ+KZ:2004", "111000000")]
    [InlineData("Astana, 2018. Trade turnover between Azerbaijan and Kazakhstan reached 470 million USD in 2017, officials said.", "2018-01-10", "trade_turnover:AZ+KZ:2017", "470000000")]
    [InlineData("Trade turnover between Azerbaijan and Kazakhstan reached 470 million USD in 2024, the ministry said.", "2025-01-10", "trade_turnover:AZ+KZ:2024", "470000000")]
    public void Sentences_posted_by_other_suites_keep_their_claim_ids(string text, string publishedAt, string claimId, string value)
    {
        var result = _extractor.Extract(new ArticleText(text, null, DateOnly.Parse(publishedAt, CultureInfo.InvariantCulture)));

        var claim = Assert.Single(result.Claims);
        Assert.Equal(claimId, claim.ClaimId);
        Assert.Equal(decimal.Parse(value, CultureInfo.InvariantCulture), claim.Value);
        Assert.Equal("USD", claim.Unit);
    }
}
