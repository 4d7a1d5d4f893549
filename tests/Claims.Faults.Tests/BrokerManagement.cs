using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Claims.Testing;

namespace Claims.Faults.Tests;

/// <summary>
/// What the RabbitMQ management API says about the queues of one vhost, as an operator would look. Its figures lag
/// the broker by up to the statistics interval (5 s by default): poll them, never read them once.
/// </summary>
public sealed class BrokerManagement(Uri management, string user, string password, string virtualHost)
{
    /// <summary>Reconciliation's queue (MassTransit's kebab-case name of the consumer, prefixed "claims").</summary>
    public const string ClaimExtractedQueue = "claims-claim-extracted";

    /// <summary>Where MassTransit moves a ClaimExtracted message once reconciliation's retries are exhausted.</summary>
    public const string ClaimExtractedErrorQueue = ClaimExtractedQueue + "_error";

    public Uri ManagementUri { get; } = management;

    public string User { get; } = user;

    public string Password { get; } = password;

    public string VirtualHost { get; } = virtualHost;

    /// <summary>The run's shared broker, at one test's vhost.</summary>
    public static BrokerManagement ForSharedBroker(RabbitMqVirtualHost vhost)
    {
        var credentials = Uri.UnescapeDataString(TestEnvironment.RabbitMq.UserInfo).Split(':', 2);
        return new BrokerManagement(TestEnvironment.RabbitMqManagement, credentials[0], credentials.Length > 1 ? credentials[1] : "", vhost.Name);
    }

    /// <summary>
    /// Messages in each queue, ready and unacknowledged together (a message a consumer holds is not done yet); a queue
    /// the statistics have not reached yet is left out.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, long>> QueueDepthsAsync()
    {
        using var client = CreateClient();
        var queues = await client.GetFromJsonAsync<JsonElement[]>(new Uri("api/queues/" + Uri.EscapeDataString(VirtualHost), UriKind.Relative)) ?? [];
        return queues
            .Where(q => q.TryGetProperty("messages", out _))
            .ToDictionary(q => q.GetProperty("name").GetString()!, q => q.GetProperty("messages").GetInt64());
    }

    /// <summary>The depth of one queue; -1 while it does not exist or has no statistics yet.</summary>
    public async Task<long> QueueDepthAsync(string queue) =>
        (await QueueDepthsAsync()).TryGetValue(queue, out var depth) ? depth : -1;

    /// <summary>Waits until the queue exists and holds nothing, not even a message a consumer is working on.</summary>
    public Task WaitUntilDrainedAsync(string queue, TimeSpan timeout) =>
        Eventually.ReturnsAsync(() => QueueDepthAsync(queue), depth => depth == 0, timeout, queue + " to drain");

    /// <summary>
    /// The messages of a queue as the management UI's "Get messages" shows them (properties with headers, payload),
    /// put back where they were.
    /// </summary>
    public async Task<IReadOnlyList<JsonElement>> PeekAsync(string queue, int count = 100)
    {
        using var client = CreateClient();
        using var response = await client.PostAsJsonAsync(
            new Uri($"api/queues/{Uri.EscapeDataString(VirtualHost)}/{Uri.EscapeDataString(queue)}/get", UriKind.Relative),
            new { count, ackmode = "ack_requeue_true", encoding = "auto" });
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement[]>() ?? [];
    }

    /// <summary>What every _error queue of the vhost holds: messages a consumer gave up on.</summary>
    public async Task<long> DeadMessagesAsync() =>
        (await QueueDepthsAsync()).Where(q => q.Key.EndsWith("_error", StringComparison.Ordinal)).Sum(q => q.Value);

    /// <summary>
    /// Takes away the user's permissions on the vhost and closes its <paramref name="connections"/> connections, as an
    /// operator revoking the services' access would: the broker goes on taking TCP connections, and refuses every
    /// client of this vhost. Returns the names of the connections closed.
    /// </summary>
    public async Task<IReadOnlyCollection<string>> LockOutAsync(int connections)
    {
        using var client = CreateClient();
        using (var revoked = await client.DeleteAsync(PermissionsUri))
        {
            revoked.EnsureSuccessStatusCode();
        }
        // The management API lists a connection only once its statistics have come in (every 5 s by default): close
        // until as many as expected have been closed and none is listed.
        var closed = new HashSet<string>(StringComparer.Ordinal);
        await Eventually.ReturnsAsync(async () =>
        {
            var listed = await client.GetFromJsonAsync<JsonElement[]>(new Uri($"api/vhosts/{Uri.EscapeDataString(VirtualHost)}/connections", UriKind.Relative)) ?? [];
            foreach (var name in listed.Select(c => c.GetProperty("name").GetString()!).Where(n => !closed.Contains(n)))
            {
                using var closing = await client.DeleteAsync(new Uri("api/connections/" + Uri.EscapeDataString(name), UriKind.Relative));
                if (closing.IsSuccessStatusCode || closing.StatusCode == System.Net.HttpStatusCode.NotFound)
                {
                    closed.Add(name);
                }
            }
            return (EveryListedClosed: listed.All(c => closed.Contains(c.GetProperty("name").GetString()!)), Closed: closed.Count);
        }, c => c.Closed >= connections && c.EveryListedClosed, TimeSpan.FromSeconds(30), $"{connections} connections to the vhost to be closed");
        return closed;
    }

    /// <summary>Gives the user back every permission on the vhost.</summary>
    public async Task LetInAsync()
    {
        using var client = CreateClient();
        using var granted = await client.PutAsJsonAsync(PermissionsUri, new { configure = ".*", write = ".*", read = ".*" });
        granted.EnsureSuccessStatusCode();
    }

    private Uri PermissionsUri => new($"api/permissions/{Uri.EscapeDataString(VirtualHost)}/{Uri.EscapeDataString(User)}", UriKind.Relative);

    private HttpClient CreateClient()
    {
        var client = new HttpClient { BaseAddress = ManagementUri, Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}")));
        return client;
    }
}
