namespace KonPro.Streaming.Tests.Diagnostics;

public sealed class RedactionTests
{
    [Fact]
    public void Known_secrets_and_token_query_parameters_are_masked()
    {
        var redactor = new SecretRedactor();
        redactor.Add("sk-123");

        var text = redactor.Redact("key sk-123 at ws://h/v1/ws/streaming.chat?session_id=s&session_token=abc.def&push_to_talk=false");

        text.Should().NotContain("sk-123").And.NotContain("abc.def");
        text.Should().Contain("session_id=s").And.Contain("session_token=***").And.Contain("push_to_talk=false");
    }

    [Fact]
    public void Config_options_and_responses_never_show_secrets()
    {
        var config = new StreamingAvatarApiConfig { Token = "tok-1", ApiKey = "key-1" };
        var options = new KonProAdminClientOptions();
        var response = new StartAvatarResponse("s", "room-token", "wss://lk");
        var livekit = new LiveKitSettings { Token = "lk-3" };
        var room = new AvatarRoomConnectRequest("s", "wss://lk", "room-token-4");

        config.ToString().Should().NotContain("tok-1").And.NotContain("key-1");

        response.ToString().Should().NotContain("room-token");
        livekit.ToString().Should().NotContain("lk-3");
        room.ToString().Should().NotContain("room-token-4");
        KonProCredential.ApiKey("key-5").ToString().Should().NotContain("key-5");
    }

    [Fact]
    public void Room_credentials_for_a_browser_never_show_the_token_but_serialize_it_for_the_browser()
    {
        var credentials = new RoomCredentials("wss://lk.example", "user-room-token-6");
        var response = new StartAvatarResponse("s", "user-room-token-7", "wss://lk") { AgentAccessToken = "agent-room-token-8" };
        var agentRequest = new AvatarRoomConnectRequest("s", "wss://lk", "agent-room-token-9") { Role = RoomParticipantRole.Agent };

        credentials.ToString().Should().Be("RoomCredentials { Url = wss://lk.example, Token = *** }");
        response.ToString().Should().NotContain("user-room-token-7").And.NotContain("agent-room-token-8");
        response.UserRoomCredentials.ToString().Should().NotContain("user-room-token-7");
        response.AgentRoomCredentials!.ToString().Should().NotContain("agent-room-token-8");
        agentRequest.ToString().Should().NotContain("agent-room-token-9").And.Contain("Role = Agent");
        System.Text.Json.JsonSerializer.Serialize(credentials, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))
            .Should().Be("""{"url":"wss://lk.example","token":"user-room-token-6"}""");
        new StartAvatarResponse("s", "t", "wss://lk").AgentRoomCredentials.Should().BeNull("the service sent no agent token");
    }

    [Fact]
    public void Config_needs_exactly_one_credential_and_an_http_base()
    {
        ((Action)(() => new StreamingAvatarApiConfig().GetCredential())).Should().Throw<ArgumentException>();
        ((Action)(() => new StreamingAvatarApiConfig { Token = "t", ApiKey = "k" }.GetCredential())).Should().Throw<ArgumentException>();
        ((Action)(() => new StreamingAvatarApiConfig { Token = "t", BasePath = "ftp://x" }.GetBaseUri())).Should().Throw<ArgumentException>();
        new StreamingAvatarApiConfig { Token = "t" }.GetCredential().IsApiKey.Should().BeFalse();
        new StreamingAvatarApiConfig { ApiKey = "k" }.GetCredential().IsApiKey.Should().BeTrue();
    }
}
