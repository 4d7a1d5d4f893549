using System.Globalization;
using System.Text.Json;
using Npgsql;

namespace Claims.Query.Operations;

/// <summary>
/// <c>Claims.Query rebuild [--batch-size N] [--report PATH]</c>: rebuilds every read model from the log while the
/// service keeps serving (see <see cref="ReadModelRebuild"/>), prints what it replayed and how fast, and optionally
/// writes that as JSON. Needs the database owner's connection string (it creates and drops tables).
/// </summary>
public static class RebuildCommand
{
    public const string Name = "rebuild";

    public static async Task<int> RunAsync(IServiceProvider services, string[] args)
    {
        var batchSize = 1000;
        string? reportPath = null;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--batch-size" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var size) && size > 0:
                    batchSize = size;
                    i++;
                    break;
                case "--report" when i + 1 < args.Length:
                    reportPath = Path.GetFullPath(args[++i]);
                    break;
                default:
                    await Console.Error.WriteLineAsync($"unknown argument '{args[i]}'; usage: Claims.Query rebuild [--batch-size N] [--report PATH]");
                    return 2;
            }
        }

        var rebuild = new ReadModelRebuild(services.GetRequiredService<EventStore.EventStore>(), services.GetRequiredService<ILoggerFactory>());
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        RebuildReport report;
        try
        {
            report = await rebuild.RunAsync(batchSize, stop.Token);
        }
        catch (Exception e) when (e is InvalidOperationException or NpgsqlException or OperationCanceledException)
        {
            // Nothing was handed over for a read model whose rebuild failed: the live one goes on as it was.
            await Console.Error.WriteLineAsync($"rebuild failed: {e.Message}");
            return 1;
        }

        foreach (var projection in report.Projections)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{projection.Projection,-26} {projection.Events,10:N0} events  {projection.Seconds,7:0.0} s  {projection.EventsPerSecond,9:N0} events/s"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"all read models",-26} {report.LogEvents,10:N0} events  {report.Seconds,7:0.0} s  {report.EventsPerSecond,9:N0} events/s"));
        if (reportPath is not null)
        {
            await File.WriteAllTextAsync(reportPath, JsonSerializer.Serialize(report, JsonSerializerOptions.Web), stop.Token);
        }

        return 0;
    }
}
