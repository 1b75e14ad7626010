using System.Text.Json;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace KonPro.Streaming.Api.Tests.Client;

/// <summary>
/// Bodies with nested objects (the envelope's <c>data</c>, a request's <c>voice</c>): each nested object is read and
/// written by its type's converter on a serializer state of its own (src/Custom/Api/FreshStackConverter.cs), with the same fields, extra fields,
/// required fields and nulls as before, and without the nested frames' allocation.
/// </summary>
public sealed class NestedBodyTests : IDisposable
{
    private const string KeepAliveAnswer = """{"code":100,"message":"success","data":{"status":"ok"}}""";

    private readonly WireMockServer _server = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
    private readonly HttpClient _http = new();
    private readonly SettingsProbe _client;

    public NestedBodyTests()
    {
        _client = new SettingsProbe(_http) { BaseUrl = _server.Url! };
    }

    [Fact]
    public async Task Extra_fields_of_nested_objects_travel_both_ways_and_an_empty_extra_set_writes_nothing()
    {
        _server.Given(Request.Create().WithPath("/v1/streaming/new").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(
                """{"code":100,"message":"success","data":{"session_id":"s-1","access_token":"lk","url":"wss://room","session_duration_limit":600,"extra":"kept"}}"""));
        var voice = new VoiceSetting { Rate = 1.5 };
        voice.AdditionalProperties["pitch"] = 2;

        var response = await _client.NewSessionAsync(new NewSessionRequest { AvatarId = "anna", Voice = voice });

        response.Data.SessionId.Should().Be("s-1");
        response.Data.AdditionalProperties["extra"].Should().BeOfType<JsonElement>().Which.GetString().Should().Be("kept");
        var sent = JsonDocument.Parse(_server.LogEntries.Single().RequestMessage!.Body!).RootElement;
        sent.GetProperty("voice").GetProperty("rate").GetDouble().Should().Be(1.5);
        sent.GetProperty("voice").GetProperty("pitch").GetInt32().Should().Be(2);
        sent.EnumerateObject().Select(p => p.Name).Should().Equal("avatar_id", "voice");
        var headers = _server.LogEntries.Single().RequestMessage!.Headers!;
        headers["Content-Type"].Should().Equal("application/json");
        headers["Accept"].Should().Equal("application/json");
    }

    [Theory]
    [InlineData("""{"code":100,"message":"success","data":{}}""")]
    [InlineData("""{"code":100,"message":"success","data":{"status":null}}""")]
    [InlineData("""{"code":100,"message":"success","data":null}""")]
    [InlineData("{\"code\":100,\"message\":\"success\",\"data\":{\"status\":\"ok\"")]
    public async Task An_incomplete_nested_object_is_an_ApiException(string body)
    {
        _server.Given(Request.Create().WithPath("/v1/streaming/keep_alive").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(body));

        var act = () => _client.KeepAliveAsync(new SessionIdRequest { SessionId = "s-1" });

        (await act.Should().ThrowAsync<ApiException>()).Which.Response.Should().Be(body);
    }

    [Fact]
    public async Task A_nested_object_before_other_fields_leaves_the_reader_at_the_next_field()
    {
        _server.Given(Request.Create().WithPath("/v1/streaming/task").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(
                """{"data":{"duration_ms":1200,"task_id":"t-1","later":{"deep":[1,{"x":2}]}},"message":"success","code":100,"after":true}"""));

        var response = await _client.SendTaskAsync(new TaskRequest { SessionId = "s-1", Text = "Hi." });

        response.Code.Should().Be(100);
        response.Message.Should().Be("success");
        response.Data.TaskId.Should().Be("t-1");
        response.Data.DurationMs.Should().Be(1200);
        response.Data.AdditionalProperties["later"].Should().BeOfType<JsonElement>().Which.GetProperty("deep")[1].GetProperty("x").GetInt32().Should().Be(2);
        response.AdditionalProperties["after"].Should().BeOfType<JsonElement>().Which.GetBoolean().Should().BeTrue();
    }

    [Fact]
    public void Reading_an_envelope_allocates_its_objects_and_little_else()
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(KeepAliveAnswer);
        var typeInfo = _client.Settings.GetTypeInfo(typeof(StatusResponse));

        var perCall = AllocatedPerCall(() => JsonSerializer.Deserialize(bytes, typeInfo));

        // The envelope, its data, two strings and the required-field tracking: about 300 bytes. The array of nested
        // read frames that a nested object used to cost was about 450 bytes more.
        perCall.Should().BeLessThan(400);
    }

    [Fact]
    public void Writing_a_new_body_with_no_extra_fields_allocates_only_the_body_and_its_bytes()
    {
        var typeInfo = _client.Settings.GetTypeInfo(typeof(SessionIdRequest));

        var perCall = AllocatedPerCall(() => JsonSerializer.SerializeToUtf8Bytes(new SessionIdRequest { SessionId = "s-1" }, typeInfo));

        // The body (32 bytes) and the 22-byte array (48); an empty extra-field set used to cost a dictionary (80) when
        // first read and an array of nested write frames (about 250).
        perCall.Should().BeLessThan(120);
    }

    public void Dispose()
    {
        _http.Dispose();
        _server.Stop();
        _server.Dispose();
    }

    private static double AllocatedPerCall(Func<object?> call)
    {
        for (var i = 0; i < 100; i++)
        {
            call().Should().NotBeNull();
        }

        const int Calls = 1000;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Calls; i++)
        {
            call();
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Calls;
    }

    /// <summary>The generated client, with its serializer settings in reach of the tests.</summary>
    private sealed class SettingsProbe(HttpClient http) : KonProApiClient(http)
    {
        public JsonSerializerOptions Settings => JsonSerializerSettings;
    }
}
