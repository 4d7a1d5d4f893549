using Claims.Messaging;
using Claims.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Claims.Faults.Tests;

/// <summary>
/// A bus that stays unhealthy while the broker takes connections: the service ends itself with exit code 75 and its
/// supervisor starts it again, which is the cure for MassTransit 8.4's receive endpoints that stay faulted after a
/// broker outage. That fault strikes only sometimes, so the test makes a bus stuck for certain: the broker keeps
/// running but refuses the services' user on their vhost. Once it lets them in again, nothing is lost and nothing is
/// counted twice, although reconciliation was ended in the middle of its work.
/// </summary>
public sealed class StuckBusTests(ITestOutputHelper output)
    : FaultTest<PostgresDatabase, RabbitMqVirtualHost>(ServiceSet.Ingestion, ServiceSet.Reconciliation)
{
    private const int StuckAfterSeconds = 5;

    protected override IReadOnlyDictionary<string, string> ServiceEnvironment => new Dictionary<string, string>
    {
        [BusLiveness.ExitAfterKey.Replace(":", "__", StringComparison.Ordinal)] = StuckAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    [Fact]
    public async Task A_service_whose_bus_stays_stuck_with_the_broker_up_ends_itself_is_restarted_and_loses_nothing()
    {
        using var ingestion = Services[ServiceSet.Ingestion].CreateClient();
        var articles = new ArticleStream(ingestion, Run);
        var ledger = new Ledger(Database.DataSource);
        var broker = BrokerManagement.ForSharedBroker(Broker);

        await articles.PostAllAsync(Enumerable.Range(0, 10));
        await Eventually.ReturnsAsync(ledger.CountAsync, c => c.Recorded == articles.AcceptedMentions, TimeSpan.FromSeconds(60), "the pipeline to work first");

        // Mentions in flight when the broker shuts the services out: stored, some published, none recorded yet.
        var posting = articles.PostAllAsync(Enumerable.Range(10, 20));
        var stuckReconciliation = Services[ServiceSet.Reconciliation];
        // Each service holds one connection to the broker.
        var closed = await broker.LockOutAsync(connections: 2);
        var lockedOut = DateTimeOffset.UtcNow;
        output.WriteLine("closed " + string.Join(", ", closed));
        await posting;

        try
        {
            var exitCode = await stuckReconciliation.ExitedAsync(TimeSpan.FromSeconds(90));
            output.WriteLine($"reconciliation ended itself {(DateTimeOffset.UtcNow - lockedOut).TotalSeconds:0.0} s after the lockout");
            Assert.Equal(BusLiveness.StuckBusExitCode, exitCode);
            Assert.Contains("ending the process with exit code 75", stuckReconciliation.Output, StringComparison.Ordinal);
            await Eventually.ReturnsAsync(
                () => Task.FromResult(Services[ServiceSet.Reconciliation] != stuckReconciliation), restarted => restarted, TimeSpan.FromSeconds(10), "the supervisor to start it again");

            await broker.LetInAsync();
            var letIn = DateTimeOffset.UtcNow;
            await ledger.WaitUntilSettledAsync(TimeSpan.FromMinutes(2));
            output.WriteLine($"everything recorded {(DateTimeOffset.UtcNow - letIn).TotalSeconds:0.0} s after the broker let the services in again");
            await broker.WaitUntilDrainedAsync(BrokerManagement.ClaimExtractedQueue, TimeSpan.FromSeconds(60));
        }
        catch (Exception e) when (e is TimeoutException or Xunit.Sdk.XunitException)
        {
            throw new InvalidOperationException(e.Message + "\n" + Services.Logs, e);
        }
        output.WriteLine(string.Join('\n', Services.Restarts));

        Assert.All(articles.Results, r => Assert.True(r.Accepted, r.ToString()));
        await ledger.AssertEveryMentionRecordedOnceAsync(articles.AcceptedMentions);
        Assert.Equal(0, await broker.DeadMessagesAsync());
        // The services that ended themselves are the only ones restarted, and only for the stuck bus.
        Assert.All(Services.Restarts, r => Assert.Contains("exited with 75", r, StringComparison.Ordinal));
    }
}
