namespace KonPro.Streaming.Testing;

/// <summary>The operation ids of openapi/konpro-streaming.yaml, as the journal and the faults name them.</summary>
public static class KonProOperationIds
{
    /// <summary><c>POST /v1/streaming/create_token</c>.</summary>
    public const string CreateToken = Api.KonProOperations.CreateToken;

    /// <summary><c>POST /v1/streaming/new</c>.</summary>
    public const string NewSession = Api.KonProOperations.NewSession;

    /// <summary><c>POST /v1/streaming/start</c>.</summary>
    public const string StartSession = Api.KonProOperations.StartSession;

    /// <summary><c>POST /v1/streaming/task</c>.</summary>
    public const string SendTask = Api.KonProOperations.SendTask;

    /// <summary><c>POST /v1/streaming/interrupt</c>.</summary>
    public const string InterruptTask = Api.KonProOperations.InterruptTask;

    /// <summary><c>POST /v1/streaming/start_listening</c>.</summary>
    public const string StartListening = Api.KonProOperations.StartListening;

    /// <summary><c>POST /v1/streaming/stop_listening</c>.</summary>
    public const string StopListening = Api.KonProOperations.StopListening;

    /// <summary><c>POST /v1/streaming/keep_alive</c>.</summary>
    public const string KeepAlive = Api.KonProOperations.KeepAlive;

    /// <summary><c>POST /v1/streaming/stop</c>.</summary>
    public const string StopSession = Api.KonProOperations.StopSession;

    /// <summary><c>GET /v1/streaming/sessions</c>.</summary>
    public const string ListSessions = Api.KonProOperations.ListSessions;

    /// <summary><c>GET /v1/streaming/sessions/history</c>.</summary>
    public const string ListSessionHistory = Api.KonProOperations.ListSessionHistory;

    /// <summary><c>GET /v1/streaming/avatars</c>.</summary>
    public const string ListAvatars = Api.KonProOperations.ListAvatars;

    /// <summary><c>GET /v1/streaming/knowledge_base/list</c>.</summary>
    public const string ListKnowledgeBases = Api.KonProOperations.ListKnowledgeBases;

    /// <summary><c>POST /v1/streaming/knowledge_base/create</c>.</summary>
    public const string CreateKnowledgeBase = Api.KonProOperations.CreateKnowledgeBase;

    /// <summary><c>POST /v1/streaming/knowledge_base/{id}/update</c>.</summary>
    public const string UpdateKnowledgeBase = Api.KonProOperations.UpdateKnowledgeBase;

    /// <summary><c>DELETE /v1/streaming/knowledge_base/{id}</c>.</summary>
    public const string DeleteKnowledgeBase = Api.KonProOperations.DeleteKnowledgeBase;
}
