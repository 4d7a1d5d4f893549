using Claims.Contracts.Events;
using Claims.EventStore;
using Claims.Query.Articles;
using Claims.Query.Changes;
using Claims.Query.ClaimsReadModel;
using Claims.Query.Conflicts;
using Claims.Query.Sources;
using Claims.ServiceDefaults;
using Npgsql;

namespace Claims.Query;

/// <summary>The query service's parts: the event types it reads, its read models and their projections, the change feed.</summary>
public static class QueryExtensions
{
    public const string ServiceName = "Claims.Query";

    public static IHostApplicationBuilder AddQuery(this IHostApplicationBuilder builder)
    {
        // Only these types are read; events of any other type in the log (new ones included) pass the projections by.
        builder.Services.AddEventStore(
            sp => sp.GetRequiredService<NpgsqlDataSource>(),
            types => types.Register(EventCatalog.ClaimStream).Register(EventCatalog.SourceStream).Register(EventCatalog.ArticleStream),
            options => options.EventTypeInfo = EventJsonContext.Default);
        // The read-model tables must exist before their projections run: hosted services start in this order.
        builder.Services.AddSchema("query",
            "CREATE SCHEMA IF NOT EXISTS query;\n" + ClaimsProjection.Schema + ClaimsProjection.ChangesSchema + ArticlesProjection.Schema + SourcesReadModel.Schema + SourceReliabilityProjection.Schema);
        builder.Services.AddProjection<ClaimsProjection>();
        builder.Services.AddProjection<ArticlesProjection>();
        builder.Services.AddProjection<SourceReliabilityProjection>();
        builder.Services.AddSingleton(ClaimJudgement.FromConfiguration(builder.Configuration));
        builder.Services.AddSingleton<ClaimsQueries>();
        builder.Services.AddSingleton<ArticlesQueries>();
        builder.Services.AddSingleton<SourcesQueries>();
        builder.Services.AddSingleton<ConflictsQueries>();
        builder.Services.AddSingleton<ChangeFeed>();
        builder.Services.AddSingleton<ChangeSignal>();
        builder.Services.AddHostedService<ChangeListener>();
        builder.Services.Configure<ChangesOptions>(builder.Configuration.GetSection("Changes"));
        builder.Services.AddOpenApi();
        return builder;
    }
}
