using Claims.Contracts;
using Claims.EventStore;
using Claims.Testing;
using Npgsql;
using Xunit;

namespace Claims.Query.Tests;

/// <summary>
/// A fresh database holding a read model's tables and its live projection, fed batches by hand as the query service's
/// runner feeds it from the log: each batch in its own committed transaction.
/// </summary>
internal sealed class ProjectedReadModel(string ddl, Func<EventStore.EventStore, SqlBatchProjection> create) : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();

    public SqlBatchProjection Projection { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        await using (var command = _database.DataSource.CreateCommand("CREATE SCHEMA query;\n" + ddl))
        {
            await command.ExecuteNonQueryAsync();
        }

        Projection = create(new EventStore.EventStore(_database.DataSource, new EventTypeRegistry()));
    }

    public Task DisposeAsync() => _database.DisposeAsync();

    public async Task ApplyAsync(IReadOnlyList<StoredEvent> events)
    {
        await using var connection = await _database.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await Projection.ApplyAsync(new ProjectionBatch(events, connection, transaction), CancellationToken.None);
        await transaction.CommitAsync();
    }

    /// <summary>
    /// Applies <paramref name="batches"/> batches from <paramref name="nextBatch"/> and after each one asserts that the
    /// rows of <paramref name="readModel"/> as kept batch by batch equal them counted from scratch.
    /// </summary>
    public async Task AssertKeptAsCountedFromScratchAsync(Func<IReadOnlyList<StoredEvent>> nextBatch, string readModel, int batches, string scenario)
    {
        for (var batch = 0; batch < batches; batch++)
        {
            await ApplyAsync(nextBatch());

            var kept = await RowsAsync(readModel);
            var recounted = await RowsAsync(readModel, countedFromScratch: true);
            Assert.True(kept.SequenceEqual(recounted),
                $"{scenario}, batch {batch}: kept\n{string.Join('\n', kept)}\nfrom scratch\n{string.Join('\n', recounted)}");
        }
    }

    /// <summary>
    /// The first column of <paramref name="sql"/>'s rows, sorted; with <paramref name="countedFromScratch"/>, as the read
    /// model stands after the counts a rebuild completes it with (<see cref="SqlBatchProjection.CompleteRebuildAsync"/>),
    /// which is then rolled back.
    /// </summary>
    public async Task<List<string>> RowsAsync(string sql, bool countedFromScratch = false)
    {
        await using var connection = await _database.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        if (countedFromScratch)
        {
            await Projection.CompleteRebuildAsync(connection, transaction, CancellationToken.None);
        }

        var rows = new List<string>();
        await using (var command = new NpgsqlCommand(sql, connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add(reader.GetString(0));
            }
        }

        await transaction.RollbackAsync();
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    /// <summary>An event as the log hands it to a projection: position <paramref name="sequence"/>, recorded a minute after the one before.</summary>
    public static StoredEvent Stored(long sequence, string streamId, long version, string type, object data) =>
        new(sequence, (ulong)sequence, Guid.NewGuid(), streamId, version, type, data, new Dictionary<string, string>(), Feeds.Start.AddMinutes(sequence));
}

/// <summary>What the random feeds of these tests share.</summary>
internal static class Feeds
{
    public static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A mention of a claim as the extractor reads it; the counts look only at its claim id.</summary>
    public static ClaimMention Mention(string claimId) => new()
    {
        ClaimId = claimId,
        Metric = "trade-turnover",
        Subjects = ["AZ", "KZ"],
        Value = 470_000_000m,
        Unit = "USD",
        Qualifier = Qualifiers.Exact,
        Evidence = new Evidence { Text = "470 million", Start = 0, End = 11 },
        Confidence = 0.9,
    };
}
