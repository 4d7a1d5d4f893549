namespace Claims.Testing;

/// <summary>Polls until a condition holds instead of sleeping a fixed time; fails with what was last seen.</summary>
public static class Eventually
{
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        T last;
        Exception? lastError = null;
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            try
            {
                last = await probe();
                if (condition(last))
                {
                    return last;
                }
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException)
            {
                last = default!;
                lastError = e;
            }
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {what}; last seen: {last?.ToString() ?? lastError?.Message ?? "nothing"}");
            }
            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 500));
        }
    }

    /// <summary>The limit of the waits below.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Waits until <paramref name="condition"/> holds; fails the test after <paramref name="timeout"/>.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (!await condition())
        {
            if (cts.IsCancellationRequested)
            {
                Xunit.Assert.Fail($"Timed out waiting until {what}.");
            }
            await Task.Delay(20);
        }
    }

    /// <inheritdoc cref="HoldsAsync(Func{Task{bool}}, string, TimeSpan?)"/>
    public static Task HoldsAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        HoldsAsync(() => Task.FromResult(condition()), what, timeout);

    /// <summary>A token that cancels after <see cref="DefaultTimeout"/>, for APIs that wait on a token.</summary>
    public static CancellationToken Timeout() => new CancellationTokenSource(DefaultTimeout).Token;
}
