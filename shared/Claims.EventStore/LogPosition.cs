namespace Claims.EventStore;

/// <summary>
/// A place in the global event log: the writing transaction's id, then the event's sequence number.
/// Readers and checkpoints order by (<see cref="Tx"/>, <see cref="Seq"/>), never by <see cref="Seq"/> alone,
/// because sequence numbers are handed out before commit and transactions commit out of order.
/// </summary>
/// <param name="Tx">The id (xid8) of the transaction that wrote the event.</param>
/// <param name="Seq">The event's global sequence number.</param>
public readonly record struct LogPosition(ulong Tx, long Seq) : IComparable<LogPosition>
{
    /// <summary>Before the first event.</summary>
    public static LogPosition Start => default;

    /// <inheritdoc />
    public int CompareTo(LogPosition other)
    {
        var byTx = Tx.CompareTo(other.Tx);
        return byTx != 0 ? byTx : Seq.CompareTo(other.Seq);
    }

    /// <summary>Whether <paramref name="left"/> comes before <paramref name="right"/>.</summary>
    public static bool operator <(LogPosition left, LogPosition right) => left.CompareTo(right) < 0;

    /// <summary>Whether <paramref name="left"/> comes after <paramref name="right"/>.</summary>
    public static bool operator >(LogPosition left, LogPosition right) => left.CompareTo(right) > 0;

    /// <summary>Whether <paramref name="left"/> is not after <paramref name="right"/>.</summary>
    public static bool operator <=(LogPosition left, LogPosition right) => left.CompareTo(right) <= 0;

    /// <summary>Whether <paramref name="left"/> is not before <paramref name="right"/>.</summary>
    public static bool operator >=(LogPosition left, LogPosition right) => left.CompareTo(right) >= 0;

    /// <inheritdoc />
    public override string ToString() => $"{Tx}/{Seq}";
}
