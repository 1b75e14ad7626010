using WireMock;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace KonPro.Streaming.Testing.Rest;

/// <summary>
/// The WireMock mappings of every REST operation, on KonPro's routes and the older dotted aliases: one mapping per
/// operation, its paths matched by a <see cref="RoutePathMatcher"/> (WireMock tries every mapping on every request).
/// </summary>
internal static class RestRoutes
{
    public static void Map(WireMockServer server, RestPipeline pipeline, SessionEndpoints sessions, AccountEndpoints account)
    {
        Post(server, pipeline, KonProOperationIds.CreateToken, Access.ApiKeyOnly, sessions.CreateTokenAsync, "/v1/streaming/create_token", "/v1/streaming.create_token");
        Post(server, pipeline, KonProOperationIds.NewSession, Access.ApiKeyOrSessionToken, sessions.NewAsync, "/v1/streaming/new", "/v1/streaming.new");
        Post(server, pipeline, KonProOperationIds.StartSession, Access.ApiKeyOrSessionToken, sessions.StartAsync, "/v1/streaming/start", "/v1/streaming.start");
        Post(server, pipeline, KonProOperationIds.SendTask, Access.ApiKeyOrSessionToken, sessions.TaskAsync, "/v1/streaming/task", "/v1/streaming.task");
        Post(server, pipeline, KonProOperationIds.InterruptTask, Access.ApiKeyOrSessionToken, sessions.InterruptAsync, "/v1/streaming/interrupt", "/v1/streaming.interrupt");
        Post(server, pipeline, KonProOperationIds.StartListening, Access.ApiKeyOrSessionToken, c => sessions.ListeningAsync(c, true), "/v1/streaming/start_listening", "/v1/streaming.start_listening");
        Post(server, pipeline, KonProOperationIds.StopListening, Access.ApiKeyOrSessionToken, c => sessions.ListeningAsync(c, false), "/v1/streaming/stop_listening", "/v1/streaming.stop_listening");
        Post(server, pipeline, KonProOperationIds.KeepAlive, Access.ApiKeyOrSessionToken, sessions.KeepAliveAsync, "/v1/streaming/keep_alive", "/v1/streaming.keep_alive");
        Post(server, pipeline, KonProOperationIds.StopSession, Access.ApiKeyOrSessionToken, sessions.StopAsync, "/v1/streaming/stop", "/v1/streaming.stop");
        Get(server, pipeline, KonProOperationIds.ListSessions, account.ListSessionsAsync, "/v1/streaming/sessions", "/v1/streaming.list");
        Get(server, pipeline, KonProOperationIds.ListSessionHistory, account.HistoryAsync, "/v1/streaming/sessions/history", "/v2/streaming.list");
        Get(server, pipeline, KonProOperationIds.ListAvatars, account.ListAvatarsAsync, "/v1/streaming/avatars", "/v1/streaming/avatar.list");
        Get(server, pipeline, KonProOperationIds.ListKnowledgeBases, account.ListKnowledgeBasesAsync, "/v1/streaming/knowledge_base/list");
        Post(server, pipeline, KonProOperationIds.CreateKnowledgeBase, Access.ApiKeyOnly, account.CreateKnowledgeBaseAsync, "/v1/streaming/knowledge_base/create");

        Given(server, RoutePathMatcher.Pattern(@"^/v1/streaming/knowledge_base/[^/]+/update$"), r => r.UsingPost())
            .RespondWith(Respond(pipeline, KonProOperationIds.UpdateKnowledgeBase, Access.ApiKeyOnly, account.UpdateKnowledgeBaseAsync));
        Given(server, RoutePathMatcher.Pattern(@"^/v1/streaming/knowledge_base/[^/]+$"), r => r.UsingDelete())
            .RespondWith(Respond(pipeline, KonProOperationIds.DeleteKnowledgeBase, Access.ApiKeyOnly, account.DeleteKnowledgeBaseAsync));

        // Any other path or method under the API answers in KonPro's error envelope rather than WireMock's own 404. It
        // is never gated (RouteGate): it matches every API request, so every request has its full match as before.
        server.Given(Request.Create().Add(RoutePathMatcher.Pattern(@"^/v[0-9]+/")).UsingAnyMethod())
            .AtPriority(UnknownRoutePriority)
            .RespondWith(Respond(pipeline, UnknownOperation, Access.ApiKeyOrSessionToken, call =>
                throw RestError.NotFound($"no such operation: {call.Request.Method} {call.Request.Path}")));
    }

    /// <summary>The journal's operation id of calls to paths that are no operation of the spec.</summary>
    public const string UnknownOperation = "unknown";

    // WireMock tries mappings in ascending priority; the catch-all goes last.
    private const int UnknownRoutePriority = 1_000_000;

    private static void Post(WireMockServer server, RestPipeline pipeline, string operationId, Access access, Func<RestCall, Task<object>> endpoint, params string[] paths) =>
        Given(server, RoutePathMatcher.Exact(paths), r => r.UsingPost()).RespondWith(Respond(pipeline, operationId, access, endpoint));

    private static void Get(WireMockServer server, RestPipeline pipeline, string operationId, Func<RestCall, Task<object>> endpoint, params string[] paths) =>
        Given(server, RoutePathMatcher.Exact(paths), r => r.UsingGet()).RespondWith(Respond(pipeline, operationId, Access.ApiKeyOnly, endpoint));

    /// <summary>A route's mapping: its path matcher, then the method, valid only for requests on its own paths (<see cref="RouteGate"/>).</summary>
    internal static IRespondWithAProvider Given(WireMockServer server, RoutePathMatcher path, Func<IRequestBuilder, IRequestBuilder> method) =>
        server.Given(method(Request.Create().Add(path))).WithTimeSettings(RouteGate.Window(path));

    private static IResponseBuilder Respond(RestPipeline pipeline, string operationId, Access access, Func<RestCall, Task<object>> endpoint) =>
        Response.Create().WithCallback((IRequestMessage request) => pipeline.HandleAsync(operationId, access, request, endpoint));
}
