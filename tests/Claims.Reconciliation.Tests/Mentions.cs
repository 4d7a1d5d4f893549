using Claims.Contracts;
using Claims.Reconciliation.Consensus;

namespace Claims.Reconciliation.Tests;

/// <summary>Builds mentions of one claim for the domain tests.</summary>
internal static class Mentions
{
    public const string ClaimId = "trade_turnover:AZ+KZ:2024";
    public static readonly DateTimeOffset Now = new(2025, 10, 25, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A mention read from <paramref name="articleId"/>; exact figures carry the rounding of "470 million".</summary>
    public static ClaimExtracted Of(
        string articleId, decimal value, string qualifier = Qualifiers.Exact, decimal? lower = -1, decimal? upper = -1,
        string? source = null, int day = 0, int revision = 1) => new()
        {
            MentionId = EventStore.DeterministicGuid.Create(articleId, revision.ToString(System.Globalization.CultureInfo.InvariantCulture),
                value.ToString(System.Globalization.CultureInfo.InvariantCulture), qualifier),
            Article = new SourceArticle
            {
                ArticleId = articleId,
                Revision = revision,
                Source = source ?? "source-" + articleId,
                PublishedAt = new DateTimeOffset(2025, 10, 1, 0, 0, 0, TimeSpan.Zero).AddDays(day),
                Language = "ru",
            },
            Mention = new ClaimMention
            {
                ClaimId = ClaimId,
                Metric = "trade_turnover",
                Subjects = ["AZ", "KZ"],
                Period = "2024",
                Value = value,
                Unit = "USD",
                Qualifier = qualifier,
                Lower = lower == -1 ? value - 500_000m : lower,
                Upper = upper == -1 ? value + 500_000m : upper,
                Evidence = new Evidence { Text = "…", Start = 0, End = 1 },
                Confidence = 0.9,
            },
        };

    /// <summary>The same mention, of another claim.</summary>
    public static ClaimExtracted InClaim(ClaimExtracted mention, string claimId) => mention with { Mention = mention.Mention with { ClaimId = claimId } };

    public static ClaimExtracted Over(string articleId, decimal value, int day = 0) => Of(articleId, value, Qualifiers.Over, value, null, day: day);

    /// <summary>Applies a decision's events to the state.</summary>
    public static ClaimState Apply(ClaimState state, IEnumerable<object> events) => events.Aggregate(state, ClaimState.Evolve);

    /// <summary>Records the mentions in order, each counted in its article's own origin unless told otherwise.</summary>
    public static ClaimState Record(IEnumerable<ClaimExtracted> mentions, IReadOnlyDictionary<string, string>? origins = null)
    {
        var state = ClaimState.Initial(ClaimId);
        foreach (var mention in mentions)
        {
            var origin = origins?.GetValueOrDefault(mention.Article.ArticleId) ?? mention.Article.ArticleId;
            state = Apply(state, Claim.Decide(state, new RecordMention(mention, origin), Now));
        }
        return state;
    }
}
