using Claims.Contracts.Events;
using Claims.EventStore;
using Claims.Reconciliation.Reliability;
using Npgsql;

namespace Claims.Reconciliation.Consensus;

/// <summary>
/// Runs a pure decision against a claim stream: fold, decide, append with the version read, and on a concurrent
/// writer re-read and decide again. The shell every command about a claim goes through.
/// </summary>
public sealed class ClaimDecisions(EventStore.EventStore store, ReliabilityStore reliabilities, IConfiguration configuration, TimeProvider time)
{
    private const int MaxAttempts = 20;
    private const int MaxCachedClaims = 20_000;

    // Folded claims by id: a decision reads only the events appended since, instead of the whole stream each time.
    // An entry is only ever a state at some version of the stream, so a stale one is merely caught up.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (ClaimState State, long Version)> _cache = new();

    /// <summary>The consensus rule with the source reliabilities in force.</summary>
    public ConsensusOptions Options => _options with { Reliability = reliabilities.Of };

    private readonly ConsensusOptions _options = ConsensusOptions.Default with
    {
        ApproxTolerance = configuration.GetValue("Reconciliation:ApproxTolerance", ConsensusOptions.Default.ApproxTolerance),
    };

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Decides in a transaction of the caller's, so other writes commit with the events or not at all.</summary>
    public async Task<IReadOnlyList<object>> DecideAsync(
        string claimId, Func<ClaimState, long, IReadOnlyList<object>> decide, NpgsqlTransaction transaction, CancellationToken ct,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        var streamId = StreamIds.Claim(claimId);
        var (state, version) = await FoldAsync(claimId, ct);
        var events = decide(state, version);
        if (events.Count == 0)
        {
            return events;
        }
        await using var session = store.OpenSession();
        foreach (var (key, value) in headers ?? new Dictionary<string, string>())
        {
            session.Headers[key] = value;
        }
        session.Append(streamId, version, events.Select(e => new NewEvent(Claim.EventId(e, version), e)), streamType: "claim");
        await session.SaveChangesAsync(transaction, ct);
        // What each source's stance on this claim now is, for its reliability: committed with the decision.
        var after = events.Aggregate(state, ClaimState.Evolve);
        await ReliabilityStore.SaveVotesAsync(transaction.Connection!, transaction, claimId, SourceReliability.Votes(after, Options), ct);
        return events;
    }

    /// <summary>The claim folded up to its current version, from the cache caught up with what was appended since.</summary>
    public async Task<(ClaimState State, long Version)> FoldAsync(string claimId, CancellationToken ct)
    {
        var cached = _cache.TryGetValue(claimId, out var known) ? known : (ClaimState.Initial(claimId), 0L);
        var folded = await store.AggregateStreamAsync(StreamIds.Claim(claimId), cached.Item1, cached.Item2, ClaimState.Evolve, ct);
        if (_cache.Count >= MaxCachedClaims)
        {
            _cache.Clear();
        }
        _cache[claimId] = folded;
        return folded;
    }

    /// <summary>Decides in its own transaction, retrying on concurrent writers.</summary>
    public async Task<IReadOnlyList<object>> DecideAsync(string claimId, Func<ClaimState, long, IReadOnlyList<object>> decide, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var connection = await store.DataSource.OpenConnectionAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            try
            {
                var events = await DecideAsync(claimId, decide, transaction, ct);
                await transaction.CommitAsync(ct);
                return events;
            }
            catch (ConcurrencyException) when (attempt < MaxAttempts)
            {
                await transaction.RollbackAsync(ct);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 * attempt)), ct);
            }
        }
    }
}
