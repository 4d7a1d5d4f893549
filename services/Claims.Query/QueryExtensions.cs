using Claims.Contracts.Events;
using Claims.EventStore;
using Claims.Query.ClaimsReadModel;
using Npgsql;

namespace Claims.Query;

/// <summary>The query service's parts: the event types it reads, its read models and their projections.</summary>
public static class QueryExtensions
{
    public const string ServiceName = "Claims.Query";

    public static IHostApplicationBuilder AddQuery(this IHostApplicationBuilder builder)
    {
        builder.Services.AddEventStore(
            sp => sp.GetRequiredService<NpgsqlDataSource>(),
            types => types
                .Register<MentionRecorded>(EventAliases.MentionRecorded)
                .Register<ConsensusChanged>(EventAliases.ConsensusChanged));
        // The read-model tables must exist before their projection runs: hosted services start in this order.
        builder.Services.AddHostedService<ReadModelSchema>();
        builder.Services.AddProjection<ClaimsProjection>();
        builder.Services.AddSingleton<ClaimsQueries>();
        return builder;
    }
}
