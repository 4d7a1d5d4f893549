using Npgsql;

namespace Claims.Query.Changes;

/// <summary>
/// Wakes the <c>/changes</c> streams of this process when new change rows may have committed. The claims projection
/// sends <c>NOTIFY query_changes</c> in the transaction that writes them, so every query instance hears about it,
/// whichever of them runs the projection. Only a hint: streams poll anyway.
/// </summary>
public sealed class ChangeSignal
{
    /// <summary>The PostgreSQL notification channel.</summary>
    public const string Channel = "query_changes";

    private TaskCompletionSource _next = NewSignal();

    /// <summary>Completes at the next <see cref="Pulse"/>; take it before reading, so a pulse during the read is not lost.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Pulse() => Interlocked.Exchange(ref _next, NewSignal()).TrySetResult();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>Listens on <see cref="ChangeSignal.Channel"/> and pulses the <see cref="ChangeSignal"/>; reconnects when the connection drops.</summary>
public sealed partial class ChangeListener(NpgsqlDataSource dataSource, ChangeSignal signal, TimeProvider time, ILogger<ChangeListener> logger) : BackgroundService
{
    private const int WaitSliceMilliseconds = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(() => failures = 0, stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                failures++;
                var delay = TimeSpan.FromMilliseconds(Math.Min(30_000, 500 * Math.Pow(2, Math.Min(failures - 1, 6))));
                LogInterrupted(logger, delay, e);
                try
                {
                    await Task.Delay(delay, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ListenAsync(Action onListening, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        connection.Notification += (_, _) => signal.Pulse();
        try
        {
            await using (var listen = new NpgsqlCommand($"LISTEN {ChangeSignal.Channel}", connection))
            {
                await listen.ExecuteNonQueryAsync(ct);
            }
            onListening();
            // Whatever committed while nobody listened is picked up by the streams' next read.
            signal.Pulse();
            while (!ct.IsCancellationRequested)
            {
                // Short uncancelled waits, as the projection runner does: Npgsql is least robust when a wait is cancelled.
                await connection.WaitAsync(WaitSliceMilliseconds, CancellationToken.None);
            }
        }
        finally
        {
            await UnlistenAsync(connection);
        }
    }

    /// <summary>A pooled connection would keep its LISTEN; a broken one is dropped from the pool instead.</summary>
    private static async Task UnlistenAsync(NpgsqlConnection connection)
    {
        try
        {
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await using var unlisten = new NpgsqlCommand("UNLISTEN *", connection);
                await unlisten.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }
        catch (NpgsqlException)
        {
            NpgsqlConnection.ClearPool(connection);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening for claim changes was interrupted; retrying in {Delay} (streams poll meanwhile)")]
    private static partial void LogInterrupted(ILogger logger, TimeSpan delay, Exception exception);
}
