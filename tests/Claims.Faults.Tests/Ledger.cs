using Claims.Testing;
using Npgsql;
using Xunit;

namespace Claims.Faults.Tests;

/// <summary>
/// Reads the event store (and the query read models) of one system to check the delivery guarantees: every mention
/// ingestion stored is recorded in its claim's stream exactly once, and claim versions have no gaps.
/// </summary>
public sealed class Ledger(NpgsqlDataSource database)
{
    private const string ExtractedMentions = "SELECT (data->>'mentionId')::uuid FROM events.events WHERE type = 'article.claim-extracted.v1'";
    private const string RecordedMentions = "SELECT (data->>'mentionId')::uuid FROM events.events WHERE type = 'claim.mention-recorded.v1'";

    /// <summary>Mentions stored by ingestion, and mention-recorded events in claim streams (a duplicate counts twice).</summary>
    public async Task<(long Extracted, long Recorded)> CountAsync()
    {
        await using var command = database.CreateCommand("""
            SELECT count(*) FILTER (WHERE type = 'article.claim-extracted.v1'), count(*) FILTER (WHERE type = 'claim.mention-recorded.v1')
            FROM events.events
            """);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>Waits until as many mentions are recorded as were extracted, and no event has been added for a while.</summary>
    public async Task WaitUntilSettledAsync(TimeSpan timeout)
    {
        await Eventually.ReturnsAsync(CountAsync, c => c.Extracted > 0 && c.Recorded >= c.Extracted, timeout, "every extracted mention to be recorded");
        // Regroupings, consensus changes and any redelivery come after the last mention: wait for the log to stand still.
        // Four equal counts: by then Eventually polls at least 500 ms apart.
        var stable = new Unchanged(polls: 4);
        await Eventually.ReturnsAsync(() => ScalarAsync("SELECT count(*) FROM events.events"), stable.Holds, timeout, "the log to stand still");
    }

    /// <summary>
    /// Every mention ingestion stored is recorded once, no more, no less; there are <paramref name="expectedMentions"/>
    /// of them (what ingestion's 202 answers listed); every claim stream's versions run 1..n without a gap.
    /// </summary>
    public async Task AssertEveryMentionRecordedOnceAsync(int expectedMentions)
    {
        var extracted = await ReadIdsAsync(ExtractedMentions);
        var recorded = await ReadIdsAsync(RecordedMentions);
        Assert.Equal(expectedMentions, extracted.Count);
        var duplicates = recorded.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => $"{g.Key} ×{g.Count()}").ToList();
        Assert.True(duplicates.Count == 0, "mentions recorded more than once: " + string.Join(", ", duplicates));
        var missing = extracted.Except(recorded).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {extracted.Count} mentions never recorded, e.g. {string.Join(", ", missing.Take(5))}");
        Assert.Empty(recorded.Except(extracted));

        var gaps = await ReadTextAsync("""
            SELECT concat(s.id, ': stream version ', s.version, ', ', count(e.*), ' events, versions ', min(e.version), '..', max(e.version))
            FROM events.streams s JOIN events.events e ON e.stream_id = s.id
            WHERE s.id LIKE 'claim-%'
            GROUP BY s.id, s.version
            HAVING min(e.version) <> 1 OR max(e.version) <> count(e.*) OR s.version <> max(e.version)
            """);
        Assert.True(gaps.Count == 0, "claim streams with gaps: " + string.Join("; ", gaps));
    }

    /// <summary>
    /// The query read models hold each mention once and every version of every claim: its history has one row per
    /// stream version, as many as the stream has. Waits for the projection to catch up first.
    /// </summary>
    public async Task AssertReadModelHoldsEveryMentionOnceAsync(TimeSpan timeout)
    {
        const string behind = """
            SELECT count(*) FROM events.streams s
            WHERE s.id LIKE 'claim-%'
              AND s.version <> (SELECT count(*) FROM query.claim_history h WHERE h.claim_id = substr(s.id, 7))
            """;
        await Eventually.ReturnsAsync(() => ScalarAsync(behind), count => count == 0, timeout, "the claim read models to catch up");
        var projected = await ReadIdsAsync("SELECT mention_id FROM query.claim_mentions");
        var recorded = await ReadIdsAsync(RecordedMentions);
        Assert.Equal(recorded.Order(), projected.Order());
        var misnumbered = await ReadTextAsync("""
            SELECT concat(claim_id, ': ', count(*), ' versions up to ', max(version)) FROM query.claim_history
            GROUP BY claim_id HAVING min(version) <> 1 OR max(version) <> count(*)
            """);
        Assert.True(misnumbered.Count == 0, "claim histories with gaps: " + string.Join("; ", misnumbered));
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var command = database.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    private async Task<List<Guid>> ReadIdsAsync(string sql)
    {
        await using var command = database.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<Guid>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }
        return ids;
    }

    private async Task<List<string>> ReadTextAsync(string sql)
    {
        await using var command = database.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }
        return rows;
    }
}
