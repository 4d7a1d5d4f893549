using System.Text.Json.Serialization;
using Claims.Contracts;
using Claims.Query.ClaimsReadModel;
using Npgsql;
using static Claims.Query.ClaimsReadModel.ClaimRows;

namespace Claims.Query.Changes;

/// <summary>One row of <c>query.changes</c>: an event of the <c>/changes</c> stream.</summary>
public abstract record ClaimFeedEvent
{
    /// <summary>The feed position: the SSE event id, what Last-Event-ID resumes after.</summary>
    [JsonPropertyOrder(-1)]
    public required long Id { get; init; }
    [JsonPropertyOrder(-1)]
    public required string ClaimId { get; init; }
    [JsonPropertyOrder(-1)]
    public required string Metric { get; init; }
    [JsonPropertyOrder(-1)]
    public required IReadOnlyList<string> Subjects { get; init; }
    [JsonPropertyOrder(-1)]
    public string? Direction { get; init; }
    [JsonPropertyOrder(-1)]
    public string? Period { get; init; }
    /// <summary>The claim stream's version after this event.</summary>
    [JsonPropertyOrder(-1)]
    public required long Version { get; init; }
    /// <summary>When the claim event was stored.</summary>
    [JsonPropertyOrder(-1)]
    public required DateTimeOffset RecordedAt { get; init; }
}

/// <summary>
/// <c>event: claim-changed</c>: the claim's consensus or status changed. The fields of the <see cref="ClaimChanged"/>
/// message, plus the claim's metric, subjects, direction and period.
/// </summary>
public sealed record ClaimChangedEvent : ClaimFeedEvent
{
    public ConsensusValue? Previous { get; init; }
    public required ConsensusValue Current { get; init; }
    public string? PreviousStatus { get; init; }
    public required string Status { get; init; }
    public required string Cause { get; init; }
    public Guid? CausedByMentionId { get; init; }
    public required DateTimeOffset ChangedAt { get; init; }
}

/// <summary><c>event: mention-recorded</c>: a new mention of the claim was recorded (its consensus may or may not change next).</summary>
public sealed record MentionRecordedEvent : ClaimFeedEvent
{
    /// <summary>The mention; null only while the read models are being rebuilt.</summary>
    public MentionView? Mention { get; init; }
}

/// <summary>Which changes a stream wants; null is any.</summary>
public sealed record ChangeFilter(string? ClaimId, string? Metric, string? Subject);

/// <summary>Changes after a position, and how far the read looked (past rows the filter skipped).</summary>
public sealed record ChangeRead(IReadOnlyList<ClaimFeedEvent> Events, long ScannedTo, bool More);

/// <summary>Reads <c>query.changes</c>.</summary>
public sealed class ChangeFeed(NpgsqlDataSource dataSource, EventStore.EventStore store)
{
    public async Task<long> LatestIdAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT coalesce(max(id), 0) FROM query.changes");
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Up to <paramref name="limit"/> matching changes after <paramref name="after"/>, in id order. The newest id is
    /// read in the same statement (one snapshot), so a filtered stream moves past rows it skipped and never reads them again.
    /// </summary>
    public async Task<ChangeRead> ReadAfterAsync(long after, ChangeFilter filter, int limit, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {MentionColumns}, u.upper, ch.id, ch.kind, ch.claim_id, ch.metric, ch.subjects, ch.direction, ch.period, ch.version,
                   ch.previous, ch.consensus, ch.previous_status, ch.status, ch.cause, ch.mention_id, ch.changed_at, ch.recorded_at
            FROM (SELECT coalesce(max(id), 0) AS upper FROM query.changes) u
            LEFT JOIN LATERAL (
                SELECT * FROM query.changes c
                WHERE c.id > $1 AND c.id <= u.upper
                  AND ($2::text IS NULL OR c.claim_id = $2)
                  AND ($3::text IS NULL OR c.metric = $3)
                  AND ($4::text IS NULL OR $4 = ANY (c.subjects))
                ORDER BY c.id LIMIT $5) ch ON true
            LEFT JOIN query.claim_mentions m ON ch.kind = '{ClaimsProjection.MentionRecordedKind}' AND m.mention_id = ch.mention_id
            ORDER BY ch.id
            """);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after });
        command.Parameters.Add(Text(filter.ClaimId));
        command.Parameters.Add(Text(filter.Metric));
        command.Parameters.Add(Text(filter.Subject));
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var json = store.SerializerOptions;
        var events = new List<ClaimFeedEvent>();
        var upper = after;
        // The mention's columns come first (ReadMention reads from 0), then the upper bound, then the change.
        const int c = MentionColumnCount + 1;
        while (await reader.ReadAsync(ct))
        {
            upper = reader.GetInt64(c - 1);
            if (reader.IsDBNull(c))
            {
                continue;
            }
            var id = reader.GetInt64(c);
            var claimId = reader.GetString(c + 2);
            var metric = reader.GetString(c + 3);
            var subjects = reader.GetFieldValue<string[]>(c + 4);
            var direction = NullableString(reader, c + 5);
            var period = NullableString(reader, c + 6);
            var version = reader.GetInt64(c + 7);
            var recordedAt = reader.GetFieldValue<DateTimeOffset>(c + 15);
            events.Add(reader.GetString(c + 1) == ClaimsProjection.MentionRecordedKind
                ? new MentionRecordedEvent
                {
                    Id = id, ClaimId = claimId, Metric = metric, Subjects = subjects, Direction = direction, Period = period, Version = version,
                    RecordedAt = recordedAt,
                    Mention = reader.IsDBNull(0) ? null : ReadMention(reader, json).Mention,
                }
                : new ClaimChangedEvent
                {
                    Id = id, ClaimId = claimId, Metric = metric, Subjects = subjects, Direction = direction, Period = period, Version = version,
                    RecordedAt = recordedAt,
                    Previous = ReadConsensus(reader, c + 8, json),
                    Current = ReadConsensus(reader, c + 9, json)!,
                    PreviousStatus = NullableString(reader, c + 10),
                    Status = reader.GetString(c + 11),
                    Cause = reader.GetString(c + 12),
                    CausedByMentionId = reader.IsDBNull(c + 13) ? null : reader.GetGuid(c + 13),
                    ChangedAt = reader.GetFieldValue<DateTimeOffset>(c + 14),
                });
        }
        var more = events.Count >= limit;
        return new ChangeRead(events, more ? events[^1].Id : upper, more);
    }
}
