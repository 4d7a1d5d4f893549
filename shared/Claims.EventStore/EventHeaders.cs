using System.Diagnostics;

namespace Claims.EventStore;

/// <summary>Names of the event headers the store itself reads and writes.</summary>
public static class EventHeaders
{
    /// <summary>W3C trace parent of the activity the event was appended under.</summary>
    public const string TraceParent = "traceparent";

    /// <summary>W3C trace state of the activity the event was appended under.</summary>
    public const string TraceState = "tracestate";

    /// <summary>
    /// Puts the current activity's W3C trace context into <paramref name="headers"/> (a stale trace state is removed),
    /// so that whoever reads the event continues the trace; does nothing outside a W3C activity.
    /// </summary>
    public static void AddTraceContext(IDictionary<string, string> headers)
    {
        if (Activity.Current is not { IdFormat: ActivityIdFormat.W3C, Id: { } traceParent } activity)
        {
            return;
        }
        headers[TraceParent] = traceParent;
        if (activity.TraceStateString is { } traceState)
        {
            headers[TraceState] = traceState;
        }
        else
        {
            headers.Remove(TraceState);
        }
    }
}
