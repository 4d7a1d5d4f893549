using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Claims.Contracts;
using Claims.Testing;
using RabbitMQ.Client;
using Xunit;
using Xunit.Abstractions;

namespace Claims.EndToEnd.Tests;

/// <summary>
/// Several reconciliation instances consume in parallel without losing or double-counting a mention: 10,000
/// mentions over 100 claims (with reprints among the articles) give the same claims with three consumers as
/// with one, once source reliabilities are recomputed in full. Mentions are published straight to the
/// claims.claim-extracted exchange as MassTransit envelopes.
/// </summary>
public sealed class ScaleOutTests(ITestOutputHelper output)
{
    private const int Claims = 100;
    private const int Articles = 1000;
    private const int MentionsPerArticle = 10;

    [Fact]
    public async Task Three_consumers_reach_the_same_claims_as_one_without_losing_or_double_counting_a_mention()
    {
        var mentions = Generate(new Random(42));
        Assert.Equal(Claims * Articles / 10, mentions.Count);

        var single = await ReconcileAsync(mentions, consumers: 1);
        var parallel = await ReconcileAsync([.. mentions.AsEnumerable().Reverse()], consumers: 3);

        Assert.Equal(Claims, single.Consensus.Count);
        Assert.Equal(single.Origins, parallel.Origins);
        Assert.Equal(single.Reliabilities, parallel.Reliabilities);
        Assert.Equal(single.Consensus, parallel.Consensus);
        Assert.NotEmpty(single.Origins);
    }

    private sealed record Outcome(SortedDictionary<string, string> Consensus, SortedDictionary<string, string> Origins, SortedDictionary<string, string> Reliabilities);

    private async Task<Outcome> ReconcileAsync(IReadOnlyList<ClaimExtracted> mentions, int consumers)
    {
        await using var database = new Disposing<PostgresDatabase>(new PostgresDatabase());
        await using var broker = new Disposing<RabbitMqVirtualHost>(new RabbitMqVirtualHost());
        await Task.WhenAll(database.Value.InitializeAsync(), broker.Value.InitializeAsync());
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = database.Value.ConnectionString,
            ["ConnectionStrings__RabbitMq"] = broker.Value.Address.ToString(),
            ["Logging__LogLevel__Default"] = "Warning",
            // Reliabilities learned along the way depend on timing; the full recompute below is what must agree.
            ["Reconciliation__ReliabilityInterval"] = "01:00:00",
        };
        var instances = Enumerable.Range(0, consumers).Select(_ => ServiceProcess.Start("Claims.Reconciliation", environment)).ToList();
        try
        {
            await Task.WhenAll(instances.Select(i => i.WaitUntilReadyAsync(TimeSpan.FromSeconds(120))));

            var clock = Stopwatch.StartNew();
            await PublishAsync(broker.Value.Address, mentions);
            var published = clock.Elapsed;
            await Eventually.ReturnsAsync(
                () => CountAsync(database.Value, "SELECT count(*) FROM events.events WHERE type = 'claim.mention-recorded.v1'"),
                recorded => recorded == mentions.Count,
                TimeSpan.FromMinutes(10),
                $"{mentions.Count} mentions recorded");
            var recorded = clock.Elapsed;
            // Settled: the queue is drained (the regroupings that follow the last mentions are done before their ack).
            await Eventually.ReturnsAsync(
                async () => (await broker.Value.QueueDepthsAsync()).Where(q => q.Key.Contains("claim-extracted", StringComparison.Ordinal)).Sum(q => q.Value),
                depth => depth == 0,
                TimeSpan.FromMinutes(5),
                "the claim-extracted queue to drain");
            await Eventually.ReturnsAsync(
                () => CountAsync(database.Value, "SELECT count(*) FROM events.events"),
                new Unchanged(polls: 3).Holds,
                TimeSpan.FromMinutes(5),
                "the claim streams to settle");
            using (var reconciliation = instances[0].CreateClient())
            {
                reconciliation.Timeout = TimeSpan.FromMinutes(5);
                using var recomputed = await reconciliation.PostAsync(new Uri("/reliability/recompute", UriKind.Relative), null);
                Assert.True(recomputed.IsSuccessStatusCode, await recomputed.Content.ReadAsStringAsync());
            }
            output.WriteLine($"{consumers} consumer(s): published {mentions.Count} in {published.TotalSeconds:0.0} s; recorded all in {recorded.TotalSeconds:0.0} s " +
                $"({mentions.Count / recorded.TotalSeconds:0} mentions/s); settled in {clock.Elapsed.TotalSeconds:0.0} s");

            Assert.Equal(mentions.Count, await CountAsync(database.Value, "SELECT count(DISTINCT data->>'mentionId') FROM events.events WHERE type = 'claim.mention-recorded.v1'"));
            Assert.All(await broker.Value.QueueDepthsAsync(), q => Assert.False(q.Key.EndsWith("_error", StringComparison.Ordinal) && q.Value > 0, q.Key));
            return new Outcome(
                await ReadPairsAsync(database.Value, """
                    SELECT DISTINCT ON (stream_id) stream_id, concat_ws(' ', data->'current'->>'value', data->'current'->>'qualifier', data->>'status', data->'current'->>'confidence')
                    FROM events.events WHERE type = 'claim.consensus-changed.v1' ORDER BY stream_id, version DESC
                    """),
                // An article missing here counts as its own origin.
                await ReadPairsAsync(database.Value, "SELECT article_id, origin_id FROM reconciliation.article_origins WHERE article_id <> origin_id"),
                await ReadPairsAsync(database.Value, "SELECT source, concat_ws(' ', agreements, disagreements, reliability) FROM reconciliation.source_reliability"));
        }
        finally
        {
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }
        }
    }

    private static async Task PublishAsync(Uri broker, IReadOnlyList<ClaimExtracted> mentions)
    {
        var factory = new ConnectionFactory { Uri = broker };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var properties = new BasicProperties { ContentType = "application/vnd.masstransit+json", Persistent = true };
        foreach (var chunk in mentions.Chunk(500))
        {
            await Task.WhenAll(chunk.Select(async mention =>
            {
                var envelope = new
                {
                    messageId = mention.MentionId,
                    messageType = new[] { "urn:message:Claims.Contracts:ClaimExtracted" },
                    sentTime = DateTimeOffset.UtcNow,
                    message = mention,
                };
                var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(envelope, JsonSerializerOptions.Web));
                await channel.BasicPublishAsync(Exchanges.ClaimExtracted, "", mandatory: true, properties, body);
            }));
        }
    }

    /// <summary>1,000 articles of 10 mentions over 100 claims; a tenth are reprints of an earlier article, sentence for sentence.</summary>
    private static List<ClaimExtracted> Generate(Random random)
    {
        var sources = Enumerable.Range(1, 20).Select(i => $"Outlet {i}").ToArray();
        var articles = new List<List<ClaimExtracted>>();
        for (var a = 0; a < Articles; a++)
        {
            var articleId = $"scale-{a:D4}";
            var article = new SourceArticle
            {
                ArticleId = articleId,
                Revision = 1,
                Source = sources[random.Next(sources.Length)],
                PublishedAt = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).AddHours(a),
                Language = "en",
            };
            if (a > 10 && random.Next(10) == 0)
            {
                var original = articles[random.Next(articles.Count)];
                articles.Add([.. original.Select(m => m with { MentionId = MentionId(random), Article = article })]);
                continue;
            }
            var claims = Enumerable.Range(0, Claims).OrderBy(_ => random.Next()).Take(MentionsPerArticle);
            articles.Add([.. claims.Select(claim => Mention(random, article, claim))]);
        }
        return [.. articles.SelectMany(a => a).OrderBy(_ => random.Next())];
    }

    private static ClaimExtracted Mention(Random random, SourceArticle article, int claim)
    {
        var value = (claim + 1) * 10_000_000m;
        var (stated, qualifier, lower, upper) = random.Next(5) switch
        {
            0 => (value * 1.1m, Qualifiers.Exact, value * 1.1m - 500_000m, (decimal?)(value * 1.1m + 500_000m)),
            1 => (value * 1.15m, Qualifiers.Over, value * 1.15m, null),
            2 => (value, Qualifiers.Approx, value * 0.95m, value * 1.05m),
            _ => (value, Qualifiers.Exact, value - 500_000m, (decimal?)(value + 500_000m)),
        };
        return new ClaimExtracted
        {
            MentionId = MentionId(random),
            Article = article,
            Mention = new ClaimMention
            {
                ClaimId = $"scale_metric_{claim:D3}:AZ+KZ:2024",
                Metric = $"scale_metric_{claim:D3}",
                Subjects = ["AZ", "KZ"],
                Period = "2024",
                Value = stated,
                Unit = "USD",
                Qualifier = qualifier,
                Lower = lower,
                Upper = upper,
                // Independent articles word things their own way; only reprints repeat a sentence.
                Evidence = new Evidence { Text = $"Metric {claim} stood at {stated} USD in 2024, {article.Source} wrote in {article.ArticleId}.", Start = 0, End = 10 },
                Confidence = 0.9,
            },
        };
    }

    private static Guid MentionId(Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes);
    }

    private static async Task<long> CountAsync(PostgresDatabase database, string sql)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<SortedDictionary<string, string>> ReadPairsAsync(PostgresDatabase database, string sql)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var pairs = new SortedDictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            pairs[reader.GetString(0)] = reader.GetString(1);
        }
        return pairs;
    }

    /// <summary>Disposes an xunit fixture used outside xunit's lifecycle.</summary>
    private sealed class Disposing<T>(T value) : IAsyncDisposable
        where T : IAsyncLifetime
    {
        public T Value => value;

        public async ValueTask DisposeAsync() => await value.DisposeAsync();
    }
}
