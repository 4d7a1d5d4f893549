namespace Claims.Extraction.Quantities;

/// <summary>How a hedge word qualifies a figure.</summary>
internal enum Hedge
{
    None,
    Approx,
    Over,
    Under,
}

/// <summary>What a figure measures, as far as its own words tell.</summary>
internal enum QuantityKind
{
    Currency,
    Mass,
    Percent,
    Multiplier,
    Count,
    Teu,

    /// <summary>Cubic metres (of gas, above all).</summary>
    Volume,

    /// <summary>A scaled number without a unit ("до 1 млрд"); it borrows the unit of a figure before it.</summary>
    Bare,
}

/// <summary>
/// A figure read from a sentence: the number with its scale, unit, hedge and whether it is stated
/// as a change ("на 20%", "20%-ға", "by 20%"). Token indexes refer to the sentence's tokens.
/// </summary>
internal sealed record Quantity
{
    public required int FirstToken { get; init; }

    public required int NumberToken { get; init; }

    public required int LastToken { get; init; }

    /// <summary>In base units; the midpoint for a range.</summary>
    public required decimal Value { get; init; }

    /// <summary>Half of the last stated digit, in base units: the rounding of an exact figure.</summary>
    public required decimal HalfStep { get; init; }

    public decimal? RangeLow { get; init; }

    public decimal? RangeHigh { get; init; }

    public required QuantityKind Kind { get; init; }

    /// <summary>ISO 4217 code, <c>t</c>, <c>%</c>, <c>x</c>, <c>TEU</c>, <c>m3</c>, <c>count</c>; null for <see cref="QuantityKind.Bare"/>.</summary>
    public string? Unit { get; init; }

    /// <summary>For counts: the metrics whose count nouns follow the number.</summary>
    public IReadOnlyList<MetricDefinition> CountMetrics { get; init; } = [];

    public Hedge Hedge { get; init; }

    /// <summary>
    /// The hedge was a bare "до" after a change or "bring to" verb, or a Kazakh "дейін" before one
    /// ("вырос до 4,5 млн", "довести до 10 млн", "12,9%-ға дейін үдеді"): "to", not "up to".
    /// </summary>
    public bool HedgeMeansTo { get; init; }

    /// <summary>Stated as a change of some metric rather than its level.</summary>
    public bool IsChange { get; init; }

    /// <summary>The direction a one-word multiplier states itself: +1 "удвоился", "doubled"; -1 "halved"; 0 when the verb around it says.</summary>
    public int InherentSign { get; init; }
}
