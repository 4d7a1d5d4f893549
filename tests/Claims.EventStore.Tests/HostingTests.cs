using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Claims.EventStore.Tests;

public sealed class HostingTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task The_host_creates_the_schema_at_start()
    {
        var schema = $"s_{Guid.NewGuid():N}"[..20];
        using var host = BuildHost(schema, _ => { });

        await host.StartAsync(Eventually.Timeout());
        var store = host.Services.GetRequiredService<EventStore>();
        await using (var session = store.OpenSession())
        {
            session.Append("claim-1", ExpectedVersion.NoStream, TestEvents.Notes(1));
            await session.SaveChangesAsync();
        }

        await host.StopAsync(Eventually.Timeout());
        Assert.Equal(1, await store.FetchStreamVersionAsync("claim-1"));
        Assert.Equal(schema, store.Options.Schema);
    }

    [Fact]
    public async Task Every_registered_projection_gets_its_own_hosted_runner()
    {
        var schema = $"s_{Guid.NewGuid():N}"[..20];
        using var host = BuildHost(schema, services => services
            .AddProjection<CountingProjection>(Fast)
            .AddProjection<OtherCountingProjection>(Fast));

        await host.StartAsync(Eventually.Timeout());
        try
        {
            var store = host.Services.GetRequiredService<EventStore>();
            await using (var session = store.OpenSession())
            {
                session.Append("claim-1", ExpectedVersion.NoStream, TestEvents.Notes(5));
                await session.SaveChangesAsync();
            }

            var runners = host.Services.GetServices<ProjectionRunner>().ToList();
            Assert.Equal(["counting", "other-counting"], runners.Select(r => r.Name).Order());
            Assert.Equal(2, host.Services.GetServices<IHostedService>().OfType<ProjectionRunner>().Distinct().Count());
            foreach (var runner in runners)
            {
                await runner.WaitForCatchUpAsync(Eventually.Timeout());
            }

            Assert.Equal(5, host.Services.GetRequiredService<CountingProjection>().Count);
            Assert.Equal(5, host.Services.GetRequiredService<OtherCountingProjection>().Count);
        }
        finally
        {
            await host.StopAsync(Eventually.Timeout());
        }
    }

    private IHost BuildHost(string schema, Action<IServiceCollection> configure)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddEventStore(_ => db.DataSource, types => types.Register<Noted>(TestEvents.NotedType), options => options.Schema = schema);
        configure(builder.Services);
        return builder.Build();
    }

    private static void Fast(ProjectionOptions options)
    {
        options.BusyPollInterval = TimeSpan.FromMilliseconds(50);
        options.IdlePollInterval = TimeSpan.FromMilliseconds(200);
    }

    public class CountingProjection : IProjection
    {
        private int _count;

        public virtual string Name => "counting";

        public IReadOnlySet<string>? EventTypes => null;

        public int Count => Volatile.Read(ref _count);

        public Task ApplyAsync(ProjectionBatch batch, CancellationToken ct)
        {
            Interlocked.Add(ref _count, batch.Events.Count);
            return Task.CompletedTask;
        }

        public Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
        {
            Interlocked.Exchange(ref _count, 0);
            return Task.CompletedTask;
        }
    }

    public sealed class OtherCountingProjection : CountingProjection
    {
        public override string Name => "other-counting";
    }
}
