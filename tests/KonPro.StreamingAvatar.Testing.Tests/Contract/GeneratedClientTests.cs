using KonPro.Streaming.Api;
using KonPro.Streaming.Testing.Tests.Support;

namespace KonPro.Streaming.Testing.Tests.Contract;

/// <summary>The generated REST client (the SDK's wire layer) and the fake agree on every operation.</summary>
public sealed class GeneratedClientTests
{
    [Fact]
    public async Task The_generated_client_drives_every_operation_against_the_fake()
    {
        await using var server = await Servers.StartAsync();
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Add("x-api-key", server.ApiKey);
        var client = new KonProApiClient(http) { BaseUrl = server.Url };

        var token = await client.CreateTokenAsync(new CreateTokenRequest());
        var created = await client.NewSessionAsync(new NewSessionRequest
        {
            Quality = AvatarQuality.High,
            Voice = new VoiceSetting { Rate = 1.2, Emotion = VoiceEmotion.Friendly },
            SttSettings = new SttSettings { Provider = SttProvider.AssemblyAi, Confidence = 0.5 },
            VideoEncoding = VideoEncoding.H264,
            Language = "en",
            ActivityIdleTimeout = 3600,
        });
        var sessionId = created.Data.SessionId;
        var ids = new SessionIdRequest { SessionId = sessionId };
        await client.StartSessionAsync(ids);
        var task = await client.SendTaskAsync(new TaskRequest { SessionId = sessionId, Text = "Hello there", TaskType = TaskType.Chat, TaskMode = TaskMode.Async });
        await client.StartListeningAsync(ids);
        await client.StopListeningAsync(ids);
        await client.KeepAliveAsync(ids);
        await client.InterruptTaskAsync(ids);
        var active = await client.ListSessionsAsync();
        var avatars = await client.ListAvatarsAsync();
        var kb = await client.CreateKnowledgeBaseAsync(new KnowledgeBaseRequest { Name = "Generated", Prompt = "Be kind." });
        await client.UpdateKnowledgeBaseAsync(kb.Data.KnowledgeBaseId, new KnowledgeBaseRequest { Name = "Generated 2" });
        var kbs = await client.ListKnowledgeBasesAsync();
        await client.DeleteKnowledgeBaseAsync(kb.Data.KnowledgeBaseId);
        var stopped = await client.StopSessionAsync(ids);
        var history = await client.ListSessionHistoryAsync(page: 1, pageSize: 5, status: SessionStatus.Closed);

        token.Data.Token.Should().StartWith("st_");
        created.Code.Should().Be(100);
        created.Data.SessionDurationLimit.Should().BeGreaterThan(0);
        task.Data.TaskId.Should().NotBeNullOrEmpty();
        task.Data.DurationMs.Should().BeGreaterThan(0);
        active.Data.Sessions.Should().ContainSingle(s => s.SessionId == sessionId && s.Status == SessionStatus.Connecting);
        avatars.Data.Should().Contain(a => a.AvatarId == "default" && a.Status == AvatarStatus.Active);
        kbs.Data.KnowledgeBases.Should().Contain(k => k.Name == "Generated 2");
        stopped.Data.Status.Should().Be("success");
        history.Data.Should().ContainSingle(h => h.SessionId == sessionId && h.Status == SessionStatus.Closed);
        server.GetSession(sessionId)!.Tasks.Single().TaskType.Should().Be(TaskType.Talk);
    }

    [Fact]
    public async Task Error_answers_reach_the_generated_client_as_api_exceptions()
    {
        await using var server = await Servers.StartAsync();
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Add("x-api-key", server.ApiKey);
        var client = new KonProApiClient(http) { BaseUrl = server.Url };

        var call = () => client.NewSessionAsync(new NewSessionRequest { Voice = new VoiceSetting { Rate = 2 } });

        var error = (await call.Should().ThrowAsync<ApiException<ErrorResponse>>()).Which;
        error.StatusCode.Should().Be(400);
        error.Result.Error.Code.Should().Be("VALIDATION_ERROR");
        error.Result.Error.Details!.Field.Should().Be("voice.rate");
    }
}
