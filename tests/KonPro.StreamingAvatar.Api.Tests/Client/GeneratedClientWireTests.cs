using System.Text.Json;
using KonPro.Streaming.Api.Frames;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace KonPro.Streaming.Api.Tests.Client;

/// <summary>The generated client over real HTTP on loopback, against plain WireMock stubs.</summary>
public sealed class GeneratedClientWireTests : IDisposable
{
    private readonly WireMockServer _server = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
    private readonly HttpClient _http = new();
    private readonly KonProApiClient _client;

    public GeneratedClientWireTests()
    {
        _client = new KonProApiClient(_http) { BaseUrl = _server.Url! };
    }

    [Fact]
    public async Task New_session_posts_snake_case_JSON_without_null_fields_and_reads_the_envelope()
    {
        _server.Given(Request.Create().WithPath("/v1/streaming/new").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(
                """{"code":100,"message":"success","data":{"session_id":"s-1","access_token":"lk","url":"wss://room","is_paid":true,"session_duration_limit":600,"sdp":null,"ice_servers":null,"ice_servers2":null,"extra":"ignored"}}"""));

        var response = await _client.NewSessionAsync(new NewSessionRequest
        {
            AvatarId = "anna",
            Quality = AvatarQuality.High,
            Voice = new VoiceSetting { Rate = 1.2, Emotion = VoiceEmotion.Friendly },
            VideoEncoding = VideoEncoding.H264,
            SttSettings = new SttSettings { Provider = SttProvider.AssemblyAi },
        });

        response.Code.Should().Be(100);
        response.Data.SessionId.Should().Be("s-1");
        response.Data.SessionDurationLimit.Should().Be(600);
        var sent = JsonDocument.Parse(_server.LogEntries.Single().RequestMessage!.Body!).RootElement;
        sent.GetProperty("avatar_id").GetString().Should().Be("anna");
        sent.GetProperty("quality").GetString().Should().Be("high");
        sent.GetProperty("voice").GetProperty("emotion").GetString().Should().Be("friendly");
        sent.GetProperty("voice").GetProperty("rate").GetDouble().Should().Be(1.2);
        sent.GetProperty("video_encoding").GetString().Should().Be("H264");
        sent.GetProperty("stt_settings").GetProperty("provider").GetString().Should().Be("assembly_ai");
        sent.TryGetProperty("knowledge_base_id", out _).Should().BeFalse("absent optional fields take the server's default");
        sent.GetProperty("voice").TryGetProperty("voice_id", out _).Should().BeFalse();
    }

    [Fact]
    public async Task A_client_made_with_an_http_client_that_has_a_base_address_calls_that_address()
    {
        _server.Given(Request.Create().WithPath("/v1/streaming/keep_alive").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"code":100,"message":"success","data":{"status":"success"}}"""));
        using var http = new HttpClient { BaseAddress = new Uri(_server.Url!) };

        var response = await new KonProApiClient(http).KeepAliveAsync(new SessionIdRequest { SessionId = "s-1" });

        response.Code.Should().Be(100);
        _server.LogEntries.Should().ContainSingle(e => e.RequestMessage!.Path == "/v1/streaming/keep_alive");
    }

    [Theory]
    [InlineData("100", 100)]
    [InlineData("\"SUCCESS\"", 100)]
    [InlineData("\"100\"", 100)]
    [InlineData("400112", 400112)]
    [InlineData("\"FAILED\"", 0)]
    public async Task The_envelope_code_is_read_as_a_number_or_a_string(string code, int expected)
    {
        _server.Given(Request.Create().WithPath("/v1/streaming/keep_alive").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("{\"code\":" + code + ",\"message\":\"m\",\"data\":{\"status\":\"success\"}}"));

        var response = await _client.KeepAliveAsync(new SessionIdRequest { SessionId = "s-1" });

        response.Code.Should().Be(expected);
    }

    [Fact]
    public async Task A_non_success_status_throws_ApiException_with_status_headers_and_body()
    {
        const string body = """{"error":{"code":"RATE_LIMIT_EXCEEDED","message":"rate limit exceeded","details":null},"request_id":"req-1"}""";
        _server.Given(Request.Create().WithPath("/v1/streaming/task").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Content-Type", "application/json")
                .WithHeader("Retry-After", "7").WithBody(body));

        var act = () => _client.SendTaskAsync(new TaskRequest { SessionId = "s-1", Text = "hi", TaskType = TaskType.Repeat, TaskMode = TaskMode.Async });

        var thrown = (await act.Should().ThrowAsync<ApiException<ErrorResponse>>()).Which;
        thrown.StatusCode.Should().Be(429);
        thrown.Headers["Retry-After"].Should().Equal("7");
        thrown.Response.Should().Be(body);
        thrown.Result.Error.Code.Should().Be("RATE_LIMIT_EXCEEDED");
        thrown.Result.RequestId.Should().Be("req-1");
    }

    [Fact]
    public async Task Path_and_query_parameters_go_on_the_wire()
    {
        _server.Given(Request.Create().WithPath("/v1/streaming/sessions/history").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"code":100,"message":"success","data":[],"total":0,"page":2,"page_size":5,"next_pagination_token":null}"""));
        _server.Given(Request.Create().WithPath("/v1/streaming/knowledge_base/kb-1").UsingDelete())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"code":100,"message":"success","data":{"knowledge_base_id":"kb-1","status":"deleted"}}"""));

        var page = await _client.ListSessionHistoryAsync(page: 2, pageSize: 5, status: SessionStatus.Closed, token: "cursor-5");
        var deleted = await _client.DeleteKnowledgeBaseAsync("kb-1");

        page.Page.Should().Be(2);
        deleted.Data.Status.Should().Be("deleted");
        var query = _server.LogEntries.First().RequestMessage!.Query!;
        query["page"].Should().Equal("2");
        query["page_size"].Should().Equal("5");
        query["status"].Should().Equal("closed");
        query["token"].Should().Equal("cursor-5");
    }

    [Fact]
    public void The_pipecat_frames_round_trip_through_real_protobuf_encoding()
    {
        var frame = new Frame { Audio = new AudioRawFrame { Id = 7, Name = "audio", Audio = Google.Protobuf.ByteString.CopyFrom(new byte[1024]), SampleRate = 16000, NumChannels = 1 } };

        var bytes = Google.Protobuf.MessageExtensions.ToByteArray(frame);
        var decoded = Frame.Parser.ParseFrom(bytes);

        decoded.FrameCase.Should().Be(Frame.FrameOneofCase.Audio);
        decoded.Audio.SampleRate.Should().Be(16000u);
        decoded.Audio.Audio.Length.Should().Be(1024);
        bytes[0].Should().Be(0x12, "field 2 (audio) with wire type 2 (length-delimited)");
    }

    public void Dispose()
    {
        _http.Dispose();
        _server.Stop();
        _server.Dispose();
    }
}
