namespace Claims.ServiceDefaults.Security;

/// <summary>Who may write and read, and how fast (configuration section <c>Security</c>).</summary>
public sealed class SecurityOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Security";

    /// <summary>The shortest key accepted: anything shorter is guessable.</summary>
    public const int MinimumKeyLength = 16;

    /// <summary>
    /// Keys that may write (and read), by client name: <c>Security__ApiKeys__newsroom=...</c>. The name is what logs
    /// and the rate limiter see; the key itself never leaves the configuration.
    /// </summary>
    public Dictionary<string, string> ApiKeys { get; init; } = [];

    /// <summary>Keys that may only read, by client name. Needed only when <see cref="OpenReads"/> is false.</summary>
    public Dictionary<string, string> ReadApiKeys { get; init; } = [];

    /// <summary>Whether reads (GET, <c>POST /extract</c>, the web page, the change stream) need no key. Default: open.</summary>
    public bool OpenReads { get; init; } = true;

    /// <summary>Requests per client (a key's name, or the remote address without one).</summary>
    public RateLimitOptions RateLimit { get; init; } = new();
}

/// <summary>A token bucket per client: a steady rate and the burst it may save up.</summary>
public sealed class RateLimitOptions
{
    /// <summary>Requests a client with a key may make per second, on average.</summary>
    public int PermitsPerSecond { get; init; } = 200;

    /// <summary>Requests a client with a key may make at once after being idle.</summary>
    public int Burst { get; init; } = 400;

    /// <summary>Requests per second for a client without a key, per remote address.</summary>
    public int AnonymousPermitsPerSecond { get; init; } = 50;

    /// <summary>Burst for a client without a key.</summary>
    public int AnonymousBurst { get; init; } = 100;
}
