using System.Text.RegularExpressions;

namespace Claims.Query;

/// <summary>
/// Where a read-model projection writes. The live read models sit in schema <c>query</c>, which readers use and which
/// carries the change feed. A rebuild writes the same tables into <see cref="Rebuild"/>'s schema, which nobody reads,
/// under its own checkpoint names, and without the change feed (subscribers already saw those changes); then it moves
/// the finished tables into <c>query</c> (see <see cref="Operations.ReadModelRebuild"/>).
/// </summary>
public sealed partial record ReadModelSchema(string Name, string ProjectionSuffix)
{
    public static ReadModelSchema Live { get; } = new("query", ProjectionSuffix: "");

    public static ReadModelSchema Rebuild { get; } = new("query_rebuild", ProjectionSuffix: "@rebuild");

    /// <summary>
    /// The live read models: they carry the change feed and keep their counts up to date every batch. A rebuild writes
    /// neither (subscribers already saw those changes; it counts once, at its end).
    /// </summary>
    public bool IsLive => Name == Live.Name;

    /// <summary>
    /// Partition <paramref name="index"/> of a rebuild shared by <paramref name="count"/> runners: the same tables, a
    /// checkpoint name of its own.
    /// </summary>
    public ReadModelSchema Partition(int index, int count) => count <= 1 ? this : this with { ProjectionSuffix = $"{ProjectionSuffix}.{index}" };

    /// <summary>The checkpoint name of the projection <paramref name="liveName"/> writing here.</summary>
    public string ProjectionName(string liveName) => liveName + ProjectionSuffix;

    /// <summary>
    /// SQL written against the live tables (<c>query.claims</c>), pointed at this schema's. Statements are written once,
    /// for the live schema, so that the rebuild runs exactly the code the live projection runs.
    /// </summary>
    public string Qualify(string sql) => IsLive ? sql : LiveTable().Replace(sql, Name + ".");

    [GeneratedRegex(@"\bquery\.")]
    private static partial Regex LiveTable();
}
