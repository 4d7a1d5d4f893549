using System.Text.Json;
using System.Text.Json.Serialization;

namespace Claims.Contracts.Events;

/// <summary>
/// Compile-time JSON metadata for every stored event (System.Text.Json's source generator, part of the runtime: the
/// contracts stay dependency-free). Reading the log with it skips the reflection and the dynamic code the default
/// resolver builds per type, which a replay of the whole log otherwise pays for in CPU.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ArticleReceived))]
[JsonSerializable(typeof(ClaimExtracted))]
[JsonSerializable(typeof(MentionRecorded))]
[JsonSerializable(typeof(MentionRegrouped))]
[JsonSerializable(typeof(MentionRetracted))]
[JsonSerializable(typeof(MentionSuperseded))]
[JsonSerializable(typeof(MentionReinstated))]
[JsonSerializable(typeof(ConsensusChanged))]
[JsonSerializable(typeof(ConflictDetected))]
[JsonSerializable(typeof(ConflictResolved))]
[JsonSerializable(typeof(SourceReliabilityChanged))]
public sealed partial class EventJsonContext : JsonSerializerContext;
