using Claims.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Claims.Faults.Tests;

/// <summary>
/// RabbitMQ stopped for 10 s while articles are posted: ingestion keeps answering 202, because a 202 means stored in
/// PostgreSQL, and the relay publishes what it stored once the broker is back. The test has a broker of its own.
/// </summary>
public sealed class BrokerOutageTests(ITestOutputHelper output)
    : FaultTest<PostgresDatabase, PrivateRabbitMq>(ServiceSet.Ingestion, ServiceSet.Reconciliation)
{
    private static readonly TimeSpan s_outage = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Ingestion_keeps_accepting_while_RabbitMQ_is_down_and_everything_arrives_after_it_returns()
    {
        using var ingestion = Services[ServiceSet.Ingestion].CreateClient();
        var articles = new ArticleStream(ingestion, Run);
        var ledger = new Ledger(Database.DataSource);

        await articles.PostAllAsync(Enumerable.Range(0, 10));
        await Eventually.ReturnsAsync(ledger.CountAsync, c => c.Recorded == articles.AcceptedMentions, TimeSpan.FromSeconds(60), "the pipeline to work before the outage");

        using var stopPosting = new CancellationTokenSource();
        var posting = articles.PostUntilAsync(10, TimeSpan.FromMilliseconds(100), stopPosting.Token);
        await Broker.StopAsync();
        var down = DateTimeOffset.UtcNow;
        await Task.Delay(s_outage);
        var restarting = DateTimeOffset.UtcNow;
        await Broker.StartAsync();
        var up = DateTimeOffset.UtcNow;
        output.WriteLine($"broker down at {down:HH:mm:ss.fff} for {(restarting - down).TotalSeconds:0.0} s, back at {up:HH:mm:ss.fff}");
        await Eventually.ReturnsAsync(() => Task.FromResult(articles.Results.Count(r => r.SentAt > up)), n => n >= 10, TimeSpan.FromSeconds(30), "posts after the broker is back");
        await stopPosting.CancelAsync();
        await posting;

        var duringOutage = articles.Results.Where(r => r.SentAt >= down && r.SentAt < restarting).ToList();
        output.WriteLine($"{articles.Results.Count} posts, {duringOutage.Count} while the broker was down; slowest then {duringOutage.Max(r => r.Elapsed).TotalMilliseconds:0} ms");
        Assert.True(duringOutage.Count >= 20, $"only {duringOutage.Count} posts while the broker was down");
        Assert.All(articles.Results, r => Assert.True(r.Accepted, r.ToString()));
        // Storing does not wait for the broker.
        Assert.All(duringOutage, r => Assert.True(r.Elapsed < TimeSpan.FromSeconds(5), r.ToString()));

        try
        {
            await ledger.WaitUntilSettledAsync(TimeSpan.FromMinutes(2));
            output.WriteLine($"everything recorded {(DateTimeOffset.UtcNow - up).TotalSeconds:0.0} s after the broker was back");
            await Broker.Management.WaitUntilDrainedAsync(BrokerManagement.ClaimExtractedQueue, TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException(e.Message + "\n" + Services.Logs, e);
        }
        await ledger.AssertEveryMentionRecordedOnceAsync(articles.AcceptedMentions);
        Assert.Equal(0, await Broker.Management.DeadMessagesAsync());
    }
}
