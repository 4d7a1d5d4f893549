using System.Collections.Concurrent;
using System.Diagnostics;
using Xunit.Abstractions;

namespace Claims.EventStore.Tests;

public sealed class TelemetryTests(PostgresDatabase db, ITestOutputHelper output) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task Projecting_an_event_continues_the_trace_it_was_appended_under()
    {
        var stopped = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is EventStoreTelemetry.SourceName or "test",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Add,
        };
        ActivitySource.AddActivityListener(listener);
        using var source = new ActivitySource("test");
        var store = await db.CreateStoreAsync();
        await RecordingProjection.CreateReadModelAsync(store);

        ActivityContext command;
        using (var activity = source.StartActivity("handle command"))
        {
            Assert.NotNull(activity);
            command = activity.Context;
            await using var session = store.OpenSession();
            session.Append("claim-1", ExpectedVersion.NoStream, TestEvents.Notes(1));
            await session.SaveChangesAsync();
        }

        var projection = new RecordingProjection(store.Options.Schema);
        var runner = new ProjectionRunner(store, projection, new ProjectionOptions(), new TestOutputLogger<ProjectionRunner>(output));
        await runner.StartAsync(CancellationToken.None);
        try
        {
            await runner.WaitForCatchUpAsync(Eventually.Timeout());
        }
        finally
        {
            await runner.StopAsync(CancellationToken.None);
            runner.Dispose();
        }

        var projected = Assert.Single(stopped, a => a.OperationName == $"project recording {TestEvents.NotedType}" && a.TraceId == command.TraceId);
        Assert.Equal(command.SpanId, projected.ParentSpanId);
        var batch = Assert.Single(stopped, a => a.OperationName == "project recording" && a.Links.Any(l => l.Context.TraceId == command.TraceId));
        Assert.Equal(1, batch.GetTagItem("claims.batch.size"));

        var stored = Assert.Single(await store.FetchStreamAsync("claim-1"));
        using (var publish = stored.StartEventActivity("publish", ActivityKind.Producer))
        {
            Assert.NotNull(publish);
            Assert.Equal((command.TraceId, command.SpanId, ActivityKind.Producer), (publish.TraceId, publish.ParentSpanId, publish.Kind));
            Assert.Equal($"publish {TestEvents.NotedType}", publish.OperationName);
        }
    }
}
