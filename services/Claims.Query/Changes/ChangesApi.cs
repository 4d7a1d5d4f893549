using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace Claims.Query.Changes;

/// <summary>How <c>/changes</c> streams poll and keep connections alive (configuration section <c>Changes</c>).</summary>
public sealed class ChangesOptions
{
    /// <summary>Longest wait for new rows when no notification comes (a missed NOTIFY costs at most this).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>An SSE comment is sent after this long without events, so proxies keep idle streams open.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The <c>retry:</c> a client waits before reconnecting.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Most rows read per query.</summary>
    public int BatchSize { get; set; } = 200;
}

/// <summary><c>GET /changes</c>: claim changes as server-sent events, resumable with <c>Last-Event-ID</c>.</summary>
public static class ChangesApi
{
    public const string LastEventIdHeader = "Last-Event-ID";

    public sealed record ChangesQuery(
        [FromQuery(Name = "claimId")] string? ClaimId,
        [FromQuery(Name = "metric")] string? Metric,
        [FromQuery(Name = "subject")] string? Subject,
        [FromQuery(Name = "lastEventId")] string? LastEventId,
        [FromHeader(Name = LastEventIdHeader)] string? LastEventIdHeader);

    public static IEndpointRouteBuilder MapChangesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/changes", StreamChanges).WithName("StreamChanges").WithTags("Changes")
            .WithSummary("Claim changes as server-sent events (text/event-stream)")
            .WithDescription("""
                Each event has id: (its feed position), event: claim-changed (consensus or status changed) or
                mention-recorded, and data: JSON (ClaimChangedEvent, or MentionRecordedEvent with the mention).
                Without Last-Event-ID the stream starts now; with it (header, or the lastEventId parameter) it resumes
                after that id; 0 replays the whole feed. Filter with claimId, metric and subject. Comment lines
                (': heartbeat') keep idle connections open.
                """);
        return app;
    }

    public static async Task<Results<ChangeStream, ValidationProblem>> StreamChanges(
        [AsParameters] ChangesQuery query, ChangeFeed feed, ChangeSignal signal, IOptions<ChangesOptions> options,
        TimeProvider time, CancellationToken ct)
    {
        // EventSource sends the header when it reconnects; the parameter lets a fresh client resume from a stored id.
        var resumeText = query.LastEventIdHeader ?? query.LastEventId;
        long? resumeAfter = null;
        if (!string.IsNullOrWhiteSpace(resumeText))
        {
            if (!long.TryParse(resumeText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return TypedResults.ValidationProblem(
                    new Dictionary<string, string[]>
                    {
                        [LastEventIdHeader] = [$"Last-Event-ID '{resumeText}' is not an event id: send the id: of the last event you received (a whole number), or 0 for the whole feed."],
                    },
                    title: "The stream position is not valid");
            }
            resumeAfter = parsed;
        }
        // The start is fixed before the response begins, so whatever commits after a client sees the stream open reaches it.
        var latest = await feed.LatestIdAsync(ct);
        var after = resumeAfter is { } resume ? Math.Min(resume, latest) : latest;
        var filter = new ChangeFilter(Blank(query.ClaimId), Blank(query.Metric), Blank(query.Subject));
        return new ChangeStream(feed, signal, filter, after, options.Value, time);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>
/// Writes the stream. Written by hand rather than with <c>TypedResults.ServerSentEvents</c>, whose formatter cannot send
/// the comment lines that keep proxies from closing an idle stream.
/// </summary>
public sealed class ChangeStream(ChangeFeed feed, ChangeSignal signal, ChangeFilter filter, long after, ChangesOptions options, TimeProvider time)
    : IResult, IEndpointMetadataProvider
{
    public const string ContentType = "text/event-stream";
    public const string ClaimChangedEventType = "claim-changed";
    public const string MentionRecordedEventType = "mention-recorded";
    public const string ReadyEventType = "ready";

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        // A stream never ends by itself: end it when the service stops, so shutdown does not wait for it (the client reconnects).
        var stopping = httpContext.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var streaming = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted, stopping);
        var ct = streaming.Token;
        var json = httpContext.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        response.ContentType = ContentType;
        response.Headers.CacheControl = "no-cache";
        // nginx buffers responses unless told not to.
        response.Headers["X-Accel-Buffering"] = "no";
        httpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();

        try
        {
            // The stream first says where it starts. A client that has seen no change yet then still resumes from
            // here, not from "now", after a dropped connection: EventSource keeps the id, and a script reads it from
            // the ready event.
            var start = after.ToString(CultureInfo.InvariantCulture);
            await response.WriteAsync(
                $"retry: {(long)options.ReconnectDelay.TotalMilliseconds}\nid: {start}\nevent: {ReadyEventType}\ndata: {{\"after\":{start}}}\n\n", ct);
            await response.Body.FlushAsync(ct);
            var position = after;
            var lastWrite = time.GetTimestamp();
            while (!ct.IsCancellationRequested)
            {
                var wake = signal.Next;
                var read = await feed.ReadAfterAsync(position, filter, options.BatchSize, ct);
                foreach (var change in read.Events)
                {
                    var type = change is MentionRecordedEvent ? MentionRecordedEventType : ClaimChangedEventType;
                    var data = System.Text.Json.JsonSerializer.Serialize(change, change.GetType(), json);
                    await response.WriteAsync($"id: {change.Id.ToString(CultureInfo.InvariantCulture)}\nevent: {type}\ndata: {data}\n\n", ct);
                }
                position = read.ScannedTo;
                if (read.Events.Count > 0)
                {
                    await response.Body.FlushAsync(ct);
                    lastWrite = time.GetTimestamp();
                }
                if (read.More)
                {
                    continue;
                }
                var untilHeartbeat = options.HeartbeatInterval - time.GetElapsedTime(lastWrite);
                if (untilHeartbeat <= TimeSpan.Zero)
                {
                    // With the position scanned to: a filtered stream's client resumes past the changes it did not want.
                    await response.WriteAsync($": heartbeat\nid: {position.ToString(CultureInfo.InvariantCulture)}\n\n", ct);
                    await response.Body.FlushAsync(ct);
                    lastWrite = time.GetTimestamp();
                    untilHeartbeat = options.HeartbeatInterval;
                }
                var wait = untilHeartbeat < options.PollInterval ? untilHeartbeat : options.PollInterval;
                await Task.WhenAny(wake, Task.Delay(wait, time, ct));
            }
        }
        catch (Exception e) when (ct.IsCancellationRequested && e is OperationCanceledException or IOException)
        {
            // The client went away: the normal end of a stream.
        }
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(ClaimChangedEvent), [ContentType]));
    }
}
