using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Claims.Contracts;
using Claims.Contracts.Events;
using Claims.EventStore;
using Claims.Testing;
using Npgsql;
using Xunit;

namespace Claims.Faults.Tests;

/// <summary>
/// The query service meets events its claims projection cannot apply, among valid ones: each bad event is retried,
/// recorded as a dead letter in events.dead_letters and passed, and the events after it are projected. Nothing is
/// skipped silently: every claim event is either in the read model or a dead letter. The events are appended the way
/// reconciliation appends them (through the event store); the bad ones go straight into its tables, as a buggy
/// writer or a hand-made fix would leave them.
/// </summary>
public sealed class ProjectionDeadLetterTests : IAsyncLifetime
{
    private const string Projection = "query-claims";

    private readonly PostgresDatabase _database = new();
    private ServiceSet _services = null!;
    private EventStore.EventStore _store = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        // Only the query service: the events come from the test, and it needs no broker.
        _services = new ServiceSet(_database.ConnectionString, TestEnvironment.RabbitMq);
        await _services.StartAsync(ServiceSet.Query);
        _store = new EventStore.EventStore(_database.DataSource, new EventTypeRegistry().Register(EventCatalog.ClaimStream));
        await _store.EnsureSchemaAsync();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Events_the_claims_projection_cannot_apply_become_dead_letters_and_the_events_after_them_are_projected()
    {
        const string Valid = "dead_letter_test:AZ+KZ:2024", Unreadable = "dead_letter_test:AZ+KZ:2023", Unstorable = "dead_letter_test:AZ+KZ:2022", Later = "dead_letter_test:AZ+KZ:2021";
        await AppendAsync(Valid, 0, Mention(Valid, 470, "Wire A"));

        // A payload that no longer deserializes (a required field is missing) ...
        var unreadable = JsonSerializer.SerializeToNode(Mention(Unreadable, 480, "Wire B"), _store.SerializerOptions)!;
        unreadable["mention"]!.AsObject().Remove("subjects");
        var unreadableId = await InsertRawAsync(Unreadable, unreadable);
        // ... and one that does, but the read model refuses (a claim without a unit).
        var unstorable = JsonSerializer.SerializeToNode(Mention(Unstorable, 490, "Wire C"), _store.SerializerOptions)!;
        unstorable["mention"]!["unit"] = null;
        var unstorableId = await InsertRawAsync(Unstorable, unstorable);

        await AppendAsync(Valid, 1, Mention(Valid, 475, "Wire D"));
        await AppendAsync(Later, 0, Mention(Later, 500, "Wire E"));

        using var query = _services[ServiceSet.Query].CreateClient();
        await Eventually.ReturnsAsync(() => MentionsAsync(query, Later), count => count == 1, TimeSpan.FromSeconds(60), "the event after the bad ones to be projected");
        Assert.Equal(2, await MentionsAsync(query, Valid));
        Assert.Equal(-1, await MentionsAsync(query, Unreadable));
        Assert.Equal(-1, await MentionsAsync(query, Unstorable));

        var deadLetters = await _store.ReadDeadLettersAsync();
        Assert.Equal(new[] { unreadableId, unstorableId }.Order(), deadLetters.Select(d => d.EventId).Order());
        Assert.All(deadLetters, d => Assert.Equal(Projection, d.Projection));
        Assert.Contains("subjects", deadLetters.Single(d => d.EventId == unreadableId).Error);
        Assert.Contains("unit", deadLetters.Single(d => d.EventId == unstorableId).Error);
        // The one that deserialized was retried before it was given up on; retrying cannot make the other one readable.
        Assert.True(deadLetters.Single(d => d.EventId == unstorableId).Attempts > 1);

        // Operators see them over HTTP with a write key; the public does not (errors can carry database detail).
        var listed = await query.GetFromJsonAsync<JsonElement>("/dead-letters?projection=" + Projection);
        Assert.Equal(2, listed.GetProperty("total").GetInt32());
        Assert.Equal(new[] { unreadableId, unstorableId }.Order(), listed.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("eventId").GetGuid()).Order());
        using (var anonymous = _services[ServiceSet.Query].CreateAnonymousClient())
        using (var refused = await anonymous.GetAsync("/dead-letters"))
        {
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        // Nothing skipped silently: every claim event has its version in the read model or is a dead letter, and the
        // projection's checkpoint is past all of them.
        Assert.Equal(0L, await ScalarAsync($"""
            SELECT count(*) FROM events.events e
            WHERE e.stream_id LIKE 'claim-%'
              AND NOT EXISTS (SELECT 1 FROM query.claim_history h WHERE h.claim_id = substr(e.stream_id, 7) AND h.version = e.version)
              AND NOT EXISTS (SELECT 1 FROM events.dead_letters d WHERE d.projection = '{Projection}' AND d.event_id = e.id)
            """));
        Assert.Equal(0L, await ScalarAsync($"""
            SELECT count(*) FROM events.events e JOIN events.progress p ON p.name = '{Projection}' WHERE (e.tx, e.seq) > (p.tx, p.seq)
            """));
    }

    private static MentionRecorded Mention(string claimId, decimal millions, string source)
    {
        var value = millions * 1_000_000m;
        var articleId = "dl-" + Guid.NewGuid().ToString("N")[..12];
        return new MentionRecorded
        {
            ClaimId = claimId,
            MentionId = Guid.NewGuid(),
            Origin = articleId,
            Article = new SourceArticle { ArticleId = articleId, Revision = 1, Source = source, PublishedAt = new DateTimeOffset(2025, 1, 15, 0, 0, 0, TimeSpan.Zero), Language = "en" },
            Mention = new ClaimMention
            {
                ClaimId = claimId,
                Metric = "dead_letter_test",
                Subjects = ["AZ", "KZ"],
                Period = claimId[^4..],
                Value = value,
                Unit = "USD",
                Qualifier = Qualifiers.Exact,
                Lower = value - 500_000m,
                Upper = value + 500_000m,
                Evidence = new Evidence { Text = $"The figure was {millions} million USD.", Start = 0, End = 10 },
                Confidence = 0.9,
            },
        };
    }

    private async Task AppendAsync(string claimId, long expectedVersion, MentionRecorded mention)
    {
        await using var session = _store.OpenSession();
        session.Append(StreamIds.Claim(claimId), expectedVersion, new NewEvent(mention.MentionId, mention));
        await session.SaveChangesAsync();
    }

    /// <summary>Writes version 1 of a new claim stream straight into the event store's tables, bypassing its serializer.</summary>
    private async Task<Guid> InsertRawAsync(string claimId, JsonNode data)
    {
        var id = Guid.NewGuid();
        await using var batch = _database.DataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("INSERT INTO events.streams (id, version, created, updated) VALUES ($1, 1, now(), now())")
        {
            Parameters = { new() { Value = StreamIds.Claim(claimId) } },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("INSERT INTO events.events (id, stream_id, version, type, data, recorded_at) VALUES ($1, $2, 1, $3, $4::jsonb, now())")
        {
            Parameters = { new() { Value = id }, new() { Value = StreamIds.Claim(claimId) }, new() { Value = EventAliases.MentionRecorded }, new() { Value = data.ToJsonString() } },
        });
        await batch.ExecuteNonQueryAsync();
        return id;
    }

    /// <summary>How many mentions the query API shows for a claim; -1 when it does not know the claim.</summary>
    private static async Task<int> MentionsAsync(HttpClient query, string claimId)
    {
        using var response = await query.GetAsync("/claims/" + Uri.EscapeDataString(claimId));
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return -1;
        }
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("mentions").GetArrayLength();
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var command = _database.DataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
