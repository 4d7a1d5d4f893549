using System.Collections.Concurrent;
using System.Text.Json;
using Claims.Testing;

namespace Claims.EndToEnd.Tests;

/// <summary>Every <c>ClaimChanged</c> envelope a plain RabbitMQ.Client subscriber receives, as README documents it.</summary>
public sealed class ClaimChangedSubscriber : IAsyncDisposable
{
    private ClaimChangedSubscription? _subscription;

    private ClaimChangedSubscriber()
    {
    }

    public ConcurrentQueue<JsonElement> Envelopes { get; } = new();

    public static async Task<ClaimChangedSubscriber> StartAsync(Uri broker)
    {
        var subscriber = new ClaimChangedSubscriber();
        subscriber._subscription = await ClaimChangedSubscription.StartAsync(broker,
            body => subscriber.Envelopes.Enqueue(JsonDocument.Parse(body).RootElement.Clone()));
        return subscriber;
    }

    public async ValueTask DisposeAsync()
    {
        if (_subscription is not null)
        {
            await _subscription.DisposeAsync();
        }
    }
}
