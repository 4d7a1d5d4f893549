namespace Claims.Consensus;

/// <summary>
/// Source reliability as a Beta estimate of the chance that a source agrees with consensus: every source starts at
/// the prior (4 agreements, 1 disagreement: 0.8) and moves with what it says claim by claim, so a new outlet is
/// neither trusted blindly nor dismissed.
/// </summary>
public static class ReliabilityEstimate
{
    public const double PriorAgreements = 4;
    public const double PriorDisagreements = 1;

    /// <summary>The reliability of a source nothing is known about yet.</summary>
    public static readonly double Prior = Of(0, 0);

    public static double Of(int agreements, int disagreements) =>
        Math.Round((agreements + PriorAgreements) / (agreements + disagreements + PriorAgreements + PriorDisagreements), 4);

    /// <summary>
    /// The standard deviation of the Beta estimate: about 0.16 for a new source, 0.02 after 500 votes. A move smaller
    /// than this is noise, and acting on it would re-decide every claim of the source for nothing.
    /// </summary>
    public static double Spread(int agreements, int disagreements)
    {
        var (a, b) = (agreements + PriorAgreements, disagreements + PriorDisagreements);
        return Math.Sqrt(a * b / ((a + b) * (a + b) * (a + b + 1)));
    }
}
