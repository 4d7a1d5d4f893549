using Claims.Contracts.Events;
using Claims.EventStore;
using Claims.Reconciliation.Consensus;

namespace Claims.Reconciliation.Reliability;

/// <summary>What a reliability update did.</summary>
public sealed record ReliabilityReport(IReadOnlyList<SourceTrack> Sources, int ClaimsReevaluated, int ConsensusChanges);

/// <summary>
/// Keeps source reliabilities current: every few seconds it rescores sources from the claims' votes and, when a
/// source's reliability moved, decides its claims again (a flipped consensus is recorded with reason
/// <c>reliability</c>). On demand it recomputes everything from scratch, which makes every claim a pure function
/// of the mentions.
/// </summary>
public sealed partial class ReliabilityService(
    ReliabilityStore reliabilities, ClaimDecisions decisions, EventStore.EventStore store, IConfiguration configuration, ILogger<ReliabilityService> logger)
    : BackgroundService
{
    private const double Threshold = 0.01;
    // Every log reader waits behind an open transaction that appends (readers take events only below the oldest one),
    // so a rescoring transaction holds back everything committed while it runs: 200 claims a transaction made the
    // half-load POST → visible p95/p99 694/945 ms; 50 made them 298/402 ms, for more commits (0.5 → 0.8 a claim).
    private const int ClaimsPerTransaction = 50;
    /// <summary>
    /// How long the background rescoring rests after each transaction, as a multiple of the time it took (3: busy a
    /// quarter of the time at most). Unpaced, a round handed the projections thousands of decisions at once, and the
    /// mentions recorded meanwhile waited behind them: the benchmark's half-load POST → visible p95/p99 were 321/559 ms
    /// with rescoring and 211/267 ms without. A recompute on demand is not paced.
    /// </summary>
    public const string RestPerWorkKey = "Reconciliation:ReliabilityRestPerWork";
    private readonly double _restPerWork = configuration.GetValue(RestPerWorkKey, 3.0);
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    /// <summary>Rescore from the votes recorded so far and re-decide the claims of sources that moved.</summary>
    public Task<ReliabilityReport> UpdateAsync(CancellationToken ct) =>
        ExclusivelyAsync(async () => await ApplyAsync(await reliabilities.ScoreFromVotesAsync(ct), SignificantMove, _restPerWork, ct), ct);

    /// <summary>Recompute every reliability from scratch and decide every claim again.</summary>
    public Task<ReliabilityReport> RecomputeAsync(CancellationToken ct) => ExclusivelyAsync(async () =>
    {
        var claims = new List<ClaimState>();
        foreach (var claimId in await reliabilities.AllClaimsAsync(ct))
        {
            claims.Add((await decisions.FoldAsync(claimId, ct)).State);
        }
        var tracks = SourceReliability.Recompute(claims, decisions.Options, decisions.Now);
        var report = await ApplyAsync(tracks, _ => 0, restPerWork: 0, ct);
        var changes = await ReevaluateAsync([.. claims.Select(c => c.ClaimId)], restPerWork: 0, ct);
        return report with { ClaimsReevaluated = claims.Count, ConsensusChanges = report.ConsensusChanges + changes };
    }, ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = configuration.GetValue("Reconciliation:ReliabilityInterval", TimeSpan.FromSeconds(5));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Another instance may have changed them: every round starts from what is stored.
                await reliabilities.LoadAsync(stoppingToken);
                await Task.Delay(interval, stoppingToken);
                var report = await UpdateAsync(stoppingToken);
                if (report.Sources.Count > 0)
                {
                    LogUpdated(logger, report.Sources.Count, report.ClaimsReevaluated, report.ConsensusChanges);
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The next round tries again; a database outage must not stop the service.
                LogFailed(logger, e);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// A source's reliability is put in force again when it moved by at least a point and by more than its own
    /// uncertainty: while votes trickle in, an estimate wanders within its noise, and each step re-decided every
    /// claim of the source (the benchmark saw more consensus changes from rescoring than from new mentions).
    /// </summary>
    private static double SignificantMove(SourceTrack track) => Math.Max(Threshold, track.Spread);

    private async Task<ReliabilityReport> ApplyAsync(
        IReadOnlyDictionary<string, SourceTrack> tracks, Func<SourceTrack, double> minimumMove, double restPerWork, CancellationToken ct)
    {
        var moved = await reliabilities.ApplyAsync(tracks, minimumMove, decisions.Now, ct);
        if (moved.Count == 0)
        {
            return new ReliabilityReport([], 0, 0);
        }
        await using (var session = store.OpenSession())
        {
            foreach (var (track, previous) in moved)
            {
                var changed = new SourceReliabilityChanged
                {
                    Source = track.Source,
                    Agreements = track.Agreements,
                    Disagreements = track.Disagreements,
                    Previous = previous,
                    Reliability = track.Reliability,
                    ChangedAt = decisions.Now,
                };
                var id = DeterministicGuid.Create("reliability", track.Source, track.Agreements.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    track.Disagreements.ToString(System.Globalization.CultureInfo.InvariantCulture), (previous ?? -1).ToString(System.Globalization.CultureInfo.InvariantCulture));
                session.Append(StreamIds.Source(track.Source), ExpectedVersion.Any, [new NewEvent(id, changed)], streamType: "source");
            }
            await session.SaveChangesAsync(ct);
        }
        var claims = await reliabilities.ClaimsOfSourcesAsync(moved.Keys.Select(t => t.Source), ct);
        var changes = await ReevaluateAsync(claims, restPerWork, ct);
        return new ReliabilityReport([.. moved.Keys.OrderBy(t => t.Source, StringComparer.Ordinal)], claims.Count, changes);
    }

    /// <summary>Decides these claims again with the reliabilities in force, <see cref="ClaimsPerTransaction"/> per transaction.</summary>
    private Task<int> ReevaluateAsync(IReadOnlyList<string> claimIds, double restPerWork, CancellationToken ct) => decisions.DecideInChunksAsync(
        [.. claimIds.Select(id => new ClaimCommands(id, [new Reevaluate(ChangeReasons.Reliability)]))], ClaimsPerTransaction, ct, restPerWork);

    private async Task<ReliabilityReport> ExclusivelyAsync(Func<Task<ReliabilityReport>> work, CancellationToken ct)
    {
        await _oneAtATime.WaitAsync(ct);
        try
        {
            return await work();
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    public override void Dispose()
    {
        _oneAtATime.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reliability of {Sources} sources moved; {Claims} claims decided again, {Changes} consensus changes")]
    private static partial void LogUpdated(ILogger logger, int sources, int claims, int changes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Updating source reliabilities failed; trying again next round")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
