using Claims.Testing;
using Xunit;

namespace Claims.Faults.Tests;

/// <summary>
/// What a fault test runs on: a database and a broker (the run's shared ones, or private ones the test may stop),
/// and the services started on them once both are up. Torn down in reverse, the services first.
/// </summary>
public abstract class FaultTest<TDatabase, TBroker>(params string[] services) : IAsyncLifetime
    where TDatabase : ITestDatabase, IAsyncLifetime, new()
    where TBroker : ITestBroker, IAsyncLifetime, new()
{
    protected TDatabase Database { get; } = new();

    protected TBroker Broker { get; } = new();

    /// <summary>Tells this test's articles apart from other runs'.</summary>
    protected string Run { get; } = Guid.NewGuid().ToString("N")[..8];

    protected ServiceSet Services { get; private set; } = null!;

    /// <summary>Configuration every service of the test is started with, beyond the database and the broker.</summary>
    protected virtual IReadOnlyDictionary<string, string>? ServiceEnvironment => null;

    public async Task InitializeAsync()
    {
        await Task.WhenAll(Database.InitializeAsync(), Broker.InitializeAsync());
        Services = new ServiceSet(Database.ConnectionString, Broker.Address, ServiceEnvironment);
        await Services.StartAsync(services);
    }

    public async Task DisposeAsync()
    {
        await Services.DisposeAsync();
        await Broker.DisposeAsync();
        await Database.DisposeAsync();
    }
}
