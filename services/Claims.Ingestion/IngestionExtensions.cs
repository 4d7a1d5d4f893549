using Claims.Contracts.Events;
using Claims.EventStore;
using Claims.Extraction;
using Claims.Ingestion.Articles;
using Npgsql;

namespace Claims.Ingestion;

/// <summary>The ingestion service's parts: the extractor, the article store and the relay of extracted claims.</summary>
public static class IngestionExtensions
{
    public const string ServiceName = "Claims.Ingestion";

    public static IHostApplicationBuilder AddIngestion(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<IngestionOptions>(builder.Configuration.GetSection(IngestionOptions.Section));
        builder.Services.AddSingleton(_ => new ClaimExtractor());
        builder.Services.AddSingleton<ArticleIngestion>();
        builder.Services.AddEventStore(
            sp => sp.GetRequiredService<NpgsqlDataSource>(),
            types => types.Register(EventCatalog.ArticleStream),
            options => options.EventTypeInfo = EventJsonContext.Default);
        builder.Services.AddProjection<ClaimExtractedRelay>();
        return builder;
    }
}

/// <summary>Limits of what ingestion accepts.</summary>
public sealed class IngestionOptions
{
    public const string Section = "Ingestion";

    /// <summary>The largest request body accepted by <c>POST /articles</c> and <c>POST /extract</c>; larger ones get 413.</summary>
    public long MaxArticleBytes { get; set; } = 2_000_000;
}
