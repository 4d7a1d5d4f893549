using System.Text.Json;
using System.Text.Json.Serialization;
using Claims.Benchmarks.Baselines;
using Claims.Benchmarks.Pipeline;

namespace Claims.Benchmarks.Reporting;

/// <summary>The issue's targets for this 2-core machine.</summary>
public sealed record Targets(double ClaimsPerSecond, double P99VisibleMs, double ServiceMemoryMb, double ReplayToBatchedInserts)
{
    /// <summary>Issue 6's pipeline targets, and issue 5's: a rebuild replays at least half as fast as raw batched inserts.</summary>
    public static Targets Issues { get; } = new(2000, 300, 300, 0.5);
}

/// <summary>The pipeline against the raw parts it is built on.</summary>
public sealed record Ratios(
    double? PipelineToMassTransit,
    double? PipelineToRawRabbitMq,
    double? PipelineToPostgresCommitsConcurrent,
    double? PipelineToPostgresCommitsOneConnection,
    double? ReplayToPostgresBatchedRowsOneConnection,
    double ReplayToBatchedRowsBeside);

/// <summary>Everything one run measured: written as JSON, and the source of the README table.</summary>
public sealed record BenchmarkReport(
    DateTimeOffset MeasuredAt,
    string Revision,
    int Cores,
    string Machine,
    BenchmarkOptions Options,
    PostgresFigures? Postgres,
    BrokerFigures? MassTransit,
    BrokerFigures? RawRabbitMq,
    PipelineFigures Pipeline,
    Ratios Ratios,
    Targets Targets)
{
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static Ratios RatiosOf(PipelineFigures pipeline, PostgresFigures? postgres, BrokerFigures? massTransit, BrokerFigures? raw)
    {
        var claims = pipeline.Sustained.VisibleClaimsPerSecond;
        double? Ratio(double? of) => of is > 0 ? Math.Round(claims / of.Value, 4) : null;
        var replay = pipeline.Rebuild.EventsPerSecond;
        return new Ratios(Ratio(massTransit?.MessagesPerSecond), Ratio(raw?.MessagesPerSecond),
            Ratio(postgres?.SingleRowCommitsPerSecondConcurrent), Ratio(postgres?.SingleRowCommitsPerSecondOneConnection),
            postgres?.BatchedRowsPerSecondOneConnection is > 0 and var rows ? Math.Round(replay / rows, 4) : null,
            Math.Round(replay / Math.Max(1, pipeline.Rebuild.BatchedRowsPerSecondBeside), 4));
    }

    public async Task WriteJsonAsync(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(this, _json) + "\n");
    }
}
