using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Claims.EventStore;

/// <summary>Registers the event store and projection runners in a host.</summary>
public static class EventStoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="EventStore"/> (and its <see cref="EventTypeRegistry"/>) as singletons, plus a hosted service
    /// that creates the schema at start, retrying until PostgreSQL is reachable. A registered <see cref="TimeProvider"/> is used when present.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="dataSource">Resolves the data source holding the events.</param>
    /// <param name="registerTypes">Registers the aliases of the event types the service reads and writes.</param>
    /// <param name="configure">Adjusts the schema name and notifications.</param>
    public static IServiceCollection AddEventStore(
        this IServiceCollection services,
        Func<IServiceProvider, NpgsqlDataSource> dataSource,
        Action<EventTypeRegistry> registerTypes,
        Action<EventStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(registerTypes);

        var types = new EventTypeRegistry();
        registerTypes(types);
        var options = new EventStoreOptions();
        configure?.Invoke(options);

        services.TryAddSingleton(types);
        services.TryAddSingleton(sp => new EventStore(dataSource(sp), types, options, sp.GetService<TimeProvider>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, EventStoreSchemaInitializer>());
        return services;
    }

    /// <summary>
    /// Registers <typeparamref name="TProjection"/> as a singleton and a hosted <see cref="ProjectionRunner"/> for it.
    /// The runner is also resolvable as <see cref="ProjectionRunner"/> (all of them through
    /// <c>IEnumerable&lt;ProjectionRunner&gt;</c>, for health checks and tests) and keyed by <c>typeof(TProjection)</c>.
    /// Call after <see cref="AddEventStore"/> so the schema exists before the runner starts.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Adjusts batching, polling and retries.</param>
    public static IServiceCollection AddProjection<TProjection>(this IServiceCollection services, Action<ProjectionOptions>? configure = null)
        where TProjection : class, IProjection
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new ProjectionOptions();
        configure?.Invoke(options);

        var key = typeof(TProjection);
        services.TryAddSingleton<TProjection>();
        services.AddSingleton<IProjection>(sp => sp.GetRequiredService<TProjection>());
        services.AddKeyedSingleton(key, (sp, _) => new ProjectionRunner(
            sp.GetRequiredService<EventStore>(),
            sp.GetRequiredService<TProjection>(),
            options,
            sp.GetRequiredService<ILogger<ProjectionRunner>>()));
        services.AddSingleton(sp => sp.GetRequiredKeyedService<ProjectionRunner>(key));

        // Not AddHostedService: it deduplicates by implementation type, which every runner shares.
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredKeyedService<ProjectionRunner>(key));
        return services;
    }
}
