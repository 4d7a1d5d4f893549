using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Claims.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Claims.Faults.Tests;

/// <summary>
/// PostgreSQL restarted while articles are posted and claims read: every request in the outage gets a prompt 503
/// problem response with Retry-After (never a 500, never a hang), the services reconnect by themselves, and what a
/// client retries is stored once. The test has a PostgreSQL server of its own.
/// </summary>
public sealed class DatabaseOutageTests(ITestOutputHelper output)
    : FaultTest<PrivatePostgres, RabbitMqVirtualHost>(ServiceSet.Ingestion, ServiceSet.Reconciliation, ServiceSet.Query)
{
    private static readonly TimeSpan s_outage = TimeSpan.FromSeconds(6);

    /// <summary>One request to one endpoint and how it was answered.</summary>
    private sealed record Answer(string Request, HttpStatusCode? Status, string? ContentType, bool HasRetryAfter, TimeSpan Elapsed, string Body)
    {
        public bool IsProblem503 => Status == HttpStatusCode.ServiceUnavailable && ContentType == "application/problem+json" && HasRetryAfter;

        public override string ToString() =>
            $"{Request} -> {(Status is { } status ? (int)status : "no answer")} {ContentType} retry-after:{HasRetryAfter} in {Elapsed.TotalMilliseconds:0} ms {Body[..Math.Min(Body.Length, 400)]}";
    }

    [Fact]
    public async Task Requests_during_a_PostgreSQL_restart_get_503_problems_and_the_services_reconnect_by_themselves()
    {
        using var ingestion = Services[ServiceSet.Ingestion].CreateClient();
        using var query = Services[ServiceSet.Query].CreateClient();
        using var reconciliation = Services[ServiceSet.Reconciliation].CreateClient();
        var articles = new ArticleStream(ingestion, Run);
        var ledger = new Ledger(Database.DataSource);

        await articles.PostAllAsync(Enumerable.Range(0, 6));
        var first = articles.Results.First(r => r.Accepted);
        var claimPath = "/claims/" + Uri.EscapeDataString(JsonDocument.Parse(first.Body).RootElement.GetProperty("claims")[0].GetProperty("claimId").GetString()!);
        await Eventually.ReturnsAsync(() => SendAsync(query, HttpMethod.Get, claimPath), a => a.Status == HttpStatusCode.OK, TimeSpan.FromSeconds(60), "the pipeline to work before the outage");

        // Every endpoint that reads or writes the database, as (client, method, path).
        var endpoints = new (HttpClient Client, HttpMethod Method, string Path)[]
        {
            (query, HttpMethod.Get, "/claims"),
            (query, HttpMethod.Get, claimPath),
            (query, HttpMethod.Get, claimPath + "/history"),
            (query, HttpMethod.Get, claimPath + "?asOf=2030-01-01&by=published"),
            (query, HttpMethod.Get, "/articles/" + Uri.EscapeDataString(first.ArticleId!)),
            (query, HttpMethod.Get, "/sources"),
            (query, HttpMethod.Get, "/conflicts"),
            (query, HttpMethod.Get, "/facets"),
            (query, HttpMethod.Get, "/changes"),
            (reconciliation, HttpMethod.Post, "/reliability/recompute"),
        };

        // Load through the restart: a writer and a reader.
        using var stopLoad = new CancellationTokenSource();
        var posting = articles.PostUntilAsync(100, TimeSpan.FromMilliseconds(150), stopLoad.Token);
        var reads = new List<Answer>();
        var reading = Task.Run(async () =>
        {
            while (!stopLoad.IsCancellationRequested)
            {
                foreach (var (client, method, path) in endpoints.Where(e => e.Method == HttpMethod.Get).Take(4))
                {
                    reads.Add(await SendAsync(client, method, path));
                    await Task.Delay(25);
                }
            }
        });
        // A subscriber following /changes when the database goes away.
        using var subscriber = Services[ServiceSet.Query].CreateClient();
        subscriber.Timeout = Timeout.InfiniteTimeSpan;
        using var following = await FollowChangesAsync(subscriber, lastEventId: null);
        await Eventually.ReturnsAsync(() => Task.FromResult(following.LastEventId), id => id is not null, TimeSpan.FromSeconds(30), "the subscriber to see a change");

        await Database.StopAsync();
        var down = Stopwatch.StartNew();
        var outage = new List<Answer> { ToAnswer(await articles.PostAsync(1000)) };
        foreach (var (client, method, path) in endpoints)
        {
            outage.Add(await SendAsync(client, method, path));
        }
        var readiness = new List<Answer>();
        foreach (var service in new[] { ServiceSet.Ingestion, ServiceSet.Reconciliation, ServiceSet.Query })
        {
            using var client = Services[service].CreateClient();
            readiness.Add(await SendAsync(client, HttpMethod.Get, "/health/ready"));
        }
        // The stream is ended, not left open and silent: the subscriber reconnects, as EventSource does.
        var streamEnded = await Task.WhenAny(following.Ended, Task.Delay(TimeSpan.FromSeconds(15))) == following.Ended;
        if (s_outage > down.Elapsed)
        {
            await Task.Delay(s_outage - down.Elapsed);
        }
        await Database.StartAsync();
        Database.DataSource.Clear();

        // No service is restarted: each finds the database again on its own.
        try
        {
            foreach (var service in new[] { ServiceSet.Ingestion, ServiceSet.Reconciliation, ServiceSet.Query })
            {
                using var client = Services[service].CreateClient();
                await Eventually.ReturnsAsync(() => SendAsync(client, HttpMethod.Get, "/health/ready"), a => a.Status == HttpStatusCode.OK, TimeSpan.FromSeconds(60), service + " to be ready again");
            }
            foreach (var (client, method, path) in endpoints)
            {
                await Eventually.ReturnsAsync(() => SendAsync(client, method, path), a => a.Status is HttpStatusCode.OK or HttpStatusCode.Accepted, TimeSpan.FromSeconds(60), path + " to answer again");
            }
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException(e.Message + "\n" + Services.Logs, e);
        }
        // Resuming with Last-Event-ID after the restart, the subscriber gets what changed since.
        var resumedFrom = following.LastEventId;
        using var resumed = await FollowChangesAsync(subscriber, resumedFrom);
        await Eventually.ReturnsAsync(() => Task.FromResult(resumed.Events), n => n > 0, TimeSpan.FromSeconds(60), "the resumed stream to deliver changes");
        await stopLoad.CancelAsync();
        await Task.WhenAll(posting, reading);

        foreach (var answer in outage.Concat(readiness))
        {
            output.WriteLine("outage: " + answer);
        }
        // Served without the database (from a cache, say) is fine too; anything else is not.
        var wrong = outage.Where(a => !a.IsProblem503 && a.Status != HttpStatusCode.OK).ToList();
        Assert.True(wrong.Count == 0, "requests in the outage that did not get a 503 problem with Retry-After:\n" + string.Join('\n', wrong) + "\n" + Services.Logs);
        Assert.True(outage[0].IsProblem503, "storing an article without the database: " + outage[0]);
        Assert.All(readiness, a => Assert.Equal(HttpStatusCode.ServiceUnavailable, a.Status));
        Assert.True(streamEnded, "an open /changes stream stayed open, silent, while the database was down");
        // Under load as well: either served or a 503 problem, each promptly; never a 500 and never a hang.
        var load = reads.Concat(articles.Results.Select(ToAnswer)).ToList();
        output.WriteLine($"under load: {load.Count} requests, {load.Count(a => a.IsProblem503)} answered 503, slowest {load.Max(a => a.Elapsed).TotalMilliseconds:0} ms");
        var broken = load.Where(a => a.Status is not (HttpStatusCode.OK or HttpStatusCode.Accepted) && !a.IsProblem503).ToList();
        Assert.True(broken.Count == 0, "requests under load that got neither an answer nor a 503 problem:\n" + string.Join('\n', broken.Take(20)));
        Assert.Contains(load, a => a.IsProblem503);

        // A client retries what got a 503, as Retry-After invites; ingestion's idempotency makes the retry safe
        // even if the first attempt was stored after all.
        foreach (var refused in articles.Results.Where(r => !r.Accepted).Select(r => r.Index).Distinct().ToList())
        {
            var retried = await articles.PostAsync(refused);
            Assert.True(retried.Accepted, retried.ToString());
        }

        try
        {
            await ledger.WaitUntilSettledAsync(TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException(e.Message + "\n" + Services.Logs, e);
        }
        await ledger.AssertEveryMentionRecordedOnceAsync(articles.AcceptedMentions);
        await ledger.AssertReadModelHoldsEveryMentionOnceAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, await BrokerManagement.ForSharedBroker(Broker).DeadMessagesAsync());
    }

    /// <summary>A <c>/changes</c> stream read in the background: how many changes came, the last one's id, and when it ended.</summary>
    private sealed class FollowedStream : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private volatile string? _lastEventId;
        private int _events;

        public FollowedStream(HttpResponseMessage response)
        {
            var ct = _stop.Token;
            Ended = Task.Run(async () =>
            {
                try
                {
                    using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
                    string? id = null;
                    while (await reader.ReadLineAsync(ct) is { } line)
                    {
                        if (line.StartsWith("id: ", StringComparison.Ordinal))
                        {
                            id = line[4..];
                        }
                        // Changes only: the ready event and heartbeats carry positions, not changes.
                        else if (line is "event: claim-changed" or "event: mention-recorded")
                        {
                            _lastEventId = id;
                            Interlocked.Increment(ref _events);
                        }
                    }
                }
                catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException)
                {
                    // Ended by the server (aborted) or by the test.
                }
                finally
                {
                    response.Dispose();
                }
            });
        }

        public string? LastEventId => _lastEventId;

        public int Events => Volatile.Read(ref _events);

        public Task Ended { get; }

        public void Dispose()
        {
            _stop.Cancel();
            Ended.Wait(TimeSpan.FromSeconds(5));
            _stop.Dispose();
        }
    }

    private static async Task<FollowedStream> FollowChangesAsync(HttpClient client, string? lastEventId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/changes");
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new FollowedStream(response);
    }

    private static Answer ToAnswer(PostResult post) =>
        new("POST /articles #" + post.Index, post.Status, post.ContentType, post.HasRetryAfter, post.Elapsed, post.Body);

    private static async Task<Answer> SendAsync(HttpClient client, HttpMethod method, string path)
    {
        var clock = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(ArticleStream.AnswerTimeout);
        try
        {
            using var request = new HttpRequestMessage(method, path);
            // Headers only: /changes streams for as long as the client stays.
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var body = response.Content.Headers.ContentType?.MediaType == "text/event-stream" ? "(stream)" : await response.Content.ReadAsStringAsync(timeout.Token);
            return new Answer($"{method} {path}", response.StatusCode, response.Content.Headers.ContentType?.MediaType, response.Headers.RetryAfter is not null, clock.Elapsed, body);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            return new Answer($"{method} {path}", null, null, false, clock.Elapsed, e.GetType().Name + ": " + e.Message);
        }
    }
}
