namespace Claims.EventStore;

/// <summary>Names of the event headers the store itself reads and writes.</summary>
public static class EventHeaders
{
    /// <summary>W3C trace parent of the activity the event was appended under.</summary>
    public const string TraceParent = "traceparent";

    /// <summary>W3C trace state of the activity the event was appended under.</summary>
    public const string TraceState = "tracestate";
}
