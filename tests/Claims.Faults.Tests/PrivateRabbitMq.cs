using Claims.Testing;
using Xunit;

namespace Claims.Faults.Tests;

/// <summary>
/// A RabbitMQ node of a test's own, for tests that stop it: the run's shared broker must stay up for the test classes
/// running beside them. Started and stopped by scripts/lib/infra.sh; durable queues and persistent messages survive a
/// stop because the node comes back with the same name and data folder.
/// </summary>
public sealed class PrivateRabbitMq : IAsyncLifetime, ITestBroker
{
    private readonly string _directory = InfraScript.CreateDirectory("claims-faults-rabbitmq-");

    public int AmqpPort { get; } = InfraScript.FreePort();

    public int ManagementPort { get; } = InfraScript.FreePort();

    /// <summary>The default vhost of the node.</summary>
    public Uri Address => new($"amqp://guest:guest@127.0.0.1:{AmqpPort}/");

    public BrokerManagement Management => new(new Uri($"http://127.0.0.1:{ManagementPort}/"), "guest", "guest", "/");

    public Task InitializeAsync() => StartAsync();

    /// <summary>Starts the node and waits until its management API answers (about 7 s).</summary>
    public Task StartAsync() => InfraScript.RunAsync("start_rabbitmq", Path.Combine(_directory, "rabbitmq"), AmqpPort.ToString(), ManagementPort.ToString());

    /// <summary>Stops the node (<c>rabbitmqctl stop</c>): every connection to it closes.</summary>
    public Task StopAsync() => InfraScript.RunAsync("stop_rabbitmq", Path.Combine(_directory, "rabbitmq"), AmqpPort.ToString());

    public async Task DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
