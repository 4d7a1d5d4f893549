using Claims.Contracts;
using Claims.Contracts.Events;
using Claims.Reconciliation.Origins;
using MassTransit;

namespace Claims.Reconciliation.Consensus;

/// <summary>
/// Records a mention in its claim's stream and its figure in the article's fingerprint, in one transaction;
/// then carries the consequences to other claims: a corrected article retracts its old mentions, and a
/// recognised reprint or translation regroups the origins of every claim its articles touch. A redelivered
/// message redoes nothing already done (mention ids and event ids are natural keys) and finishes what a crash
/// interrupted.
/// </summary>
public sealed partial class ClaimExtractedConsumer(
    ClaimDecisions decisions, ArticleFigureStore figures, OriginRefreshes originRefreshes, ILogger<ClaimExtractedConsumer> logger)
    : IConsumer<ClaimExtracted>
{
    private const int ImmediateAttempts = 5;

    public async Task Consume(ConsumeContext<ClaimExtracted> context)
    {
        var extracted = context.Message;
        var article = extracted.Article;
        var ct = context.CancellationToken;
        var headers = context.MessageId is { } messageId ? new Dictionary<string, string> { ["causation-id"] = messageId.ToString() } : null;

        for (var attempt = 1; ; attempt++)
        {
            await using var connection = await figures.DataSource.OpenConnectionAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            try
            {
                await figures.RecordAsync(connection, transaction, extracted, ct);
                var origin = await figures.OriginOfAsync(connection, transaction, article.ArticleId, ct);
                var events = await decisions.DecideAsync(
                    extracted.Mention.ClaimId,
                    (state, _) => Claim.Decide(state, new RecordMention(extracted, origin), decisions.Now, decisions.Options),
                    transaction, ct, headers);
                await transaction.CommitAsync(ct);
                Log(extracted.Mention.ClaimId, events);
                break;
            }
            catch (Claims.EventStore.ConcurrencyException) when (attempt < ImmediateAttempts)
            {
                // Another writer (reliability rescoring, another instance) appended to the claim first: decide again
                // on a fresh fold at once. The broker's delayed retries would hold this whole partition for seconds.
                await transaction.RollbackAsync(ct);
            }
        }

        // A correction may have been recorded while this older revision's mention was on its way: it never stands.
        var latest = await figures.LatestRevisionAsync(article.ArticleId, ct);
        if (latest > article.Revision)
        {
            Log(extracted.Mention.ClaimId, await decisions.DecideAsync(
                extracted.Mention.ClaimId, (state, _) => Claim.Decide(state, new RetractRevisionsBefore(article.ArticleId, latest), decisions.Now, decisions.Options), ct));
        }
        if (article.Revision > 1)
        {
            foreach (var claimId in await figures.ClaimsWithRevisionsBeforeAsync(article.ArticleId, article.Revision, ct))
            {
                Log(claimId, await decisions.DecideAsync(
                    claimId, (state, _) => Claim.Decide(state, new RetractRevisionsBefore(article.ArticleId, article.Revision), decisions.Now, decisions.Options), ct));
            }
        }

        var regrouped = await originRefreshes.RefreshAsync(article.ArticleId, ct);
        // The mention's own claim is always checked too: another consumer may have regrouped this article between
        // the moment the mention read its origin and the moment it committed.
        var claims = regrouped.Count > 0 ? await figures.ClaimsOfArticlesAsync(regrouped.Keys, ct) : [];
        foreach (var claimId in claims.Append(extracted.Mention.ClaimId).Distinct())
        {
            var origins = await figures.OriginsInClaimAsync(claimId, ct);
            Log(claimId, await decisions.DecideAsync(
                claimId, (state, _) => Claim.Decide(state, new Regroup(origins), decisions.Now, decisions.Options), ct));
        }
    }

    private void Log(string claimId, IReadOnlyList<object> events)
    {
        if (events.OfType<ConsensusChanged>().FirstOrDefault() is { } changed)
        {
            LogConsensusChanged(logger, claimId, changed.Current.Value, changed.Status, changed.Reason);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Claim {ClaimId} now stands at {Value} ({Status}, {Reason})")]
    private static partial void LogConsensusChanged(ILogger logger, string claimId, decimal value, string status, string reason);
}

/// <summary>
/// Mentions of one claim are taken one at a time within a process (partitioned by claim id), so an instance never
/// races itself; races between instances end in a concurrency conflict, retried with growing pauses like passing
/// database faults. What still fails ends in the _error queue.
/// </summary>
public sealed class ClaimExtractedConsumerDefinition : ConsumerDefinition<ClaimExtractedConsumer>
{
    private const int Partitions = 64;

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<ClaimExtractedConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(retry => retry.Intervals(10, 25, 50, 100, 250, 500, 1000, 2000, 5000, 10000, 10000, 10000));
        consumerConfigurator.Message<ClaimExtracted>(message => message.UsePartitioner(Partitions, c => c.Message.Mention.ClaimId));
    }
}
