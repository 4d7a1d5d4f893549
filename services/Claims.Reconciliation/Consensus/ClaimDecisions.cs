using Claims.Consensus;
using Claims.Contracts.Events;
using Claims.EventStore;
using Claims.Reconciliation.Origins;
using Claims.Reconciliation.Reliability;
using Npgsql;

namespace Claims.Reconciliation.Consensus;

/// <summary>
/// Runs pure decisions against claim streams: fold, decide, append with the versions read, many claims in one
/// unit of work; on a concurrent writer the caller reads again and decides again. The shell every command about
/// a claim goes through.
/// </summary>
public sealed partial class ClaimDecisions(
    EventStore.EventStore store, ReliabilityStore reliabilities, IConfiguration configuration, TimeProvider time, ILogger<ClaimDecisions>? logger = null)
{
    private const int MaxAttempts = 20;
    private const int MaxCachedClaims = 20_000;
    private const int EvictedSnapshotsPerTransaction = 100;
    /// <summary>
    /// Bounds the mentions the folded claims cached between batches hold (about 400 bytes of heap each): claims differ a
    /// thousandfold in size, since a claim every outlet repeats carries thousands of mentions, so a bound on claims
    /// alone does not bound memory. Past it (or past <see cref="MaxCachedClaims"/>), the claims used longest ago leave
    /// the cache until it is three quarters full, and are folded from their streams again when next decided.
    /// </summary>
    public const string MaxCachedMentionsKey = "Reconciliation:MaxCachedMentions";

    private readonly long _maxCachedMentions = configuration.GetValue(MaxCachedMentionsKey, 100_000L);
    private static readonly Dictionary<string, string> EmptyHeaders = [];

    // Folded claims by id: a decision reads only the events appended since, instead of the whole stream each time.
    // An entry is only ever a state at some version of the stream, so a stale one is merely caught up. Each carries
    // the fold that last used it, so that the cache sheds the claims nobody decided for longest.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, CachedClaim> _cache = new();
    // The mentions the cached states hold; approximate under concurrent folds, exact again after each eviction.
    private long _cachedMentions;
    private long _folds;
    private readonly Lock _evicting = new();
    // Snapshots of evicted claims, stored one batch after another in the background.
    private Task _storingEvicted = Task.CompletedTask;
    private readonly ILogger _logger = logger ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    // SnapshotVersion: the version of the claim's latest snapshot, as far as this process knows (0: none).
    private sealed record CachedClaim(ClaimState State, long Version, long LastUsed, long SnapshotVersion);

    private readonly record struct Folded(ClaimState State, long Version, long SnapshotVersion);

    /// <summary>How many mentions the cached claims hold now (see <see cref="MaxCachedMentionsKey"/>).</summary>
    public long CachedMentions => Interlocked.Read(ref _cachedMentions);

    /// <summary>The consensus rule with the source reliabilities in force.</summary>
    public ConsensusOptions Options => _options with { Reliability = reliabilities.Of };

    private readonly ConsensusOptions _options = ConsensusOptions.Default with
    {
        ApproxTolerance = configuration.GetValue(ConsensusOptions.ApproxToleranceKey, ConsensusOptions.Default.ApproxTolerance),
    };

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>
    /// Decides about many claims in a transaction of the caller's: one read brings every claim's folded state up to
    /// date, each claim's commands are decided as one decision, and every stream's events and every claim's votes
    /// are written in one unit of work. The caller commits, then calls <see cref="Committed"/>; nothing is decided
    /// unless everything is.
    /// </summary>
    /// <returns>The events decided for each claim that had any, and the claims' states after them.</returns>
    /// <exception cref="ConcurrencyException">Another writer appended to one of the claims since it was read: roll back and decide again.</exception>
    /// <param name="claims">The claims and their commands, each claim once.</param>
    /// <param name="transaction">The caller's transaction.</param>
    /// <param name="ct">Cancels the work.</param>
    /// <param name="background">
    /// Decisions made outside a recording of mentions (rescoring). They append only while no recording runs (under the
    /// origins lock): a recording takes its transaction id when it writes figures, before it locks its claims' streams,
    /// and appending to one of them meanwhile would put the recording's later append before this one in the log, which
    /// the store refuses as a conflict, and the recording starts over (a benchmark saw a hot claim make a batch fail all
    /// five attempts that way). The lock is taken after folding and deciding, so a recording waits only for the append
    /// and the commit. Nor do they count as a use of their claims for the cache: a rescoring round decides every claim
    /// of each source that moved, and had that counted, the claims recordings keep deciding would be the ones shed once
    /// the cache overflows.
    /// </param>
    public async Task<DecidedClaims> DecideAsync(
        IReadOnlyCollection<ClaimCommands> claims, NpgsqlTransaction transaction, CancellationToken ct, bool background = false)
    {
        var folded = await FoldClaimsAsync(claims.Select(c => c.ClaimId), transaction, ct, background);
        if (folded.Count != claims.Count)
        {
            throw new ArgumentException("Each claim may appear once in a batched decision.", nameof(claims));
        }
        var options = Options;
        var now = Now;
        var decided = new Dictionary<string, IReadOnlyList<object>>(StringComparer.Ordinal);
        var after = new Dictionary<string, (ClaimState State, long Version)>(StringComparer.Ordinal);
        var votes = new Dictionary<string, IReadOnlyDictionary<string, bool>>(StringComparer.Ordinal);
        var snapshots = new List<StreamSnapshot<ClaimSnapshot>>();
        await using var session = store.OpenSession();
        foreach (var claim in claims)
        {
            var (state, version, snapshotVersion) = folded[claim.ClaimId];
            var events = Claim.Decide(state, claim.Commands, now, options);
            if (events.Count == 0)
            {
                continue;
            }
            session.Headers.Clear();
            foreach (var (key, value) in claim.Headers ?? EmptyHeaders)
            {
                session.Headers[key] = value;
            }
            session.Append(StreamIds.Claim(claim.ClaimId), version, events.Select(e => new NewEvent(Claim.EventId(e, version), e)), streamType: "claim");
            decided[claim.ClaimId] = events;
            var decidedState = events.Aggregate(state, ClaimState.Evolve);
            after[claim.ClaimId] = (decidedState, version + events.Count);
            if (ClaimSnapshot.IsDue(version + events.Count, snapshotVersion))
            {
                snapshots.Add(new StreamSnapshot<ClaimSnapshot>(StreamIds.Claim(claim.ClaimId), version + events.Count, ClaimSnapshot.Of(decidedState)));
            }
            // What each source's stance on this claim now is, for its reliability: committed with the decision.
            votes[claim.ClaimId] = SourceReliability.Votes(decidedState, options);
        }
        if (decided.Count > 0)
        {
            if (background)
            {
                await WaitForRecordingsAsync(transaction, ct);
            }
            await session.SaveChangesAsync(transaction, ct);
            await ReliabilityStore.SaveVotesAsync(transaction.Connection!, transaction, votes, ct);
            await store.StoreSnapshotsAsync(ClaimSnapshot.Kind, snapshots, transaction, ct);
        }
        return new DecidedClaims(decided, after, background)
        {
            Snapshots = snapshots.ToDictionary(s => s.State.ClaimId, s => s.Version, StringComparer.Ordinal),
        };
    }

    /// <summary>
    /// Declares that the caller's transaction will append decisions, claim events only, after writing something else
    /// first (<see cref="EventStore.EventStore.PrepareForAppendsAsync(NpgsqlTransaction, IEnumerable{string}, CancellationToken)"/>):
    /// call it before the transaction's first write. Readers of other types (the relay of extracted claims, the
    /// articles' read model) then read on while a batch runs, which is most of the time under load: declared as an
    /// appender of any type, each batch held them back from its first write to its commit.
    /// </summary>
    public Task PrepareForAppendsAsync(NpgsqlTransaction transaction, CancellationToken ct) =>
        store.PrepareForAppendsAsync(transaction, EventCatalog.ClaimStream.Select(e => e.Alias), ct);

    /// <summary>Takes the origins lock until the transaction ends: no recording of mentions runs meanwhile.</summary>
    private static async Task WaitForRecordingsAsync(NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var wait = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({ArticleFigureStore.OriginsLock})", transaction.Connection, transaction);
        await wait.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// After the caller committed <paramref name="decided"/>: caches the claims as the decision left them, and tells the
    /// projection runners that read claim events (<see cref="EventStore.EventStore.NotifyCommitted(IEnumerable{Type})"/>).
    /// </summary>
    /// <remarks>
    /// The commit appended exactly the decided events after the versions folded, so those states are the streams' now,
    /// and the next fold of these claims reads nothing back. Folding the decision's own events from the log again had
    /// cost reconciliation a tenth of its CPU in deserializing alone, and the database a read of every decided stream.
    /// A newer state already cached (another writer's, folded since) stays.
    /// </remarks>
    public void Committed(DecidedClaims decided)
    {
        var currentFold = Interlocked.Read(ref _folds);
        foreach (var (claimId, (state, version)) in decided.After)
        {
            var snapshotted = decided.Snapshots.GetValueOrDefault(claimId);
            while (true)
            {
                if (!_cache.TryGetValue(claimId, out var cached))
                {
                    if (_cache.TryAdd(claimId, new CachedClaim(state, version, LastUse(decided.Background, cached, currentFold), snapshotted)))
                    {
                        Interlocked.Add(ref _cachedMentions, state.Mentions.Count);
                        break;
                    }
                }
                else if (cached.Version >= version)
                {
                    break;
                }
                else if (_cache.TryUpdate(
                    claimId, new CachedClaim(state, version, LastUse(decided.Background, cached, currentFold), Math.Max(snapshotted, cached.SnapshotVersion)), cached))
                {
                    Interlocked.Add(ref _cachedMentions, state.Mentions.Count - cached.State.Mentions.Count);
                    break;
                }
            }
        }
        KeepWithinBounds(usedSince: currentFold);
        store.NotifyCommitted(decided.Events.Values.SelectMany(events => events).Select(e => e.GetType()));
    }

    /// <summary>Decides about many claims in transactions of its own, <paramref name="chunk"/> claims at a time, deciding a chunk again when another writer got there first.</summary>
    /// <param name="claims">The claims and their commands.</param>
    /// <param name="chunk">How many claims one transaction decides.</param>
    /// <param name="ct">Cancels the work; chunks already committed stay.</param>
    /// <param name="restPerWork">
    /// After each chunk, rest this many times as long as the chunk took: background work that would otherwise hand the
    /// machine, and the projections reading the log, a burst of thousands of decisions at once.
    /// </param>
    /// <returns>How many consensus changes were recorded.</returns>
    public async Task<int> DecideInChunksAsync(IReadOnlyList<ClaimCommands> claims, int chunk, CancellationToken ct, double restPerWork = 0)
    {
        var changes = 0;
        foreach (var part in claims.Chunk(chunk))
        {
            var started = time.GetTimestamp();
            for (var attempt = 1; ; attempt++)
            {
                await using var connection = await store.DataSource.OpenConnectionAsync(ct);
                await using var transaction = await connection.BeginTransactionAsync(ct);
                try
                {
                    // Claim events only, so the readers of other types read on while the chunk runs.
                    await PrepareForAppendsAsync(transaction, ct);
                    if (attempt > 1)
                    {
                        // A recording changed one of these claims while they were decided: this time hold recordings
                        // off from the fold on, or a claim in every batch would make each attempt stale.
                        await WaitForRecordingsAsync(transaction, ct);
                    }
                    var decided = await DecideAsync(part, transaction, ct, background: true);
                    await transaction.CommitAsync(ct);
                    Committed(decided);
                    changes += decided.Events.Values.Sum(events => events.OfType<ConsensusChanged>().Count());
                    break;
                }
                catch (ConcurrencyException) when (attempt < MaxAttempts)
                {
                    await transaction.RollbackAsync(ct);
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 * attempt)), ct);
                }
            }
            if (restPerWork > 0)
            {
                await Task.Delay(time.GetElapsedTime(started) * restPerWork, time, ct);
            }
        }
        return changes;
    }

    /// <summary>The claim folded up to its current version, from the cache caught up with what was appended since.</summary>
    public async Task<(ClaimState State, long Version)> FoldAsync(string claimId, CancellationToken ct) =>
        (await FoldAsync([claimId], transaction: null, ct))[claimId];

    /// <summary>Claims folded up to their current versions in one read (see <see cref="FoldClaimsAsync"/>).</summary>
    public async Task<IReadOnlyDictionary<string, (ClaimState State, long Version)>> FoldAsync(
        IEnumerable<string> claimIds, NpgsqlTransaction? transaction, CancellationToken ct, bool background = false) =>
        (await FoldClaimsAsync(claimIds, transaction, ct, background)).ToDictionary(f => f.Key, f => (f.Value.State, f.Value.Version), StringComparer.Ordinal);

    /// <summary>Claims folded up to their current versions in one read, from the cache caught up with what was appended since.</summary>
    /// <remarks>
    /// Read in <paramref name="transaction"/>, before it appends anything: what is cached is then committed state,
    /// even if the transaction later rolls back. (A cached state ahead of its stream would fail every append.)
    /// A <paramref name="background"/> fold leaves the claims' last use as it was (a claim it brings in, as never used).
    /// A claim not cached starts from its latest snapshot, when it has one, and reads only the events after it.
    /// </remarks>
    private async Task<IReadOnlyDictionary<string, Folded>> FoldClaimsAsync(
        IEnumerable<string> claimIds, NpgsqlTransaction? transaction, CancellationToken ct, bool background = false)
    {
        var fold = Interlocked.Increment(ref _folds);
        var known = new Dictionary<string, (ClaimState State, long Version)>(StringComparer.Ordinal);
        var snapshotVersions = new Dictionary<string, long>(StringComparer.Ordinal);
        var cold = new List<string>();
        foreach (var claimId in claimIds)
        {
            var streamId = StreamIds.Claim(claimId);
            if (_cache.TryGetValue(claimId, out var cached))
            {
                known[streamId] = (cached.State, cached.Version);
                snapshotVersions[claimId] = cached.SnapshotVersion;
            }
            else
            {
                known[streamId] = (ClaimState.Initial(claimId), 0L);
                cold.Add(streamId);
            }
        }
        // Events are never changed once committed, so a snapshot read before them in another statement is still the
        // fold of the events up to its version: the read after it only starts there.
        foreach (var (streamId, snapshot) in await store.FetchSnapshotsAsync<ClaimSnapshot>(ClaimSnapshot.Kind, cold, transaction, ct))
        {
            known[streamId] = (snapshot.State.ToState(), snapshot.Version);
            snapshotVersions[snapshot.State.ClaimId] = snapshot.Version;
        }
        var folded = await store.AggregateStreamsAsync(known, ClaimState.Evolve, transaction, ct);
        var byClaim = new Dictionary<string, Folded>(StringComparer.Ordinal);
        foreach (var (_, (state, version)) in folded)
        {
            // Counted by what the claim grew by: counting a cached claim's mentions again each time it was folded had
            // taken a batch of large claims for an overflow and emptied the whole cache, again and again.
            var replaced = _cache.TryGetValue(state.ClaimId, out var before) ? before.State.Mentions.Count : 0;
            var snapshotVersion = Math.Max(snapshotVersions.GetValueOrDefault(state.ClaimId), before?.SnapshotVersion ?? 0);
            _cache[state.ClaimId] = new CachedClaim(state, version, LastUse(background, before, fold), snapshotVersion);
            Interlocked.Add(ref _cachedMentions, state.Mentions.Count - replaced);
            byClaim[state.ClaimId] = new Folded(state, version, snapshotVersion);
        }
        KeepWithinBounds(usedSince: fold);
        return byClaim;
    }

    /// <summary>When a claim counts as last used: now, unless in the background (then as before, or never if new).</summary>
    private static long LastUse(bool background, CachedClaim? cached, long currentFold) => background ? cached?.LastUsed ?? 0 : currentFold;

    private void KeepWithinBounds(long usedSince)
    {
        if (_cache.Count > MaxCachedClaims || Interlocked.Read(ref _cachedMentions) > _maxCachedMentions)
        {
            EvictLeastRecentlyUsed(before: usedSince);
        }
    }

    /// <summary>
    /// Sheds the claims used longest ago, but none used by fold <paramref name="before"/> or later, until the cache is
    /// three quarters full. Emptying it all had every decision after an overflow read its claims' whole streams (90 ms
    /// a read for the benchmark's large claims, a third of the database's time), the claims decided most often among them.
    /// A shed claim's state is stored as its snapshot (in the background, once enough was appended since its latest
    /// one: <see cref="ClaimSnapshot.IsWorthStoringWhenShed"/>), so that its next fold reads little of its stream.
    /// </summary>
    private void EvictLeastRecentlyUsed(long before)
    {
        lock (_evicting)
        {
            var evicted = new List<StreamSnapshot<ClaimSnapshot>>();
            var claims = _cache.ToArray();
            var mentions = claims.Sum(entry => (long)entry.Value.State.Mentions.Count);
            var count = claims.Length;
            foreach (var (claimId, cached) in claims.Where(entry => entry.Value.LastUsed < before).OrderBy(entry => entry.Value.LastUsed))
            {
                if (count <= MaxCachedClaims * 3 / 4 && mentions <= _maxCachedMentions * 3 / 4)
                {
                    break;
                }
                // Only if unchanged: a fold may have just put a newer state there.
                if (_cache.TryRemove(new KeyValuePair<string, CachedClaim>(claimId, cached)))
                {
                    mentions -= cached.State.Mentions.Count;
                    count--;
                    if (ClaimSnapshot.IsWorthStoringWhenShed(cached.Version, cached.SnapshotVersion))
                    {
                        // A cached state is committed state, so it may be stored outside the transaction that made it.
                        evicted.Add(new StreamSnapshot<ClaimSnapshot>(StreamIds.Claim(claimId), cached.Version, ClaimSnapshot.Of(cached.State)));
                    }
                }
            }
            Interlocked.Exchange(ref _cachedMentions, _cache.Values.Sum(cached => (long)cached.State.Mentions.Count));
            if (evicted.Count > 0)
            {
                _storingEvicted = StoreEvictedAsync(_storingEvicted, evicted);
            }
        }
    }

    /// <summary>Completes once the snapshots of the claims evicted so far are stored (or failed to be).</summary>
    public Task StoredEvictedAsync()
    {
        lock (_evicting)
        {
            return _storingEvicted;
        }
    }

    private async Task StoreEvictedAsync(Task previous, List<StreamSnapshot<ClaimSnapshot>> evicted)
    {
        await previous;
        // Off the caller's thread: the eviction runs inside a fold or a commit, and the snapshots are a shortcut only.
        await Task.Yield();
        foreach (var chunk in evicted.Chunk(EvictedSnapshotsPerTransaction))
        {
            try
            {
                await using var connection = await store.DataSource.OpenConnectionAsync();
                await using var transaction = await connection.BeginTransactionAsync();
                await store.StoreSnapshotsAsync(ClaimSnapshot.Kind, chunk, transaction, CancellationToken.None);
                await transaction.CommitAsync();
            }
            catch (Exception e)
            {
                // Nothing escapes, or every later batch would wait on a failed one. The claims are then folded from an
                // older snapshot or from their first event: slower, never wrong.
                LogEvictedSnapshotsFailed(_logger, chunk.Length, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not store the snapshots of {Count} claims evicted from the cache")]
    private static partial void LogEvictedSnapshotsFailed(ILogger logger, int count, Exception exception);
}

/// <summary>What a batched decision decided: each claim's new events, and its state and stream version after them.</summary>
public sealed record DecidedClaims(
    IReadOnlyDictionary<string, IReadOnlyList<object>> Events,
    IReadOnlyDictionary<string, (ClaimState State, long Version)> After,
    bool Background)
{
    /// <summary>The claims whose snapshot the decision stored, with the version it folds up to.</summary>
    public IReadOnlyDictionary<string, long> Snapshots { get; init; } = new Dictionary<string, long>();
}

/// <summary>One claim's part of a batched decision: its commands in order, and headers for the events they cause.</summary>
public sealed record ClaimCommands(string ClaimId, IReadOnlyList<object> Commands, IReadOnlyDictionary<string, string>? Headers = null);
