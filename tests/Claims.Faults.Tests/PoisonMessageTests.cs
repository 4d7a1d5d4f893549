using System.Diagnostics;
using System.Text.Json;
using Claims.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Claims.Faults.Tests;

/// <summary>
/// A message reconciliation cannot process (a table it writes has gone) exhausts MassTransit's retries and waits in
/// the claims-claim-extracted_error queue, visible in the management API with the reason; once the table is back, the
/// redelivery command the README documents moves it back, and its mentions are recorded exactly once.
/// </summary>
public sealed class PoisonMessageTests(ITestOutputHelper output)
    : FaultTest<PostgresDatabase, RabbitMqVirtualHost>(ServiceSet.Ingestion, ServiceSet.Reconciliation)
{
    /// <summary>Exactly what the README tells an operator to run, from the repository root.</summary>
    public const string RedeliveryCommand = "./scripts/redeliver.sh claims-claim-extracted";

    [Fact]
    public async Task A_message_that_exhausts_its_retries_waits_in_the_error_queue_until_the_redelivery_command_brings_it_back_once()
    {
        using var ingestion = Services[ServiceSet.Ingestion].CreateClient();
        var articles = new ArticleStream(ingestion, Run);
        var ledger = new Ledger(Database.DataSource);
        var broker = BrokerManagement.ForSharedBroker(Broker);

        Assert.True((await articles.PostAsync(0)).Accepted);
        // The first article's messages are done with (acknowledged) before the table goes: only the next article's fail.
        await ledger.WaitUntilSettledAsync(TimeSpan.FromSeconds(60));
        await broker.WaitUntilDrainedAsync(BrokerManagement.ClaimExtractedQueue, TimeSpan.FromSeconds(60));

        // A deployment gone wrong: the table every mention is recorded in has been renamed.
        await ExecuteAsync("ALTER TABLE reconciliation.article_figures RENAME TO article_figures_moved_away");
        var poison = await articles.PostAsync(1);
        Assert.True(poison.Accepted, poison.ToString());
        Assert.True(poison.Claims > 0, poison.ToString());
        try
        {
            // Reconciliation retries each message for about 40 s (ClaimExtractedConsumerDefinition) before giving up on it.
            await Eventually.ReturnsAsync(() => broker.QueueDepthAsync(BrokerManagement.ClaimExtractedErrorQueue), depth => depth == poison.Claims,
                TimeSpan.FromMinutes(2), "the messages to exhaust their retries and wait in " + BrokerManagement.ClaimExtractedErrorQueue);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException(e.Message + "\n" + Services.Logs, e);
        }
        var waiting = await broker.PeekAsync(BrokerManagement.ClaimExtractedErrorQueue);
        Assert.Equal(poison.Claims, waiting.Count);
        // What an operator sees there: why each message failed, in MassTransit's fault headers.
        Assert.All(waiting, m => Assert.Contains("article_figures", m.GetProperty("properties").GetProperty("headers").GetProperty("MT-Fault-Message").GetString()));
        Assert.Equal(articles.AcceptedMentions - poison.Claims, (await ledger.CountAsync()).Recorded);

        await ExecuteAsync("ALTER TABLE reconciliation.article_figures_moved_away RENAME TO article_figures");
        var (status, said) = await RunRedeliveryCommandAsync();
        output.WriteLine(said);
        Assert.True(status == 0, said);

        await Eventually.ReturnsAsync(ledger.CountAsync, c => c.Recorded == articles.AcceptedMentions, TimeSpan.FromSeconds(60), "the redelivered mentions to be recorded");
        await Eventually.ReturnsAsync(() => broker.QueueDepthAsync(BrokerManagement.ClaimExtractedErrorQueue), depth => depth == 0, TimeSpan.FromSeconds(30), "the error queue to empty");
        // Running the command again finds nothing to move and changes nothing.
        var (again, saidAgain) = await RunRedeliveryCommandAsync();
        Assert.True(again == 0, saidAgain);

        await ledger.WaitUntilSettledAsync(TimeSpan.FromSeconds(60));
        await broker.WaitUntilDrainedAsync(BrokerManagement.ClaimExtractedQueue, TimeSpan.FromSeconds(60));
        await ledger.AssertEveryMentionRecordedOnceAsync(articles.AcceptedMentions);
        Assert.Equal(0, await broker.DeadMessagesAsync());
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = Database.DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Runs <see cref="RedeliveryCommand"/> in the repository root, pointed at this test's vhost.</summary>
    private async Task<(int Status, string Output)> RunRedeliveryCommandAsync()
    {
        var broker = BrokerManagement.ForSharedBroker(Broker);
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = TestEnvironment.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(RedeliveryCommand);
        start.Environment["RABBITMQ_MANAGEMENT_URL"] = broker.ManagementUri.ToString();
        start.Environment["RABBITMQ_USER"] = broker.User;
        start.Environment["RABBITMQ_PASSWORD"] = broker.Password;
        start.Environment["RABBITMQ_VHOST"] = broker.VirtualHost;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start bash");
        var said = process.StandardOutput.ReadToEndAsync();
        var complained = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await said + await complained);
    }
}
