namespace Claims.Contracts;

/// <summary>
/// One quantitative claim found in an article: the JSON shape <c>ClaimMention</c> of the public API.
/// </summary>
public sealed record ClaimMention
{
    /// <summary>Stable, readable, URL-safe key of the fact, identical in every language (for example <c>trade_turnover:AZ+KZ:2024</c>).</summary>
    public required string ClaimId { get; init; }

    /// <summary>Canonical metric name from the metric catalog (for example <c>trade_turnover</c>).</summary>
    public required string Metric { get; init; }

    /// <summary>Sorted subjects: ISO 3166-1 alpha-2 codes for countries, canonical English names otherwise.</summary>
    public required IReadOnlyList<string> Subjects { get; init; }

    /// <summary><c>"KZ->AZ"</c> for flows, otherwise null.</summary>
    public string? Direction { get; init; }

    /// <summary><c>2024</c>, <c>2025-Q1</c>, <c>2025-01/2025-08</c>, <c>2019/2024</c>, <c>2025-10-21</c>, or null when the text gives none.</summary>
    public string? Period { get; init; }

    /// <summary>The value in base units (470 млн is 470000000).</summary>
    public required decimal Value { get; init; }

    /// <summary>ISO 4217 code, <c>t</c>, <c>%</c>, <c>pp</c>, <c>x</c>, <c>count</c> or another SI-style unit.</summary>
    public required string Unit { get; init; }

    /// <summary>What a <c>count</c> counts, when the text says.</summary>
    public string? Noun { get; init; }

    /// <summary>One of <see cref="Qualifiers"/>.</summary>
    public required string Qualifier { get; init; }

    /// <summary>Lower bound the qualifier implies; null is open.</summary>
    public decimal? Lower { get; init; }

    /// <summary>Upper bound the qualifier implies; null is open.</summary>
    public decimal? Upper { get; init; }

    /// <summary>The sentence that states the claim, with offsets into the article text as posted.</summary>
    public required Evidence Evidence { get; init; }

    /// <summary>How sure the extractor is, in [0, 1].</summary>
    public required double Confidence { get; init; }
}

/// <summary>The sentence a claim was read from; <see cref="Start"/> and <see cref="End"/> are character offsets into the article text.</summary>
public sealed record Evidence
{
    /// <summary>The sentence.</summary>
    public required string Text { get; init; }

    /// <summary>Offset of the sentence's first character.</summary>
    public required int Start { get; init; }

    /// <summary>Offset just past the sentence's last character.</summary>
    public required int End { get; init; }
}

/// <summary>The qualifiers a mention can carry.</summary>
public static class Qualifiers
{
    /// <summary>A figure as stated; its bounds are its rounding.</summary>
    public const string Exact = "exact";
    /// <summary>"about", "около", "шамамен".</summary>
    public const string Approx = "approx";
    /// <summary>"over", "более", "астам": a lower bound.</summary>
    public const string Over = "over";
    /// <summary>"up to", "менее", "до": an upper bound.</summary>
    public const string Under = "under";
    /// <summary>"13–14 million".</summary>
    public const string Range = "range";
    /// <summary>A goal someone set, not a fact.</summary>
    public const string Target = "target";
    /// <summary>A prediction, not a fact.</summary>
    public const string Forecast = "forecast";
}
