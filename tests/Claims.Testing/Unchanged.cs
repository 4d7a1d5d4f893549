namespace Claims.Testing;

/// <summary>
/// A condition for <see cref="Eventually"/> that holds once the probe returned the same value several polls in a
/// row: how a test knows that work which has no "done" signal (regroupings after the last mention) has settled.
/// </summary>
public sealed class Unchanged(int polls)
{
    private long _last = -1;
    private int _seen;

    public bool Holds(long value)
    {
        _seen = value == _last ? _seen + 1 : 0;
        _last = value;
        return _seen >= polls;
    }
}
