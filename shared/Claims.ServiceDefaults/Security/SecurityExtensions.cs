using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Claims.ServiceDefaults.Security;

/// <summary>The authorization policies endpoints ask for.</summary>
public static class ClaimsPolicies
{
    /// <summary>Changes what is stored: needs a key from <c>Security:ApiKeys</c>.</summary>
    public const string Write = "claims:write";

    /// <summary>Reads: open unless <c>Security:OpenReads</c> is false, then any valid key.</summary>
    public const string Read = "claims:read";
}

/// <summary>API keys, per-client rate limits and the policies of every Claims service.</summary>
public static partial class SecurityExtensions
{
    internal static IHostApplicationBuilder AddSecurity(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SecurityOptions>()
            .Bind(builder.Configuration.GetSection(SecurityOptions.SectionName))
            .Validate(o => o.ApiKeys.Values.Concat(o.ReadApiKeys.Values).All(k => k.Length >= SecurityOptions.MinimumKeyLength),
                $"Every key in Security:ApiKeys and Security:ReadApiKeys must be at least {SecurityOptions.MinimumKeyLength} characters.")
            .Validate(o => o.RateLimit is { PermitsPerSecond: > 0, Burst: > 0, AnonymousPermitsPerSecond: > 0, AnonymousBurst: > 0 },
                "Security:RateLimit values must be positive.")
            .ValidateOnStart();

        builder.Services.AddSingleton<ApiKeyRing>();
        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        var openReads = builder.Configuration.GetValue($"{SecurityOptions.SectionName}:{nameof(SecurityOptions.OpenReads)}", true);
        var read = openReads
            ? new AuthorizationPolicyBuilder().RequireAssertion(_ => true).Build()
            : new AuthorizationPolicyBuilder().RequireRole(ApiKeyAuthenticationHandler.WriterRole, ApiKeyAuthenticationHandler.ReaderRole).Build();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ClaimsPolicies.Write, p => p.RequireRole(ApiKeyAuthenticationHandler.WriterRole))
            .AddPolicy(ClaimsPolicies.Read, read)
            // An endpoint that names no policy is a read: safe by default, a write must ask for Write.
            .SetFallbackPolicy(read);

        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = OnRejectedAsync;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(PartitionOf);
        });
        return builder;
    }

    /// <summary>Authentication, then the rate limit (so a key's name picks its bucket), then authorization.</summary>
    internal static WebApplication UseSecurity(this WebApplication app)
    {
        var security = app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value;
        if (security.ApiKeys.Count == 0)
        {
            LogNoWriteKeys(app.Logger);
        }
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        return app;
    }

    private static RateLimitPartition<string> PartitionOf(HttpContext context)
    {
        // Probes must keep working while a client is being throttled.
        if (context.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal))
        {
            return RateLimitPartition.GetNoLimiter("health");
        }
        var limits = context.RequestServices.GetRequiredService<IOptions<SecurityOptions>>().Value.RateLimit;
        var client = context.User.Identity is { IsAuthenticated: true, Name: { } name } ? "key:" + name : null;
        return client is not null
            ? RateLimitPartition.GetTokenBucketLimiter(client, _ => Bucket(limits.PermitsPerSecond, limits.Burst))
            : RateLimitPartition.GetTokenBucketLimiter("ip:" + context.Connection.RemoteIpAddress, _ => Bucket(limits.AnonymousPermitsPerSecond, limits.AnonymousBurst));
    }

    private static TokenBucketRateLimiterOptions Bucket(int perSecond, int burst) => new()
    {
        TokenLimit = burst,
        TokensPerPeriod = perSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = $"This client has used its request budget; retry after {seconds} s.",
            },
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No write key is configured (Security:ApiKeys): every request that writes is refused with 401.")]
    private static partial void LogNoWriteKeys(ILogger logger);
}
