using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Claims.Testing;

/// <summary>A fresh RabbitMQ virtual host per test class on the run's broker, so exchanges and queues never collide.</summary>
public sealed class RabbitMqVirtualHost : IAsyncLifetime, ITestBroker
{
    private readonly HttpClient _management = CreateManagementClient();

    public string Name { get; } = "claims-test-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The amqp URI of this vhost.</summary>
    public Uri Address
    {
        get
        {
            var broker = TestEnvironment.RabbitMq;
            return new UriBuilder(broker) { Path = "/" + Uri.EscapeDataString(Name) }.Uri;
        }
    }

    public async Task InitializeAsync()
    {
        using var created = await _management.PutAsync(new Uri($"api/vhosts/{Name}", UriKind.Relative), null);
        created.EnsureSuccessStatusCode();
        var user = Uri.UnescapeDataString(TestEnvironment.RabbitMq.UserInfo.Split(':')[0]);
        using var permitted = await _management.PutAsJsonAsync(
            new Uri($"api/permissions/{Name}/{user}", UriKind.Relative), new { configure = ".*", write = ".*", read = ".*" });
        permitted.EnsureSuccessStatusCode();
    }

    /// <summary>Queues of this vhost with their ready message counts, from the management API.</summary>
    public async Task<IReadOnlyDictionary<string, long>> QueueDepthsAsync()
    {
        var queues = await _management.GetFromJsonAsync<JsonElement[]>(new Uri($"api/queues/{Name}", UriKind.Relative)) ?? [];
        return queues.ToDictionary(
            q => q.GetProperty("name").GetString()!,
            q => q.TryGetProperty("messages", out var messages) ? messages.GetInt64() : 0);
    }

    public async Task DisposeAsync()
    {
        using var _ = await _management.DeleteAsync(new Uri($"api/vhosts/{Name}", UriKind.Relative));
        _management.Dispose();
    }

    private static HttpClient CreateManagementClient()
    {
        var broker = TestEnvironment.RabbitMq;
        var client = new HttpClient { BaseAddress = TestEnvironment.RabbitMqManagement };
        var credentials = Uri.UnescapeDataString(broker.UserInfo);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        return client;
    }
}
