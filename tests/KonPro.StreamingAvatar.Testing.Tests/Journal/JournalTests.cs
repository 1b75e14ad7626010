using System.Net;
using KonPro.Streaming.Testing.Tests.Support;

namespace KonPro.Streaming.Testing.Tests.Journal;

public sealed class JournalTests
{
    [Fact]
    public async Task Every_rest_call_is_journaled_with_operation_route_credential_session_body_status_and_answer()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        await api.PostAsync("/v1/streaming/task", new { session_id = sessionId, text = "" }, Credential.Bearer(token));

        var calls = server.Journal.RestCalls;

        calls.Select(c => c.OperationId).Should().Equal(KonProOperationIds.CreateToken, KonProOperationIds.NewSession, KonProOperationIds.StartSession, KonProOperationIds.SendTask);
        calls[0].Credential.Should().Be(CredentialKind.ApiKey);
        calls[1].Credential.Should().Be(CredentialKind.SessionToken);
        calls[2].SessionId.Should().Be(sessionId);
        calls[2].Route.Should().Be("/v1/streaming/start");
        calls[2].Method.Should().Be("POST");
        calls[3].Status.Should().Be(400);
        calls[3].RequestBody.Should().Contain("\"text\":\"\"");
        calls[3].ResponseBody.Should().Contain("VALIDATION_ERROR");
        server.WireMock.LogEntries.Should().HaveCountGreaterThanOrEqualTo(4);
    }

    [Fact]
    public async Task Chat_frames_are_journaled_decoded_and_the_journal_can_be_cleared()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        await using var chat = await ChatClient.ConnectAsync(server, sessionId, token);
        await chat.SendFrameAsync(new Api.Frames.Frame { Transcription = new Api.Frames.TranscriptionFrame { Text = "from the client", UserId = "u1" } });
        await chat.WaitForAsync("user_talking_message");

        var frame = server.Journal.ChatFrames.Should().ContainSingle().Subject;
        frame.Kind.Should().Be(ChatFrameKind.Transcription);
        frame.Frame!.Transcription.UserId.Should().Be("u1");
        frame.SessionId.Should().Be(sessionId);

        server.Journal.Clear();
        server.Journal.RestCalls.Should().BeEmpty();
        server.Journal.ChatFrames.Should().BeEmpty();
    }

    [Fact]
    public async Task The_session_inspection_shows_listening_and_sockets()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync(new { knowledge_base_id = "kb-support" });
        await api.PostAsync("/v1/streaming/start_listening", new { session_id = sessionId }, Credential.Bearer(token));
        await using var chat = await ChatClient.ConnectAsync(server, sessionId, token);
        await Chat.ChatSocketTests.WaitForSocketAsync(server, sessionId, 1);

        var session = server.GetSession(sessionId)!;

        session.IsListening.Should().BeTrue();
        session.OpenSockets.Should().Be(1);
        session.Status.Should().Be(Api.SessionStatus.Connected);
        session.KnowledgeBaseId.Should().Be("kb-support");
        server.GetSession("unknown").Should().BeNull();
        server.Sessions.Should().ContainSingle(s => s.SessionId == sessionId);
    }
}
