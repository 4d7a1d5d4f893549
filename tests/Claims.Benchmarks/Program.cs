using System.Globalization;
using System.Runtime.InteropServices;
using Claims.Benchmarks;
using Claims.Benchmarks.Baselines;
using Claims.Benchmarks.Pipeline;
using Claims.Benchmarks.Reporting;
using Claims.Testing;

// The system benchmark (issue 6): what PostgreSQL and RabbitMQ do alone on this machine, then what the whole
// pipeline does on them, with where its time goes. Run by scripts/bench.sh, which starts the servers.
// Figures are printed and written for readers anywhere: one number format (1,234.5) whatever the machine's locale.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var options = BenchmarkOptions.Parse(args, TestEnvironment.RepositoryRoot);
if (options is null)
{
    return 2;
}

PostgresFigures? postgres = null;
BrokerFigures? massTransit = null;
BrokerFigures? rawRabbitMq = null;
if (!options.SkipBaselines)
{
    Console.WriteLine($"baseline: PostgreSQL, {options.BaselineSeconds:0} s per measure");
    postgres = await new PostgresBaseline(options).RunAsync();
    Console.WriteLine($"baseline: MassTransit, {options.BaselineSeconds:0} s of publishing");
    massTransit = await new MassTransitBaseline(options).RunAsync();
    Console.WriteLine($"baseline: RabbitMQ.Client, {options.BaselineSeconds:0} s of publishing");
    rawRabbitMq = await new RawRabbitMqBaseline(options).RunAsync();
}

var pipeline = await new PipelineBenchmark(options).RunAsync();

var report = new BenchmarkReport(
    DateTimeOffset.UtcNow,
    Environment.GetEnvironmentVariable("CLAIMS_BENCH_REVISION") is { Length: > 0 } revision ? revision : "unknown",
    Environment.ProcessorCount,
    $"{RuntimeInformation.OSDescription.Trim()}, {RuntimeInformation.ProcessArchitecture}",
    options,
    postgres,
    massTransit,
    rawRabbitMq,
    pipeline,
    BenchmarkReport.RatiosOf(pipeline, postgres, massTransit, rawRabbitMq),
    Targets.Issues);
await report.WriteJsonAsync(options.ReportPath);
var markdown = MarkdownReport.Render(report);
if (options.ReadmePath is { } readme)
{
    await ReadmeSection.WriteAsync(readme, markdown);
}
Console.WriteLine();
Console.WriteLine(markdown);
Console.WriteLine($"report: {options.ReportPath}{(options.ReadmePath is null ? "" : $"; table written into {options.ReadmePath}")}");
return 0;
