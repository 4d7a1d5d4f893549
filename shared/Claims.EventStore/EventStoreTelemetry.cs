using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Claims.EventStore;

/// <summary>
/// The event store's activity source and meter (both named <see cref="SourceName"/>; add it to the tracer and meter
/// providers), and the helper that continues an event's trace.
/// </summary>
public static class EventStoreTelemetry
{
    /// <summary>Name of the activity source and of the meter.</summary>
    public const string SourceName = "Claims.EventStore";

    internal static readonly ActivitySource Source = new(SourceName);

    private static readonly Meter _meter = new(SourceName);

    internal static readonly Counter<long> EventsProjected =
        _meter.CreateCounter<long>("claims.eventstore.projection.events", "{event}", "Events a projection applied or passed over.");

    internal static readonly Counter<long> DeadLetters =
        _meter.CreateCounter<long>("claims.eventstore.projection.dead_letters", "{event}", "Events a projection gave up on.");

    /// <summary>
    /// Starts an activity named <c>"{operation} {type}"</c> whose parent is the trace the event was appended under,
    /// so work done for the event (publishing it, say) continues that trace. <see langword="null"/> when nobody listens.
    /// </summary>
    public static Activity? StartEventActivity(this StoredEvent storedEvent, string operation) =>
        StartEventActivity(storedEvent, operation, ActivityKind.Internal);

    /// <inheritdoc cref="StartEventActivity(StoredEvent, string)"/>
    /// <param name="storedEvent">The event being handled.</param>
    /// <param name="operation">What is done with it (<c>publish</c>, <c>project</c>, ...).</param>
    /// <param name="kind">The activity's kind: <see cref="ActivityKind.Producer"/> when publishing it, say.</param>
    public static Activity? StartEventActivity(this StoredEvent storedEvent, string operation, ActivityKind kind)
    {
        ArgumentNullException.ThrowIfNull(storedEvent);
        // Before the name and the parent's traceparent are worked out, for every event, for nobody.
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity($"{operation} {storedEvent.Type}", kind, storedEvent.ParentContext ?? default);
        if (activity is { IsAllDataRequested: true })
        {
            Tag(activity, storedEvent);
        }

        return activity;
    }

    internal static void Tag(Activity activity, StoredEvent storedEvent)
    {
        activity.SetTag("claims.event.id", storedEvent.Id);
        activity.SetTag("claims.event.type", storedEvent.Type);
        activity.SetTag("claims.event.seq", storedEvent.Seq);
        activity.SetTag("claims.stream.id", storedEvent.StreamId);
        activity.SetTag("claims.stream.version", storedEvent.Version);
    }
}
