namespace KonPro.Streaming.Api;

/// <summary>
/// The operation ids of <c>openapi/konpro-streaming.yaml</c>, one per REST operation, as the spec spells them. A test
/// holds this list and the spec in agreement.
/// Internal: the SDK's and the fake's shared plumbing (ADR 0006); users call the operations by the client's methods and
/// name them in the fake's journal with <c>KonProOperationIds</c>.
/// </summary>
internal static class KonProOperations
{
    /// <summary><c>POST /v1/streaming/create_token</c>.</summary>
    public const string CreateToken = "createToken";

    /// <summary><c>POST /v1/streaming/new</c>.</summary>
    public const string NewSession = "newSession";

    /// <summary><c>POST /v1/streaming/start</c>.</summary>
    public const string StartSession = "startSession";

    /// <summary><c>POST /v1/streaming/task</c>.</summary>
    public const string SendTask = "sendTask";

    /// <summary><c>POST /v1/streaming/interrupt</c>.</summary>
    public const string InterruptTask = "interruptTask";

    /// <summary><c>POST /v1/streaming/start_listening</c>.</summary>
    public const string StartListening = "startListening";

    /// <summary><c>POST /v1/streaming/stop_listening</c>.</summary>
    public const string StopListening = "stopListening";

    /// <summary><c>POST /v1/streaming/keep_alive</c>.</summary>
    public const string KeepAlive = "keepAlive";

    /// <summary><c>POST /v1/streaming/stop</c>.</summary>
    public const string StopSession = "stopSession";

    /// <summary><c>GET /v1/streaming/sessions</c>.</summary>
    public const string ListSessions = "listSessions";

    /// <summary><c>GET /v1/streaming/sessions/history</c>.</summary>
    public const string ListSessionHistory = "listSessionHistory";

    /// <summary><c>GET /v1/streaming/avatars</c>.</summary>
    public const string ListAvatars = "listAvatars";

    /// <summary><c>GET /v1/streaming/knowledge_base/list</c>.</summary>
    public const string ListKnowledgeBases = "listKnowledgeBases";

    /// <summary><c>POST /v1/streaming/knowledge_base/create</c>.</summary>
    public const string CreateKnowledgeBase = "createKnowledgeBase";

    /// <summary><c>POST /v1/streaming/knowledge_base/{id}/update</c>.</summary>
    public const string UpdateKnowledgeBase = "updateKnowledgeBase";

    /// <summary><c>DELETE /v1/streaming/knowledge_base/{id}</c>.</summary>
    public const string DeleteKnowledgeBase = "deleteKnowledgeBase";
}
