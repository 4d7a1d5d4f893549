using Claims.Contracts;
using MassTransit;
using MassTransit.Serialization.JsonConverters;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Claims.Messaging;

/// <summary>MassTransit on RabbitMQ, configured the same way in every service.</summary>
public static class MessagingExtensions
{
    /// <summary>The configuration key of the broker address, an <c>amqp://user:password@host:port/vhost</c> URI.</summary>
    public const string ConnectionStringName = "RabbitMq";

    /// <summary>
    /// Adds the bus. Public messages go to the exchanges named in <see cref="Exchanges"/>, so subscribers
    /// outside .NET bind to stable names rather than to MassTransit's type-derived ones.
    /// </summary>
    public static IHostApplicationBuilder AddMessaging(this IHostApplicationBuilder builder, Action<IBusRegistrationConfigurator>? configureConsumers = null)
    {
        var address = builder.Configuration.GetConnectionString(ConnectionStringName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{ConnectionStringName} is not configured.");
        var settings = RabbitMqAddress.Parse(address);
        var prefetch = builder.Configuration.GetValue("Messaging:PrefetchCount", 200);
        builder.Services.AddSingleton(settings);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<BusLiveness>();

        builder.Services.AddMassTransit(bus =>
        {
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter("claims", includeNamespace: false));
            configureConsumers?.Invoke(bus);
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(settings.Host, settings.Port, settings.VirtualHost, builder.Environment.ApplicationName, host =>
                {
                    host.Username(settings.Username);
                    host.Password(settings.Password);
                    // Confirms are what make a relay's checkpoint honest: the broker has the message before we move on.
                    host.PublisherConfirmation = true;
                    host.RequestedConnectionTimeout(TimeSpan.FromSeconds(10));
                });
                // Subscribers in any language read amounts as JSON numbers, not as MassTransit's default decimal strings.
                rabbit.ConfigureJsonSerializerOptions(options =>
                {
                    options.Converters.Remove(options.Converters.OfType<StringDecimalJsonConverter>().FirstOrDefault()!);
                    return options;
                });
                rabbit.Message<ClaimExtracted>(m => m.SetEntityName(Exchanges.ClaimExtracted));
                rabbit.Message<ClaimChanged>(m => m.SetEntityName(Exchanges.ClaimChanged));
                rabbit.PrefetchCount = prefetch;
                rabbit.ConfigureEndpoints(context);
            });
        });
        return builder;
    }
}
