using Claims.Contracts.Events;
using Claims.EventStore;
using Claims.Reconciliation.Consensus;
using Claims.Reconciliation.Origins;
using Claims.Reconciliation.Reliability;
using Claims.ServiceDefaults;
using MassTransit;
using Npgsql;

namespace Claims.Reconciliation;

/// <summary>The reconciliation service's parts: the claim streams, the consumer and its group commit, reliability, and the ClaimChanged relay.</summary>
public static class ReconciliationExtensions
{
    public const string ServiceName = "Claims.Reconciliation";

    public static IHostApplicationBuilder AddReconciliation(this IHostApplicationBuilder builder)
    {
        builder.Services.AddEventStore(
            sp => sp.GetRequiredService<NpgsqlDataSource>(),
            types => types.Register(EventCatalog.ClaimStream).Register(EventCatalog.SourceStream),
            options => options.EventTypeInfo = EventJsonContext.Default);
        builder.Services.AddSchema("reconciliation", ArticleFigureStore.Schema + ReliabilityStore.Schema);
        builder.Services.AddSingleton<ArticleFigureStore>();
        builder.Services.AddSingleton<ReliabilityStore>();
        builder.Services.AddSingleton<ReliabilityService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReliabilityService>());
        builder.Services.AddSingleton<ClaimDecisions>();
        builder.Services.AddSingleton<MentionRecorder>();
        builder.Services.AddSingleton<MentionIntake>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MentionIntake>());
        builder.Services.AddProjection<ClaimChangedRelay>();
        return builder;
    }

    public static IBusRegistrationConfigurator AddReconciliationConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<ClaimExtractedConsumer, ClaimExtractedConsumerDefinition>();
        return bus;
    }
}
