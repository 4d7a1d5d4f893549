using Claims.Extraction.Quantities;

namespace Claims.Extraction;

/// <summary>A figure resolved into a claim: metric, subjects, period, qualifier and bounds.</summary>
internal sealed record Figure(
    Quantity Quantity,
    QuantityKind Kind,
    string Unit,
    string? Noun,
    MetricDefinition BaseMetric,
    string Metric,
    IReadOnlyList<string> Subjects,
    string? Direction,
    string? Period,
    string Qualifier,
    decimal Value,
    decimal? Lower,
    decimal? Upper,
    double Confidence)
{
    public string ClaimId => ClaimIds.Compose(Metric, Subjects, Period, Direction);
}
