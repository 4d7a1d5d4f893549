using Claims.ServiceDefaults.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Claims.ServiceDefaults;

/// <summary>What every Claims service starts with: telemetry, health, problem details, PostgreSQL.</summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Health checks with this tag decide readiness (<c>/health/ready</c>).</summary>
    public const string ReadyTag = "ready";

    /// <summary>Health checks with this tag are reported by <c>/health/live</c> and never fail it.</summary>
    public const string LiveTag = "live";

    /// <summary>Adds telemetry, health checks, RFC 7807 problem details, API keys with rate limits and the PostgreSQL data source.</summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder, string serviceName)
    {
        builder.AddTelemetry(serviceName);
        builder.AddPostgres();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<DependencyUnavailableHandler>();
        builder.Services.AddHealthChecks().AddCheck<MemoryHealthCheck>("memory", tags: [LiveTag]);
        builder.AddSecurity();
        return builder;
    }

    /// <summary>
    /// Listens on the service's default address from the public contract unless <c>ASPNETCORE_URLS</c> or
    /// <c>Urls</c> says otherwise. (A <c>Urls</c> entry in appsettings.json would silently beat the environment.)
    /// </summary>
    public static WebApplicationBuilder UseDefaultUrl(this WebApplicationBuilder builder, string defaultUrl)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(defaultUrl);
        }
        return builder;
    }

    /// <summary>
    /// Adds the middleware every service shares (problem responses for errors, API keys, rate limits) and maps
    /// <c>/health/live</c> (the process answers, with its memory) and <c>/health/ready</c> (its dependencies are reachable).
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSecurity();
        app.MapHealthChecks("/health/live", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(LiveTag),
            ResponseWriter = HealthReportWriter.WriteAsync,
        }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = HealthReportWriter.WriteAsync,
        }).AllowAnonymous();
        return app;
    }
}
