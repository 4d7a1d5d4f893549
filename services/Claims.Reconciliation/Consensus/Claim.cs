using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Claims.Consensus;
using Claims.Contracts;
using Claims.Contracts.Events;

namespace Claims.Reconciliation.Consensus;

/// <summary>Record a mention of a claim, counted in the given origin group.</summary>
public sealed record RecordMention(ClaimExtracted Mention, string Origin);

/// <summary>Count mentions in the origin groups now known for their articles (article id to origin id).</summary>
public sealed record Regroup(IReadOnlyDictionary<string, string> OriginOfArticle);

/// <summary>An article was corrected: mentions read from its revisions before <paramref name="Revision"/> no longer stand.</summary>
public sealed record RetractRevisionsBefore(string ArticleId, int Revision);

/// <summary>Decide the consensus again with what is known now (new source reliabilities): no new facts.</summary>
public sealed record Reevaluate(string Reason);

/// <summary>
/// A mention as the claim tracks it: what a decision reads of it (the figure, who stated it and when), where it counts,
/// and whether it still votes. Folded claims stay cached between batches, hundreds of thousands of mentions of them,
/// so a tracked mention keeps only that: the recorded event's descriptors, evidence and address stay in the log, and
/// the outlet, unit and qualifier, a few values shared by all mentions, are one string each. Keeping the whole event
/// had cost about 1 KB of heap a mention, and a cache of 100,000 mentions most of reconciliation's heap.
/// </summary>
public sealed record TrackedMention(
    Guid MentionId,
    string ArticleId,
    int ArticleRevision,
    string Source,
    DateTimeOffset PublishedAt,
    decimal Value,
    string Unit,
    string Qualifier,
    decimal? Lower,
    decimal? Upper,
    string Origin,
    bool Retracted,
    Guid? SupersededBy) : IVote
{
    [JsonIgnore]
    public bool Votes => !Retracted && SupersededBy is null;

    /// <summary>What the claim tracks of a recorded mention, from now on counted in <paramref name="origin"/>.</summary>
    public static TrackedMention Of(MentionRecorded recorded, string origin)
    {
        var article = recorded.Article;
        var mention = recorded.Mention;
        return new TrackedMention(
            recorded.MentionId,
            article.ArticleId,
            article.Revision,
            string.Intern(article.Source),
            article.PublishedAt,
            mention.Value,
            string.Intern(mention.Unit),
            string.Intern(mention.Qualifier),
            mention.Lower,
            mention.Upper,
            // An original is its own origin: one string for both.
            string.Equals(origin, article.ArticleId, StringComparison.Ordinal) ? article.ArticleId : origin,
            Retracted: false,
            SupersededBy: null);
    }
}

/// <summary>
/// A claim folded from its stream: who said what, where it counts, and the consensus it stands at. The lowest and
/// highest article revisions among its mentions tell a decision when no mention can be outdated or late, without
/// searching them all: articles are seldom corrected, and a claim may carry thousands of mentions.
/// </summary>
public sealed record ClaimState(
    string ClaimId,
    ImmutableDictionary<Guid, TrackedMention> Mentions,
    ConsensusValue? Consensus,
    string? Status,
    int LowestRevision = int.MaxValue,
    int HighestRevision = int.MinValue)
{
    public static ClaimState Initial(string claimId) => new(claimId, ImmutableDictionary<Guid, TrackedMention>.Empty, null, null);

    public static ClaimState Evolve(ClaimState state, object @event) => @event switch
    {
        MentionRecorded m => state with
        {
            Mentions = state.Mentions.SetItem(m.MentionId, TrackedMention.Of(m, m.Origin)),
            LowestRevision = Math.Min(state.LowestRevision, m.Article.Revision),
            HighestRevision = Math.Max(state.HighestRevision, m.Article.Revision),
        },
        MentionRegrouped r => state.Update(r.MentionId, t => t with { Origin = r.Origin }),
        MentionRetracted r => state.Update(r.MentionId, t => t with { Retracted = true }),
        MentionSuperseded s => state.Update(s.MentionId, t => t with { SupersededBy = s.SupersededBy }),
        MentionReinstated r => state.Update(r.MentionId, t => t with { SupersededBy = null }),
        ConsensusChanged c => state with { Consensus = c.Current, Status = c.Status },
        _ => state,
    };

    private ClaimState Update(Guid mentionId, Func<TrackedMention, TrackedMention> change) =>
        Mentions.TryGetValue(mentionId, out var tracked) ? this with { Mentions = Mentions.SetItem(mentionId, change(tracked)) } : this;
}

/// <summary>
/// The pure decisions about a claim stream. Each command states facts (a mention, a regrouping, a retraction);
/// what follows from them — which mentions are superseded, the consensus, the status, a conflict — is derived
/// from the resulting set of mentions alone, so the outcome never depends on the order things arrived in.
/// </summary>
public static class Claim
{
    public static IReadOnlyList<object> Decide(ClaimState state, RecordMention command, DateTimeOffset now, ConsensusOptions? options = null) =>
        Decide(state, [command], now, options);

    public static IReadOnlyList<object> Decide(ClaimState state, Regroup command, DateTimeOffset now, ConsensusOptions? options = null) =>
        Decide(state, [command], now, options);

    public static IReadOnlyList<object> Decide(ClaimState state, Reevaluate command, DateTimeOffset now, ConsensusOptions? options = null) =>
        Decide(state, [command], now, options);

    public static IReadOnlyList<object> Decide(ClaimState state, RetractRevisionsBefore command, DateTimeOffset now, ConsensusOptions? options = null) =>
        Decide(state, [command], now, options);

    /// <summary>
    /// Several commands about one claim taken as one decision: the facts of each, in order, then what follows from
    /// all of them once. A batch of mentions that moves a claim twice records one consensus change, not two; its
    /// reason and cause are those of the first command that stated a fact.
    /// </summary>
    public static IReadOnlyList<object> Decide(ClaimState state, IReadOnlyList<object> commands, DateTimeOffset now, ConsensusOptions? options = null)
    {
        // New reliabilities cannot move a claim whose voters all agree (ConsensusRule.IsUnanimous), and a rescoring
        // decides again every claim of each source that moved: most of them, in a newsroom's feed, one or two
        // concurring mentions. Its decision then stands as recorded, without running the rule.
        if (commands.Count > 0 && commands.All(c => c is Reevaluate { Reason: ChangeReasons.Reliability })
            && ConsensusRule.IsUnanimous([.. state.Mentions.Values.Where(t => t.Votes)], options ?? ConsensusOptions.Default))
        {
            return [];
        }
        var facts = new List<object>();
        Cause? cause = null;
        var current = state;
        foreach (var command in commands)
        {
            var (stated, why) = Facts(current, command);
            foreach (var fact in stated)
            {
                facts.Add(fact);
                current = ClaimState.Evolve(current, fact);
            }
            if (stated.Count > 0)
            {
                cause ??= why;
            }
        }
        var reevaluation = commands.OfType<Reevaluate>().FirstOrDefault();
        if (facts.Count == 0 && (reevaluation is null || state.Mentions.IsEmpty))
        {
            return [];
        }
        cause ??= new Cause(reevaluation!.Reason, null, null);
        // A mention is superseded only by its own source's, so only the sources whose mentions came or went can change;
        // a reevaluation checks them all.
        var sources = reevaluation is null ? SourcesOf(facts, current) : null;
        return WithConsequences(state, facts, cause, now, options, sources);
    }

    private static HashSet<string> SourcesOf(IEnumerable<object> facts, ClaimState after)
    {
        var sources = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fact in facts)
        {
            if (fact is MentionRecorded recorded)
            {
                sources.Add(recorded.Article.Source);
            }
            else if (fact is MentionRetracted retracted && after.Mentions.TryGetValue(retracted.MentionId, out var mention))
            {
                sources.Add(mention.Source);
            }
        }
        return sources;
    }

    /// <summary>Why a decision was taken: the reason a consensus change records, and the mention that caused it.</summary>
    private sealed record Cause(string Reason, Guid? MentionId, DateTimeOffset? PublishedAt);

    private static (IReadOnlyList<object> Facts, Cause Cause) Facts(ClaimState state, object command) => command switch
    {
        RecordMention record => (Recorded(state, record), new Cause(ChangeReasons.MentionRecorded, record.Mention.MentionId, record.Mention.Article.PublishedAt)),
        Regroup regroup => (Regrouped(state, regroup), new Cause(ChangeReasons.Origins, null, null)),
        RetractRevisionsBefore retract => ([.. RetractionsBefore(state, retract.ArticleId, retract.Revision)], new Cause(ChangeReasons.MentionRetracted, null, null)),
        Reevaluate reevaluate => ([], new Cause(reevaluate.Reason, null, null)),
        _ => throw new ArgumentException($"Not a claim command: {command.GetType().Name}", nameof(command)),
    };

    private static List<object> Recorded(ClaimState state, RecordMention command)
    {
        var extracted = command.Mention;
        if (state.Mentions.ContainsKey(extracted.MentionId))
        {
            return [];
        }
        var recorded = new MentionRecorded
        {
            ClaimId = extracted.Mention.ClaimId,
            MentionId = extracted.MentionId,
            Article = extracted.Article,
            Mention = extracted.Mention,
            Origin = command.Origin,
        };
        List<object> facts = [recorded];
        // A mention of a revision older than one already recorded arrived late: it never stands.
        if (extracted.Article.Revision < state.HighestRevision && state.Mentions.Values.FirstOrDefault(t => t.ArticleId == extracted.Article.ArticleId && t.ArticleRevision > extracted.Article.Revision) is { } newer)
        {
            facts.Add(new MentionRetracted { ClaimId = state.ClaimId, MentionId = extracted.MentionId, ArticleId = extracted.Article.ArticleId, ByRevision = newer.ArticleRevision });
        }
        facts.AddRange(RetractionsBefore(state, extracted.Article.ArticleId, extracted.Article.Revision));
        return facts;
    }

    private static List<object> Regrouped(ClaimState state, Regroup command) => [.. state.Mentions.Values
        .Where(t => command.OriginOfArticle.TryGetValue(t.ArticleId, out var origin) && origin != t.Origin)
        .OrderBy(t => t.MentionId)
        .Select(t => new MentionRegrouped { ClaimId = state.ClaimId, MentionId = t.MentionId, PreviousOrigin = t.Origin, Origin = command.OriginOfArticle[t.ArticleId] })];

    /// <summary>
    /// Natural event ids: deciding the same thing twice appends nothing new. Facts about a mention are keyed by the
    /// mention; consequences by the stream version they were decided at, since a consensus can change back and forth.
    /// </summary>
    public static Guid EventId(object @event, long decidedAtVersion) => @event switch
    {
        // Not the mention id itself: that already names ingestion's ClaimExtracted event in the article's stream.
        MentionRecorded m => Id("mention-recorded", m.ClaimId, m.MentionId.ToString()),
        MentionRetracted r => Id("mention-retracted", r.ClaimId, r.MentionId.ToString()),
        MentionRegrouped r => Id("mention-regrouped", r.ClaimId, r.MentionId.ToString(), r.Origin, Version(decidedAtVersion)),
        MentionSuperseded s => Id("mention-superseded", s.ClaimId, s.MentionId.ToString(), s.SupersededBy.ToString(), Version(decidedAtVersion)),
        MentionReinstated r => Id("mention-reinstated", r.ClaimId, r.MentionId.ToString(), Version(decidedAtVersion)),
        ConsensusChanged c => Id("consensus", c.ClaimId, Version(decidedAtVersion)),
        ConflictDetected c => Id("conflict-detected", c.ClaimId, Version(decidedAtVersion)),
        ConflictResolved c => Id("conflict-resolved", c.ClaimId, Version(decidedAtVersion)),
        _ => throw new ArgumentException($"Not a claim event: {@event.GetType().Name}", nameof(@event)),
    };

    private static Guid Id(params string[] parts) => EventStore.DeterministicGuid.Create(parts);

    private static string Version(long version) => version.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static IEnumerable<object> RetractionsBefore(ClaimState state, string articleId, int revision) => revision <= state.LowestRevision ? [] : state.Mentions.Values
        .Where(t => t.ArticleId == articleId && t.ArticleRevision < revision && !t.Retracted)
        .OrderBy(t => t.MentionId)
        .Select(t => new MentionRetracted { ClaimId = state.ClaimId, MentionId = t.MentionId, ArticleId = articleId, ByRevision = revision });

    /// <summary>Appends to <paramref name="facts"/> what follows from them: supersessions, then consensus, status and conflict changes.</summary>
    private static IReadOnlyList<object> WithConsequences(
        ClaimState state, List<object> facts, Cause cause, DateTimeOffset now, ConsensusOptions? options, IReadOnlySet<string>? sources)
    {
        options ??= ConsensusOptions.Default;
        var after = facts.Aggregate(state, ClaimState.Evolve);
        foreach (var change in SupersessionChanges(after, options, sources).ToList())
        {
            facts.Add(change);
            after = ClaimState.Evolve(after, change);
        }
        var voters = after.Mentions.Values.Where(t => t.Votes).ToList();
        if (voters.Count == 0)
        {
            return facts;
        }
        var decision = ConsensusRule.Decide(voters, options);
        if (decision.Consensus != state.Consensus || decision.Status != state.Status)
        {
            facts.Add(new ConsensusChanged
            {
                ClaimId = state.ClaimId,
                Previous = state.Consensus,
                Current = decision.Consensus,
                PreviousStatus = state.Status,
                Status = decision.Status,
                Reason = cause.Reason,
                CausedByMentionId = cause.MentionId,
                CausePublishedAt = cause.PublishedAt,
                ChangedAt = now,
            });
        }
        var wasConflicted = state.Status == ClaimStatuses.Conflicted;
        var isConflicted = decision.Status == ClaimStatuses.Conflicted;
        if (isConflicted && (!wasConflicted || decision.Consensus != state.Consensus))
        {
            facts.Add(new ConflictDetected { ClaimId = state.ClaimId, Groups = decision.Groups });
        }
        else if (wasConflicted && !isConflicted)
        {
            facts.Add(new ConflictResolved { ClaimId = state.ClaimId, Reason = cause.Reason });
        }
        return facts;
    }

    /// <summary>
    /// What the state implies but does not record yet: mentions to supersede (or supersede by a later one) and
    /// mentions to reinstate, among the mentions of <paramref name="sources"/> (null: of every source).
    /// </summary>
    private static IEnumerable<object> SupersessionChanges(ClaimState state, ConsensusOptions options, IReadOnlySet<string>? sources)
    {
        if (sources is { Count: 0 })
        {
            yield break;
        }
        var standing = state.Mentions.Values.Where(t => !t.Retracted && (sources is null || sources.Contains(t.Source))).ToList();
        var superseders = Supersession.Superseders(standing, options);
        // Few change in a decision: only those are put in order.
        var changed = standing.Where(older => superseders.GetValueOrDefault(older.MentionId)?.MentionId != older.SupersededBy);
        foreach (var older in changed.OrderBy(t => t.MentionId))
        {
            var newer = superseders.GetValueOrDefault(older.MentionId);
            yield return newer is null
                ? new MentionReinstated { ClaimId = state.ClaimId, MentionId = older.MentionId }
                : new MentionSuperseded { ClaimId = state.ClaimId, MentionId = older.MentionId, SupersededBy = newer.MentionId };
        }
    }
}
