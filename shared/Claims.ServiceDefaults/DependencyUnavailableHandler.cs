using System.Net.Sockets;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Claims.ServiceDefaults;

/// <summary>
/// Answers 503 with Retry-After when PostgreSQL is down or restarting, so a client retries instead of reporting a
/// bug; every other exception stays a 500 without details. Neither response carries a message, SQL or a stack trace.
/// </summary>
internal sealed partial class DependencyUnavailableHandler(IProblemDetailsService problems, ILogger<DependencyUnavailableHandler> logger) : IExceptionHandler
{
    private const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsUnavailable(exception) || context.Response.HasStarted)
        {
            return false;
        }
        LogUnavailable(logger, context.Request.Method, context.Request.Path, exception.GetType().Name);
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The service is temporarily unavailable",
                Detail = $"Its database cannot be reached right now. Retry in {RetryAfterSeconds} s; a write repeated after this answer is stored once.",
            },
        });
    }

    /// <summary>Connection failures and the server states of a restart, not errors in what was asked.</summary>
    internal static bool IsUnavailable(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState.StartsWith("08", StringComparison.Ordinal) // connection exception
            || postgres.SqlState is "57P01" or "57P02" or "57P03" // admin/crash shutdown, cannot connect now
            || postgres.SqlState is "53300", // too many connections
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is SocketException or IOException or TimeoutException,
        TimeoutException => true,
        _ when exception.InnerException is not null => IsUnavailable(exception.InnerException),
        _ => false,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} answered 503: the database is unavailable ({Exception})")]
    private static partial void LogUnavailable(ILogger logger, string method, PathString path, string exception);
}
