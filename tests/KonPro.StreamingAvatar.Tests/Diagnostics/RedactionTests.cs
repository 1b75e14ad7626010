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
    public void Config_needs_exactly_one_credential_and_an_http_base()
    {
        ((Action)(() => new StreamingAvatarApiConfig().GetCredential())).Should().Throw<ArgumentException>();
        ((Action)(() => new StreamingAvatarApiConfig { Token = "t", ApiKey = "k" }.GetCredential())).Should().Throw<ArgumentException>();
        ((Action)(() => new StreamingAvatarApiConfig { Token = "t", BasePath = "ftp://x" }.GetBaseUri())).Should().Throw<ArgumentException>();
        new StreamingAvatarApiConfig { Token = "t" }.GetCredential().IsApiKey.Should().BeFalse();
        new StreamingAvatarApiConfig { ApiKey = "k" }.GetCredential().IsApiKey.Should().BeTrue();
    }
}
