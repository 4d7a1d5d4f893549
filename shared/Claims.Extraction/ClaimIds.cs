namespace Claims.Extraction;

/// <summary>
/// Builds claim ids: <c>{metric}:{subjects joined by +}:{period or na}</c>, plus
/// <c>:{direction}</c> for flows, for example <c>trade_turnover:AZ+KZ:2024</c> or
/// <c>investment:AZ+KZ:na:AZ->KZ</c>. Subjects are sorted ordinally; spaces in a subject name become
/// underscores (<c>Middle_Corridor</c>); no subjects are written <c>na</c>. The id has no spaces; a
/// month-range period keeps its slash (<c>2025-01/2025-08</c>), so routes that take an id should
/// use a catch-all segment or percent-encode it.
/// </summary>
public static class ClaimIds
{
    /// <summary>Composes the id of a claim.</summary>
    public static string Compose(string metric, IEnumerable<string> subjects, string? period, string? direction)
    {
        // Every figure composes one: a list and a cached comparison, not LINQ and a comparer the sort wraps in a new delegate.
        var sortedSubjects = new List<string>(4);
        foreach (var subject in subjects)
        {
            sortedSubjects.Add(Slug(subject));
        }

        sortedSubjects.Sort(string.CompareOrdinal);
        var subjectPart = sortedSubjects.Count == 0 ? "na" : string.Join('+', sortedSubjects);
        var periodPart = string.IsNullOrEmpty(period) ? "na" : period;
        return string.IsNullOrEmpty(direction)
            ? string.Join(':', metric, subjectPart, periodPart)
            : string.Join(':', metric, subjectPart, periodPart, direction);
    }

    /// <summary>The direction of a flow in the contract's form, <c>KZ->AZ</c>.</summary>
    public static string Direction(string origin, string destination) => $"{Slug(origin)}->{Slug(destination)}";

    private static string Slug(string subject) => subject.Trim().Replace(' ', '_');
}
