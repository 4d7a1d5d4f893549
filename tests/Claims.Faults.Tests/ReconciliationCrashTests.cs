using System.Net.Http.Json;
using System.Text.Json;
using Claims.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Claims.Faults.Tests;

/// <summary>
/// Reconciliation killed with SIGKILL while mentions stream in (one of its transactions under way): RabbitMQ redelivers what the dead process held
/// unacknowledged, the restarted process finishes what it had begun, and no mention is lost or counted twice.
/// </summary>
public sealed class ReconciliationCrashTests(ITestOutputHelper output)
    : FaultTest<PostgresDatabase, RabbitMqVirtualHost>(ServiceSet.Ingestion, ServiceSet.Reconciliation, ServiceSet.Query)
{
    [Fact]
    public async Task Reconciliation_killed_mid_stream_and_restarted_records_every_mention_exactly_once()
    {
        using var ingestion = Services[ServiceSet.Ingestion].CreateClient();
        var articles = new ArticleStream(ingestion, Run);
        var ledger = new Ledger(Database.DataSource);
        var broker = BrokerManagement.ForSharedBroker(Broker);

        var beforeCrash = articles.PostAllAsync(Enumerable.Range(0, 60));
        await Eventually.ReturnsAsync(ledger.CountAsync, c => c.Recorded >= 20, TimeSpan.FromSeconds(90), "reconciliation to be under way");
        // Reconciliation keeps up with two clients posting, so it is caught mid-work by stalling its writes: the
        // table every batch writes first is locked, its transactions wait, and mentions pile up while ingestion goes on.
        await using (var stall = await Database.DataSource.OpenConnectionAsync())
        await using (var stalled = await stall.BeginTransactionAsync())
        {
            await using (var lockTable = new Npgsql.NpgsqlCommand("LOCK TABLE reconciliation.article_figures IN EXCLUSIVE MODE", stall, stalled))
            {
                await lockTable.ExecuteNonQueryAsync();
            }
            await articles.PostAllAsync(Enumerable.Range(60, 10));
            await Eventually.ReturnsAsync(ledger.CountAsync, c => c.Extracted - c.Recorded >= 20, TimeSpan.FromSeconds(50), "mentions to wait for reconciliation");
            // Killed mid-work: a batch blocked inside its transaction, more mentions unacknowledged in its prefetch.
            Services[ServiceSet.Reconciliation].Kill();
        }
        // Nothing records mentions now: these are the counts at the moment of the kill.
        var atKill = await ledger.CountAsync();
        output.WriteLine($"killed with {atKill.Recorded} of {atKill.Extracted} stored mentions recorded");

        // While it is down ingestion goes on storing, and the relay goes on publishing into the durable queue.
        await articles.PostAllAsync(Enumerable.Range(70, 20));
        await beforeCrash;
        var afterRestart = articles.PostAllAsync(Enumerable.Range(90, 30));
        await Services.StartAsync(ServiceSet.Reconciliation);
        await afterRestart;

        Assert.All(articles.Results, r => Assert.True(r.Accepted, r.ToString()));
        Assert.True(atKill.Recorded < atKill.Extracted, $"the kill came after the work: {atKill}");
        try
        {
            await ledger.WaitUntilSettledAsync(TimeSpan.FromMinutes(2));
            await broker.WaitUntilDrainedAsync(BrokerManagement.ClaimExtractedQueue, TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException(e.Message + "\n" + Services.Logs, e);
        }
        output.WriteLine($"{articles.AcceptedArticles} articles, {articles.AcceptedMentions} mentions");
        await ledger.AssertEveryMentionRecordedOnceAsync(articles.AcceptedMentions);
        await ledger.AssertReadModelHoldsEveryMentionOnceAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, await broker.DeadMessagesAsync());

        // What a reader of the API sees: every outlet's mention counted once (each article is its own outlet, so none is superseded).
        using var query = Services[ServiceSet.Query].CreateClient();
        var claims = await query.GetFromJsonAsync<JsonElement>("/claims?pageSize=200");
        Assert.Equal(articles.AcceptedMentions, claims.GetProperty("items").EnumerateArray().Sum(c => c.GetProperty("mentionCount").GetInt32()));
    }
}
