using System.Net;
using System.Text.Json;
using KonPro.Streaming.Testing.Tests.Support;
using Microsoft.OpenApi.Models;
using Microsoft.OpenApi.Readers;

namespace KonPro.Streaming.Testing.Tests.Contract;

/// <summary>
/// Sends every operation's success and error cases to the fake and validates each answer against the response
/// schema the spec gives for that status.
/// </summary>
public sealed class SpecContractTests
{
    private static readonly Lazy<OpenApiDocument> Spec = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "openapi", "konpro-streaming.yaml");
        using var stream = File.OpenRead(path);
        var document = new OpenApiStreamReader().Read(stream, out var diagnostic);
        diagnostic.Errors.Should().BeEmpty();
        return document;
    });

    [Fact]
    public async Task Every_operation_answers_its_success_and_error_cases_as_the_spec_says()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var covered = new HashSet<(string Operation, bool Success)>();
        var failures = new List<string>();

        async Task<ApiAnswer> Check(string operationId, HttpMethod method, string path, object? body, Credential? credential, HttpStatusCode expected)
        {
            var json = body is null ? null : body as string ?? JsonSerializer.Serialize(body);
            var answer = await api.SendAsync(method, path, json, credential);
            if (answer.Status != expected)
            {
                failures.Add($"{operationId} {path}: expected {(int)expected}, got {(int)answer.Status} {answer.Text}");
                return answer;
            }

            var schema = ResponseSchema(operationId, (int)expected);
            failures.AddRange(SchemaValidator.Validate(schema, answer.Body).Select(e => $"{operationId} {(int)expected}: {e}"));
            if ((int)expected < 300)
            {
                failures.AddRange(SchemaValidator.MissingDocumented(schema, answer.Body).Select(e => $"{operationId} {(int)expected}: {e} is documented but absent"));
            }

            covered.Add((operationId, (int)expected < 300));
            return answer;
        }

        var key = Credential.Key(server.ApiKey);
        var noAuth = Credential.None;
        var post = HttpMethod.Post;
        var get = HttpMethod.Get;

        var tokenAnswer = await Check("createToken", post, "/v1/streaming/create_token", new { }, key, HttpStatusCode.OK);
        await Check("createToken", post, "/v1/streaming/create_token", new { }, noAuth, HttpStatusCode.Unauthorized);
        var bearer = Credential.Bearer(tokenAnswer.Data.GetProperty("token").GetString()!);

        var created = await Check("newSession", post, "/v1/streaming/new", new { avatar_id = "default", quality = "high", voice = new { rate = 1.2 }, language = "en" }, bearer, HttpStatusCode.OK);
        var sid = created.Data.GetProperty("session_id").GetString()!;
        await Check("newSession", post, "/v1/streaming/new", new { voice = new { rate = 9 } }, key, HttpStatusCode.BadRequest);
        await Check("newSession", post, "/v1/streaming/new", new { }, bearer, HttpStatusCode.Unauthorized);
        await Check("newSession", post, "/v1/streaming/new", new { avatar_id = "ghost" }, key, HttpStatusCode.NotFound);

        await Check("startSession", post, "/v1/streaming/start", new { session_id = sid }, bearer, HttpStatusCode.OK);
        await Check("startSession", post, "/v1/streaming/start", new { session_id = sid }, bearer, HttpStatusCode.BadRequest);
        await Check("startSession", post, "/v1/streaming/start", new { session_id = "ghost" }, key, HttpStatusCode.NotFound);

        await Check("sendTask", post, "/v1/streaming/task", new { session_id = sid, text = "Hello there", task_mode = "async" }, bearer, HttpStatusCode.OK);
        await Check("sendTask", post, "/v1/streaming/task", new { session_id = sid, text = "Hello there", task_type = "talk" }, bearer, HttpStatusCode.OK);
        await Check("sendTask", post, "/v1/streaming/task", new { session_id = sid, text = "" }, bearer, HttpStatusCode.BadRequest);
        await Check("sendTask", post, "/v1/streaming/task", new { session_id = sid, text = "hi" }, Credential.Bearer("st_nope"), HttpStatusCode.Unauthorized);

        foreach (var (operation, route) in new[] { ("interruptTask", "interrupt"), ("startListening", "start_listening"), ("stopListening", "stop_listening"), ("keepAlive", "keep_alive") })
        {
            await Check(operation, post, $"/v1/streaming/{route}", new { session_id = sid }, bearer, HttpStatusCode.OK);
            await Check(operation, post, $"/v1/streaming/{route}", new { session_id = "ghost" }, key, HttpStatusCode.NotFound);
            await Check(operation, post, $"/v1/streaming/{route}", new { }, bearer, HttpStatusCode.BadRequest);
        }

        var other = await api.NewSessionAsync();
        await Check("keepAlive", post, "/v1/streaming/keep_alive", new { session_id = sid }, Credential.Bearer(other.Token), HttpStatusCode.Forbidden);

        await Check("listSessions", get, "/v1/streaming/sessions", null, key, HttpStatusCode.OK);
        await Check("listSessions", get, "/v1/streaming/sessions", null, bearer, HttpStatusCode.Forbidden);
        await Check("listSessionHistory", get, "/v1/streaming/sessions/history?page=1&page_size=1", null, key, HttpStatusCode.OK);
        await Check("listSessionHistory", get, "/v1/streaming/sessions/history?page_size=500", null, key, HttpStatusCode.BadRequest);
        await Check("listAvatars", get, "/v1/streaming/avatars", null, key, HttpStatusCode.OK);
        await Check("listAvatars", get, "/v1/streaming/avatars", null, noAuth, HttpStatusCode.Unauthorized);
        await Check("listKnowledgeBases", get, "/v1/streaming/knowledge_base/list", null, key, HttpStatusCode.OK);
        await Check("listKnowledgeBases", get, "/v1/streaming/knowledge_base/list", null, Credential.Key("bad"), HttpStatusCode.Unauthorized);

        var kb = await Check("createKnowledgeBase", post, "/v1/streaming/knowledge_base/create", new { name = "Contract", opening = "Hi", prompt = "Be brief." }, key, HttpStatusCode.OK);
        var kbId = kb.Data.GetProperty("knowledge_base_id").GetString()!;
        await Check("createKnowledgeBase", post, "/v1/streaming/knowledge_base/create", new { name = "Contract" }, key, HttpStatusCode.BadRequest);
        await Check("updateKnowledgeBase", post, $"/v1/streaming/knowledge_base/{kbId}/update", new { name = "Contract 2" }, key, HttpStatusCode.OK);
        await Check("updateKnowledgeBase", post, "/v1/streaming/knowledge_base/kb-ghost/update", new { name = "x" }, key, HttpStatusCode.NotFound);
        await Check("updateKnowledgeBase", post, $"/v1/streaming/knowledge_base/{kbId}/update", new { name = "" }, key, HttpStatusCode.BadRequest);
        await Check("deleteKnowledgeBase", HttpMethod.Delete, $"/v1/streaming/knowledge_base/{kbId}", null, key, HttpStatusCode.OK);
        await Check("deleteKnowledgeBase", HttpMethod.Delete, $"/v1/streaming/knowledge_base/{kbId}", null, key, HttpStatusCode.NotFound);

        await Check("stopSession", post, "/v1/streaming/stop", new { session_id = sid }, bearer, HttpStatusCode.OK);
        await Check("stopSession", post, "/v1/streaming/stop", new { session_id = sid }, bearer, HttpStatusCode.OK);
        await Check("stopSession", post, "/v1/streaming/stop", new { session_id = "ghost" }, key, HttpStatusCode.NotFound);
        await Check("sendTask", post, "/v1/streaming/task", new { session_id = sid, text = "late" }, bearer, HttpStatusCode.BadRequest);

        server.Faults.FailNext(KonProOperationIds.ListAvatars, 1, FaultAnswer.Error(503, "SERVICE_UNAVAILABLE", "service unavailable", 1));
        await Check("listAvatars", get, "/v1/streaming/avatars", null, key, HttpStatusCode.ServiceUnavailable);
        server.Faults.FailNext(KonProOperationIds.CreateToken, 1, FaultAnswer.Error(500, "PROCESSING_ERROR", "internal error"));
        await Check("createToken", post, "/v1/streaming/create_token", new { }, key, HttpStatusCode.InternalServerError);

        failures.Should().BeEmpty(string.Join(Environment.NewLine, failures));
        var operations = Spec.Value.Paths.SelectMany(p => p.Value.Operations.Values).Select(o => o.OperationId).ToList();
        operations.Should().HaveCount(16);
        covered.Where(c => c.Success).Select(c => c.Operation).Should().BeEquivalentTo(operations);
        covered.Where(c => !c.Success).Select(c => c.Operation).Should().BeEquivalentTo(operations);
    }

    [Fact]
    public async Task The_concurrency_and_rate_limit_answers_match_the_spec()
    {
        await using var server = await Servers.StartAsync(o => o.MaxConcurrentSessions = 1);
        using var api = new ApiClient(server);
        await api.NewSessionAsync(start: false);

        var refused = await api.PostAsync("/v1/streaming/new", new { });

        refused.Status.Should().Be(HttpStatusCode.TooManyRequests);
        SchemaValidator.Validate(ResponseSchema("newSession", 429), refused.Body).Should().BeEmpty();
    }

    [Fact]
    public void The_validator_rejects_answers_that_break_the_schema()
    {
        var schema = ResponseSchema("newSession", 200);
        using var wrongType = JsonDocument.Parse("""{"code":100,"message":"success","data":{"session_id":5,"access_token":"a","url":"u","session_duration_limit":0}}""");
        using var missing = JsonDocument.Parse("""{"code":100,"message":"success"}""");
        using var badEnum = JsonDocument.Parse("""{"code":100,"message":"success","data":{"sessions":[{"session_id":"s","status":"Connected","created_at":1}]}}""");
        using var nullNotAllowed = JsonDocument.Parse("""{"error":null}""");

        SchemaValidator.Validate(schema, wrongType.RootElement).Should().Contain(e => e.Contains("session_id")).And.Contain(e => e.Contains("minimum"));
        SchemaValidator.Validate(schema, missing.RootElement).Should().ContainSingle(e => e.Contains("data"));
        SchemaValidator.Validate(ResponseSchema("listSessions", 200), badEnum.RootElement).Should().ContainSingle(e => e.Contains("Connected"));
        SchemaValidator.Validate(ResponseSchema("listAvatars", 401), nullNotAllowed.RootElement).Should().ContainSingle(e => e.Contains("null"));
    }

    private static OpenApiSchema ResponseSchema(string operationId, int status)
    {
        var operation = Spec.Value.Paths.SelectMany(p => p.Value.Operations.Values).Single(o => o.OperationId == operationId);
        var response = operation.Responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        return response.Content["application/json"].Schema;
    }
}
