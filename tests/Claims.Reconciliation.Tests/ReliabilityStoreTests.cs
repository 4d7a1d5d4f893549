using Claims.Reconciliation.Reliability;
using Claims.Testing;
using Xunit;

namespace Claims.Reconciliation.Tests;

/// <summary>The claims' votes on real PostgreSQL: a decision replaces its claims' votes and writes only what changed.</summary>
public sealed class ReliabilityStoreTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        await using var command = _database.DataSource.CreateCommand("CREATE SCHEMA reconciliation;\n" + ReliabilityStore.Schema);
        await command.ExecuteNonQueryAsync();
    }

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task Saving_a_claims_votes_replaces_them_and_leaves_other_claims_and_unchanged_votes_as_they_were()
    {
        await SaveAsync(new()
        {
            ["claim-a"] = new Dictionary<string, bool> { ["outlet-1"] = true, ["outlet-2"] = false, ["outlet-4"] = true },
            ["claim-b"] = new Dictionary<string, bool> { ["outlet-1"] = true },
        });
        var before = await RowsAsync();

        // outlet-1 changes its mind, outlet-2 no longer votes, outlet-3 votes for the first time, outlet-4 votes as before.
        await SaveAsync(new() { ["claim-a"] = new Dictionary<string, bool> { ["outlet-1"] = false, ["outlet-3"] = true, ["outlet-4"] = true } });

        var after = await RowsAsync();
        Assert.Equal(["claim-a outlet-1 False", "claim-a outlet-3 True", "claim-a outlet-4 True", "claim-b outlet-1 True"], after.Keys.Order());
        // Rows nobody changed keep their version: the same transaction wrote them (xmin), not the second save.
        Assert.Equal(before["claim-a outlet-4 True"], after["claim-a outlet-4 True"]);
        Assert.Equal(before["claim-b outlet-1 True"], after["claim-b outlet-1 True"]);
        Assert.NotEqual(before["claim-a outlet-1 True"], after["claim-a outlet-1 False"]);

        // A claim left without votes has none.
        await SaveAsync(new() { ["claim-b"] = new Dictionary<string, bool>() });
        Assert.DoesNotContain((await RowsAsync()).Keys, row => row.StartsWith("claim-b", StringComparison.Ordinal));
    }

    private async Task SaveAsync(Dictionary<string, IReadOnlyDictionary<string, bool>> votes)
    {
        await using var connection = await _database.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await ReliabilityStore.SaveVotesAsync(connection, transaction, votes, CancellationToken.None);
        await transaction.CommitAsync();
    }

    /// <summary>Each vote as text, with the transaction that wrote its row.</summary>
    private async Task<Dictionary<string, string>> RowsAsync()
    {
        await using var command = _database.DataSource.CreateCommand("SELECT claim_id || ' ' || source || ' ' || CASE WHEN agrees THEN 'True' ELSE 'False' END, xmin::text FROM reconciliation.claim_votes");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new Dictionary<string, string>();
        while (await reader.ReadAsync())
        {
            rows[reader.GetString(0)] = reader.GetString(1);
        }

        return rows;
    }
}
