using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Claims.ServiceDefaults.Security;

/// <summary>
/// Authenticates a request by its <c>X-Api-Key</c> header. Keys are compared as SHA-256 digests in constant time,
/// and every configured key is compared every time, so neither the length nor the position of a match shows in
/// the response time.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyRing keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";
    public const string WriterRole = "writer";
    public const string ReaderRole = "reader";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var values) || values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        var presented = ApiKeyRing.Digest(values[0]!);
        ApiKeyRing.Key? match = null;
        foreach (var key in keys.All)
        {
            if (CryptographicOperations.FixedTimeEquals(presented, key.Digest) && match is null)
            {
                match = key;
            }
        }
        if (match is null)
        {
            return Task.FromResult(AuthenticateResult.Fail("The API key is not valid."));
        }
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, match.Name), new Claim(ClaimTypes.Role, match.Role)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{HeaderName}\"";
        var presented = Request.Headers.ContainsKey(HeaderName);
        await WriteProblemAsync(Context, StatusCodes.Status401Unauthorized, presented ? "The API key is not valid" : "An API key is required",
            $"Send a valid key in the {HeaderName} header.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(Context, StatusCodes.Status403Forbidden, "This key may not write", "Use a key from Security:ApiKeys; this one may only read.");

    private static Task WriteProblemAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        var problems = context.RequestServices.GetService(typeof(IProblemDetailsService)) as IProblemDetailsService;
        return problems is null
            ? Task.CompletedTask
            : problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = { Status = status, Title = title, Detail = detail },
            }).AsTask();
    }

}

/// <summary>The configured keys, digested once: a handler is made per request, the keys are not.</summary>
internal sealed class ApiKeyRing(IOptions<SecurityOptions> security)
{
    public IReadOnlyList<Key> All { get; } =
    [
        .. security.Value.ApiKeys.Select(k => new Key(k.Key, ApiKeyAuthenticationHandler.WriterRole, Digest(k.Value))),
        .. security.Value.ReadApiKeys.Select(k => new Key(k.Key, ApiKeyAuthenticationHandler.ReaderRole, Digest(k.Value))),
    ];

    public static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    public sealed record Key(string Name, string Role, byte[] Digest);
}
