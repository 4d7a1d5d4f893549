using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Claims.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Claims.EndToEnd.Tests;

/// <summary>The log is the outbox: what ingestion stored reaches reconciliation even if it was not listening yet.</summary>
public sealed class DeliveryTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ClaimsSystem _system = new();

    public Task InitializeAsync() => _system.StartInfrastructureAsync();

    public Task DisposeAsync() => _system.DisposeAsync();

    [Fact]
    public async Task Claims_stored_before_reconciliation_first_started_are_delivered_when_it_starts()
    {
        await _system.StartServicesAsync("Claims.Ingestion", "Claims.Query");
        using var ingestion = _system.Ingestion!.CreateClient();
        using var query = _system.Query!.CreateClient();
        using var posted = await ingestion.PostAsJsonAsync("/articles", new
        {
            source = "Test Wire",
            publishedAt = "2020-03-01",
            text = "Trade turnover between Azerbaijan and Kazakhstan reached 321 million USD in 2019.",
        });
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);

        // No queue is bound to claims.claim-extracted yet: the broker returns the relay's messages, and the
        // relay keeps them in the log instead of dropping or dead-lettering them.
        await Eventually.ReturnsAsync(
            () => Task.FromResult(_system.Ingestion.Output),
            log => log.Contains("returned", StringComparison.OrdinalIgnoreCase),
            TimeSpan.FromSeconds(30),
            "the relay to find nobody listening");
        Assert.Equal(0L, await CountAsync("SELECT count(*) FROM events.dead_letters"));

        await _system.StartServicesAsync("Claims.Reconciliation");

        var claim = await Eventually.ReturnsAsync(
            async () =>
            {
                using var response = await query.GetAsync("/claims/" + Uri.EscapeDataString("trade_turnover:AZ+KZ:2019"));
                return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<JsonElement>() : default;
            },
            c => c.ValueKind == JsonValueKind.Object && c.GetProperty("mentions").GetArrayLength() == 1,
            TimeSpan.FromSeconds(90),
            "the claim to reach the query service");
        output.WriteLine(claim.ToString());
        Assert.Equal(321_000_000m, claim.GetProperty("consensus").GetProperty("value").GetDecimal());
        Assert.Equal(0L, await CountAsync("SELECT count(*) FROM events.dead_letters"));
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var command = _system.Database.DataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
