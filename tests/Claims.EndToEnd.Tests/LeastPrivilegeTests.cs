using System.Net.Http.Json;
using System.Text.Json;
using Claims.Testing;
using Npgsql;
using Xunit;

namespace Claims.EndToEnd.Tests;

/// <summary>
/// The deployment README describes: the owner creates the schema (each service started once with the owner's
/// connection string), <c>scripts/sql/roles.sql</c> grants, then each service runs as its own role.
/// </summary>
public sealed class SystemOnServiceRoles : IAsyncLifetime
{
    private static readonly string[] s_services = ["Claims.Ingestion", "Claims.Reconciliation", "Claims.Query"];
    private readonly List<ServiceProcess> _running = [];

    public PostgresDatabase Database { get; } = new();

    public RabbitMqVirtualHost Broker { get; } = new();

    public ServiceProcess Ingestion => _running[0];

    public ServiceProcess Query => _running[2];

    public async Task InitializeAsync()
    {
        await Task.WhenAll(Database.InitializeAsync(), Broker.InitializeAsync());

        var owners = s_services.Select(name => ServiceProcess.Start(name, Environment(Database.ConnectionString))).ToList();
        try
        {
            await Task.WhenAll(owners.Select(s => s.WaitUntilReadyAsync(TimeSpan.FromSeconds(120))));
        }
        finally
        {
            foreach (var owner in owners)
            {
                await owner.DisposeAsync();
            }
        }

        var roles = await File.ReadAllTextAsync(Path.Combine(TestEnvironment.RepositoryRoot, "scripts", "sql", "roles.sql"));
        await using (var command = Database.DataSource.CreateCommand(roles))
        {
            await command.ExecuteNonQueryAsync();
        }

        _running.AddRange(s_services.Select(name => ServiceProcess.Start(name, Environment(ConnectionStringFor(RoleOf(name))))));
        await Task.WhenAll(_running.Select(s => s.WaitUntilReadyAsync(TimeSpan.FromSeconds(120))));
    }

    public static string RoleOf(string service) => "claims_" + service["Claims.".Length..].ToLowerInvariant();

    /// <summary>The test cluster trusts local connections, so a role's name is all it takes to connect as it.</summary>
    public string ConnectionStringFor(string role) =>
        new NpgsqlConnectionStringBuilder(Database.ConnectionString) { Username = role, Pooling = false }.ConnectionString;

    public async Task DisposeAsync()
    {
        foreach (var service in _running)
        {
            await service.DisposeAsync();
        }
        await Broker.DisposeAsync();
        await Database.DisposeAsync();
    }

    private Dictionary<string, string> Environment(string postgres) => new()
    {
        ["ConnectionStrings__Postgres"] = postgres,
        ["ConnectionStrings__RabbitMq"] = Broker.Address.ToString(),
    };
}

public sealed class LeastPrivilegeTests(SystemOnServiceRoles system) : IClassFixture<SystemOnServiceRoles>
{
    [Fact]
    public async Task The_pipeline_runs_with_each_service_on_its_own_role()
    {
        using var ingestion = system.Ingestion.CreateClient();
        using var posted = await ingestion.PostAsJsonAsync("/articles", new
        {
            source = "Role Wire",
            publishedAt = "2014-02-01",
            language = "en",
            text = "Trade turnover between Azerbaijan and Kazakhstan reached 312 million USD in 2013, officials said.",
        });
        Assert.Equal(System.Net.HttpStatusCode.Accepted, posted.StatusCode);

        using var query = system.Query.CreateClient();
        var claim = await Eventually.ReturnsAsync(
            async () =>
            {
                using var response = await query.GetAsync(ClaimsSystemApi.ClaimPath("trade_turnover:AZ+KZ:2013"));
                return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : default;
            },
            c => c.ValueKind == JsonValueKind.Object,
            ClaimsSystemApi.PipelineTimeout,
            "the 2013 claim through services on their own roles");
        Assert.Equal(312_000_000m, claim.GetProperty("consensus").GetProperty("value").GetDecimal());
    }

    [Theory]
    // Ingestion appends to article streams only.
    [InlineData("claims_ingestion", "INSERT INTO events.streams (id, version, created, updated) VALUES ('claim-forged', 1, now(), now())")]
    [InlineData("claims_ingestion", "INSERT INTO events.streams (id, version, created, updated) VALUES ('source-forged', 1, now(), now())")]
    [InlineData("claims_ingestion", "UPDATE events.events SET data = '{}' WHERE false")]
    [InlineData("claims_ingestion", "DELETE FROM events.events WHERE false")]
    [InlineData("claims_ingestion", "SELECT count(*) FROM reconciliation.claim_votes")]
    [InlineData("claims_ingestion", "DELETE FROM query.claims WHERE false")]
    // Reconciliation appends to claim and source streams only, and cannot touch the read models.
    [InlineData("claims_reconciliation", "INSERT INTO events.streams (id, version, created, updated) VALUES ('article-forged', 1, now(), now())")]
    [InlineData("claims_reconciliation", "TRUNCATE query.claims")]
    [InlineData("claims_reconciliation", "DROP TABLE events.events")]
    // Query reads the log and writes only its read models.
    [InlineData("claims_query", "INSERT INTO events.streams (id, version, created, updated) VALUES ('claim-forged', 1, now(), now())")]
    [InlineData("claims_query", "UPDATE events.streams SET archived = true WHERE false")]
    [InlineData("claims_query", "DELETE FROM reconciliation.article_figures WHERE false")]
    // Only reconciliation keeps snapshots, and only of its own streams.
    [InlineData("claims_ingestion", "INSERT INTO events.snapshots (stream_id, kind, version, data, updated) VALUES ('article-a', 'k', 1, '', now())")]
    [InlineData("claims_query", "UPDATE events.snapshots SET version = 0 WHERE false")]
    [InlineData("claims_reconciliation", "INSERT INTO events.snapshots (stream_id, kind, version, data, updated) VALUES ('article-a', 'k', 1, '', now())")]
    [InlineData("claims_reconciliation", "DELETE FROM events.snapshots WHERE false")]
    // Nobody changes the schema.
    [InlineData("claims_query", "CREATE TABLE query.smuggled (id int)")]
    [InlineData("claims_query", "CREATE TABLE public.smuggled (id int)")]
    [InlineData("claims_reconciliation", "ALTER TABLE reconciliation.claim_votes ADD COLUMN smuggled int")]
    public async Task A_service_role_is_refused_what_is_not_its_part(string role, string sql)
    {
        await using var connection = new NpgsqlConnection(system.ConnectionStringFor(role));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
    }

    [Theory]
    [InlineData("claims_ingestion", "SELECT count(*) FROM events.events")]
    [InlineData("claims_reconciliation", "SELECT count(*) FROM reconciliation.article_figures")]
    [InlineData("claims_query", "SELECT count(*) FROM events.events")]
    [InlineData("claims_query", "SELECT count(*) FROM query.claims")]
    public async Task A_service_role_may_read_what_its_service_reads(string role, string sql)
    {
        await using var connection = new NpgsqlConnection(system.ConnectionStringFor(role));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);

        Assert.True((long)(await command.ExecuteScalarAsync())! >= 0);
    }

    [Fact]
    public async Task Reconciliation_may_keep_a_snapshot_of_a_claim_stream()
    {
        await using var connection = new NpgsqlConnection(system.ConnectionStringFor("claims_reconciliation"));
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand(
            "INSERT INTO events.snapshots (stream_id, kind, version, data, updated) VALUES ('claim-role-test', 'k', 1, '', now()) "
            + "ON CONFLICT (stream_id, kind) DO UPDATE SET version = excluded.version",
            connection,
            transaction);

        Assert.Equal(1, await command.ExecuteNonQueryAsync());
        await transaction.RollbackAsync();
    }
}
