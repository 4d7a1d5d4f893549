using System.Globalization;

namespace Claims.Benchmarks;

/// <summary>What one run measures and for how long; every phase is bounded so the whole run takes a few minutes.</summary>
public sealed record BenchmarkOptions
{
    /// <summary>Seconds each raw baseline (PostgreSQL, MassTransit, RabbitMQ.Client) runs.</summary>
    public double BaselineSeconds { get; init; } = 6;

    /// <summary>Skip the raw baselines (when only the pipeline is being looked at).</summary>
    public bool SkipBaselines { get; init; }

    /// <summary>Connections of the concurrent PostgreSQL baselines.</summary>
    public int PostgresConnections { get; init; } = 8;

    /// <summary>Seconds of saturated load before the measured window (JIT, pools, caches, a standing backlog).</summary>
    // A minute: the services compile code for about that long after they start (the JIT took 0.45-1.0 of the 2 cores
    // 15-60 s in), and the sustained rate is the one after it. It was 15 s until claims that left the cache were folded
    // from snapshots: before, the rate fell as claims accumulated, and a minute of warm-up measured a lower one.
    public double WarmupSeconds { get; init; } = 60;

    /// <summary>Seconds of the saturated, measured window.</summary>
    public double SustainedSeconds { get; init; } = 45;

    /// <summary>Seconds of open-loop load at half the sustained rate, for the latencies.</summary>
    public double LatencySeconds { get; init; } = 30;

    /// <summary>Seconds with nothing posted after the load phases, to see what the services do without work.</summary>
    public double IdleSeconds { get; init; } = 40;

    /// <summary>Clients posting articles in parallel during the saturated phase.</summary>
    public int Clients { get; init; } = 8;

    /// <summary>
    /// Most claims accepted but not yet visible before the saturated clients wait: enough that every stage always has
    /// work, few enough that the backlog drains in bounded time instead of growing for the whole run.
    /// </summary>
    public int MaxBacklogClaims { get; init; } = 1000;

    /// <summary>Longest wait for everything posted to become visible after a load phase.</summary>
    public double DrainTimeoutSeconds { get; init; } = 120;

    /// <summary>Outlets the synthetic articles are attributed to.</summary>
    public int Sources { get; init; } = 24;

    /// <summary>Seed of the article generator, so two runs post the same articles.</summary>
    public int RandomSeed { get; init; } = 6;

    /// <summary>
    /// Extra configuration for the three services (environment variables), to see what a setting changes; empty
    /// measures them as shipped. Reported with the figures.
    /// </summary>
    public IReadOnlyDictionary<string, string> ServiceEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>The seeds folder the synthetic articles are built from.</summary>
    public string SeedsDirectory { get; init; } = "";

    /// <summary>Where the JSON report goes.</summary>
    public string ReportPath { get; init; } = "";

    /// <summary>The README whose benchmark section is rewritten; null leaves it alone.</summary>
    public string? ReadmePath { get; init; }

    public const string Usage = """
        Claims.Benchmarks [options]
          --baseline-seconds N    seconds per raw baseline (6)
          --skip-baselines        measure the pipeline only
          --pg-connections N      connections of the concurrent PostgreSQL baselines (8)
          --warmup N              seconds of saturated load before measuring (60)
          --duration N            seconds of the measured saturated window (45)
          --latency-duration N    seconds of open-loop load at half the sustained rate (30)
          --idle N                seconds with nothing posted after the load phases (40)
          --clients N             parallel posting clients when saturating (8)
          --max-backlog N         claims accepted but not yet visible before clients wait (1000)
          --drain-timeout N       seconds to wait for the backlog to drain after each phase (120)
          --sources N             outlets the articles come from (24)
          --seed N                random seed of the article generator (6)
          --service-env KEY=VALUE configuration for the services, repeatable (none: as shipped)
          --seeds DIR             seeds folder (<repository>/seeds)
          --report PATH           JSON report (<repository>/.run/benchmark/report.json)
          --readme PATH           README to write the table into (<repository>/README.md)
          --no-readme             do not touch the README
        Needs CLAIMS_TEST_POSTGRES, CLAIMS_TEST_RABBITMQ and CLAIMS_TEST_RABBITMQ_MANAGEMENT (scripts/bench.sh sets them).
        """;

    /// <summary>Reads the command line; null (after printing why) when it is wrong or asks for help.</summary>
    public static BenchmarkOptions? Parse(IReadOnlyList<string> args, string repositoryRoot)
    {
        var options = new BenchmarkOptions
        {
            SeedsDirectory = Path.Combine(repositoryRoot, "seeds"),
            ReportPath = Path.Combine(repositoryRoot, ".run", "benchmark", "report.json"),
            ReadmePath = Path.Combine(repositoryRoot, "README.md"),
        };
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            double Seconds() => double.Parse(Next(), NumberStyles.Float, CultureInfo.InvariantCulture);
            int Whole() => int.Parse(Next(), NumberStyles.Integer, CultureInfo.InvariantCulture);
            try
            {
                options = name switch
                {
                    "--baseline-seconds" => options with { BaselineSeconds = Seconds() },
                    "--skip-baselines" => options with { SkipBaselines = true },
                    "--pg-connections" => options with { PostgresConnections = Whole() },
                    "--warmup" => options with { WarmupSeconds = Seconds() },
                    "--duration" => options with { SustainedSeconds = Seconds() },
                    "--latency-duration" => options with { LatencySeconds = Seconds() },
                    "--idle" => options with { IdleSeconds = Seconds() },
                    "--clients" => options with { Clients = Whole() },
                    "--max-backlog" => options with { MaxBacklogClaims = Whole() },
                    "--drain-timeout" => options with { DrainTimeoutSeconds = Seconds() },
                    "--sources" => options with { Sources = Whole() },
                    "--seed" => options with { RandomSeed = Whole() },
                    "--service-env" => options with { ServiceEnvironment = WithSetting(options.ServiceEnvironment, Next()) },
                    "--seeds" => options with { SeedsDirectory = Path.GetFullPath(Next()) },
                    "--report" => options with { ReportPath = Path.GetFullPath(Next()) },
                    "--readme" => options with { ReadmePath = Path.GetFullPath(Next()) },
                    "--no-readme" => options with { ReadmePath = null },
                    "--help" or "-h" => null,
                    _ => throw new ArgumentException($"Unknown option {name}."),
                };
            }
            catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
            {
                Console.Error.WriteLine(e.Message);
                options = null;
            }
            if (options is null)
            {
                Console.Error.WriteLine(Usage);
                return null;
            }
        }
        return options;
    }

    private static Dictionary<string, string> WithSetting(IReadOnlyDictionary<string, string> settings, string setting)
    {
        var separator = setting.IndexOf('=', StringComparison.Ordinal);
        if (separator <= 0)
        {
            throw new ArgumentException($"--service-env takes KEY=VALUE, not '{setting}'.");
        }
        return new Dictionary<string, string>(settings) { [setting[..separator]] = setting[(separator + 1)..] };
    }
}
