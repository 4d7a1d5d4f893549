namespace Claims.Testing;

/// <summary>Where the run's private PostgreSQL and RabbitMQ are: scripts/test.sh starts them and sets these variables.</summary>
public static class TestEnvironment
{
    public static string Postgres => Required("CLAIMS_TEST_POSTGRES");

    public static Uri RabbitMq => new(Required("CLAIMS_TEST_RABBITMQ"));

    public static Uri RabbitMqManagement => new(Required("CLAIMS_TEST_RABBITMQ_MANAGEMENT"));

    /// <summary>
    /// The write key every service started by the tests accepts (<c>Security:ApiKeys:tests</c>), new for each run:
    /// a test key is never a real secret, and nothing in the repository is one.
    /// </summary>
    public static string ApiKey { get; } = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    /// <summary>The header that carries an API key (see api.md, Authentication).</summary>
    public const string ApiKeyHeader = "X-Api-Key";

    /// <summary>The repository root, found by walking up from the test assembly to Claims.sln.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>Release or Debug: services are started from the same configuration the tests were built in.</summary>
    public static string BuildConfiguration =>
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{name} is not set. Run the tests with ./scripts/test.sh, which starts a private PostgreSQL and RabbitMQ and sets it.");

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Claims.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("Claims.sln not found above " + AppContext.BaseDirectory);
    }
}
