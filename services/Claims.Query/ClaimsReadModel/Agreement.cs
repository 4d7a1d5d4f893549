using Claims.Contracts;

namespace Claims.Query.ClaimsReadModel;

/// <summary>
/// Whether a stated figure agrees with a claim's consensus, read the way reconciliation reads figures: as intervals
/// (an exact figure carries its rounding, "over" an open upper end, "up to" an open lower end) that agree when they
/// overlap. Readers see it as "this source disagrees"; reconciliation stays the one that decides the consensus.
/// </summary>
public static class Agreement
{
    public static bool? WithConsensus(string qualifier, decimal value, decimal? lower, decimal? upper, ConsensusValue? consensus)
    {
        if (consensus is null)
        {
            return null;
        }
        var (low, high) = Interval(qualifier, value, lower, upper);
        var (consensusLow, consensusHigh) = Interval(consensus.Qualifier, consensus.Value, consensus.Lower, consensus.Upper);
        return (low is null || consensusHigh is null || low <= consensusHigh) && (consensusLow is null || high is null || consensusLow <= high);
    }

    /// <summary>The interval a figure stands for; null is an open end.</summary>
    public static (decimal? Low, decimal? High) Interval(string qualifier, decimal value, decimal? lower, decimal? upper) => qualifier switch
    {
        Qualifiers.Over => (lower ?? value, upper),
        Qualifiers.Under => (lower, upper ?? value),
        _ => (lower ?? value, upper ?? value),
    };
}
