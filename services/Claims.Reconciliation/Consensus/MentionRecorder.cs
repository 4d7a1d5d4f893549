using Claims.Contracts;
using Claims.Contracts.Events;
using Claims.EventStore;
using Claims.Reconciliation.Origins;

namespace Claims.Reconciliation.Consensus;

/// <summary>A mention as the consumer received it, with the headers its claim's events carry (causation, trace).</summary>
public sealed record ReceivedMention(ClaimExtracted Extracted, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// Records a batch of mentions in one transaction: their figures, the origin groups those figures change, and the
/// decision of every claim concerned — the claims mentioned, the claims whose articles were regrouped, and the
/// claims still counting an older revision of a corrected article. Either all of it commits or none of it does,
/// so a crash never leaves a claim counting a stale origin, and a redelivered batch redoes nothing already done
/// (mention ids and event ids are natural keys).
/// </summary>
public sealed partial class MentionRecorder(ClaimDecisions decisions, ArticleFigureStore figures, ILogger<MentionRecorder> logger)
{
    private const int ImmediateAttempts = 5;

    public async Task RecordAsync(IReadOnlyList<ReceivedMention> batch, CancellationToken ct)
    {
        var mentions = batch.DistinctBy(m => m.Extracted.MentionId).ToList();
        for (var attempt = 1; ; attempt++)
        {
            await using var connection = await figures.DataSource.OpenConnectionAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            try
            {
                // Figures are written before the claims' events: say first that this transaction appends.
                await decisions.PrepareForAppendsAsync(transaction, ct);
                var recorded = await figures.RecordAsync(connection, transaction, [.. mentions.Select(m => m.Extracted)], ct);
                var articles = mentions.Select(m => m.Extracted.Article.ArticleId).Distinct(StringComparer.Ordinal).ToList();
                var regrouped = await figures.RefreshOriginsAsync(connection, transaction, articles, recorded, OriginOptions.Default, ct);
                var origins = await figures.OriginsInClaimsAsync(connection, transaction, articles, regrouped, ct);
                var decided = await decisions.DecideAsync(Commands(mentions, recorded.Outdated, origins, regrouped), transaction, ct);
                await transaction.CommitAsync(ct);
                decisions.Committed(decided);
                Log(decided.Events);
                return;
            }
            catch (ConcurrencyException) when (attempt < ImmediateAttempts)
            {
                // Another writer (reliability rescoring, another instance's batch) appended to a claim first: decide
                // again at once on fresh folds. The broker's delayed retries would hold every message of the batch.
                await transaction.RollbackAsync(ct);
            }
        }
    }

    /// <summary>
    /// Every claim's commands: the mentions it receives in arrival order (each counted in its article's origin as
    /// regrouped just now), retractions of outdated revisions, then the current origins of its articles this unit of
    /// work regrouped. Only those can have moved: a mention is recorded in its article's current origin, and every
    /// regrouping commits with the decisions of the claims it moves (<see cref="ArticleFigureStore.OriginsInClaimsAsync"/>).
    /// A regrouping of all the batch's articles had each claim's decision search all its mentions, every batch.
    /// </summary>
    private static List<ClaimCommands> Commands(
        IReadOnlyList<ReceivedMention> mentions, IReadOnlyList<OutdatedRevision> outdated, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> origins,
        IReadOnlySet<string> regrouped)
    {
        var mentionsOf = mentions.ToLookup(m => m.Extracted.Mention.ClaimId, StringComparer.Ordinal);
        var outdatedOf = outdated.ToLookup(o => o.ClaimId, StringComparer.Ordinal);
        return
        [
            .. origins.OrderBy(o => o.Key, StringComparer.Ordinal).Select(claim =>
            {
                var (claimId, originOf) = (claim.Key, claim.Value);
                List<object> commands = [.. mentionsOf[claimId].Select(m => new RecordMention(m.Extracted, originOf[m.Extracted.Article.ArticleId]))];
                commands.AddRange(outdatedOf[claimId].Select(o => new RetractRevisionsBefore(o.ArticleId, o.LatestRevision)));
                var moved = originOf.Where(article => regrouped.Contains(article.Key)).ToDictionary(StringComparer.Ordinal);
                if (moved.Count > 0)
                {
                    commands.Add(new Regroup(moved));
                }
                return new ClaimCommands(claimId, commands, mentionsOf[claimId].FirstOrDefault()?.Headers);
            }).Where(claim => claim.Commands.Count > 0),
        ];
    }

    private void Log(IReadOnlyDictionary<string, IReadOnlyList<object>> decided)
    {
        if (!logger.IsEnabled(LogLevel.Debug))
        {
            return;
        }
        foreach (var (claimId, events) in decided)
        {
            if (events.OfType<ConsensusChanged>().FirstOrDefault() is { } changed)
            {
                LogConsensusChanged(logger, claimId, changed.Current.Value, changed.Status, changed.Reason);
            }
        }
    }

    // Debug: at full load this is thousands of lines a second; the change feed and ClaimChanged carry the same.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Claim {ClaimId} now stands at {Value} ({Status}, {Reason})")]
    private static partial void LogConsensusChanged(ILogger logger, string claimId, decimal value, string status, string reason);
}
