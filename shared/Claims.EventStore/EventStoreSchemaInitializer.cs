using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Claims.EventStore;

/// <summary>
/// Creates the event store schema when the host starts, retrying until PostgreSQL is reachable. Start is held until
/// then, so projection runners and request handlers registered after it never meet a missing table.
/// </summary>
internal sealed partial class EventStoreSchemaInitializer(EventStore store, ILogger<EventStoreSchemaInitializer> logger) : IHostedService
{
    private static readonly TimeSpan _maxDelay = TimeSpan.FromSeconds(10);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await store.EnsureSchemaAsync(cancellationToken);
                LogReady(logger, store.Options.Schema);
                return;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                LogUnreachable(logger, store.Options.Schema, attempt, delay, ex);
                await Task.Delay(delay, store.Time, cancellationToken);
                delay = delay * 2 < _maxDelay ? delay * 2 : _maxDelay;
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(1, LogLevel.Information, "Event store schema {Schema} is ready")]
    private static partial void LogReady(ILogger logger, string schema);

    [LoggerMessage(2, LogLevel.Warning, "Could not create event store schema {Schema} (attempt {Attempt}); retrying in {Delay}")]
    private static partial void LogUnreachable(ILogger logger, string schema, int attempt, TimeSpan delay, Exception exception);
}
