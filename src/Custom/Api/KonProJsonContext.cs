using System.Text.Json.Serialization;

namespace KonPro.Streaming.Api;

/// <summary>
/// Source-generated JSON metadata of every request and response body of the API (their nested types come along),
/// so the client reads and writes them without reflection. The client's settings use it first and fall back to
/// reflection only for types not listed here.
/// </summary>
// CUSTOM: the generated client takes its JsonTypeInfo from its settings; this context fills them at build time.
[JsonSerializable(typeof(CreateTokenRequest))]
[JsonSerializable(typeof(CreateTokenResponse))]
[JsonSerializable(typeof(NewSessionRequest))]
[JsonSerializable(typeof(NewSessionResponse))]
[JsonSerializable(typeof(SessionIdRequest))]
[JsonSerializable(typeof(StatusResponse))]
[JsonSerializable(typeof(TaskRequest))]
[JsonSerializable(typeof(TaskResponse))]
[JsonSerializable(typeof(SessionListResponse))]
[JsonSerializable(typeof(SessionHistoryResponse))]
[JsonSerializable(typeof(AvatarListResponse))]
[JsonSerializable(typeof(KnowledgeBaseRequest))]
[JsonSerializable(typeof(KnowledgeBaseListResponse))]
[JsonSerializable(typeof(KnowledgeBaseCreateResponse))]
[JsonSerializable(typeof(KnowledgeBaseChangeResponse))]
[JsonSerializable(typeof(ErrorResponse))]
// An enum on its own (a path or query value) is written by its JSON name, as the bodies' enum properties are.
[JsonSourceGenerationOptions(UseStringEnumConverter = true)]
internal sealed partial class KonProJsonContext : JsonSerializerContext
{
}
