using KonPro.Streaming.Realtime;

namespace KonPro.Streaming.Tests.Realtime;

public sealed class ChatSocketOptionsTests
{
    private static ChatSocketOptions Options(string baseUri, bool liveKit = false) => new()
    {
        BaseUri = new Uri(baseUri),
        SessionId = "sess 1",
        SessionToken = "tok+en/secret=",
        SilenceResponse = true,
        PushToTalk = false,
        LiveKitTransport = liveKit,
    };

    [Theory]
    [InlineData("http://127.0.0.1:5000", "ws://127.0.0.1:5000/v1/ws/streaming.chat")]
    [InlineData("https://api.konpro.ai", "wss://api.konpro.ai/v1/ws/streaming.chat")]
    [InlineData("https://api.konpro.ai/", "wss://api.konpro.ai/v1/ws/streaming.chat")]
    [InlineData("https://gateway.example/konpro/", "wss://gateway.example/konpro/v1/ws/streaming.chat")]
    [InlineData("wss://api.konpro.ai", "wss://api.konpro.ai/v1/ws/streaming.chat")]
    public void The_url_follows_the_base_url_scheme_and_path(string baseUri, string expectedPrefix)
    {
        var uri = Options(baseUri).BuildUri();

        uri.GetLeftPart(UriPartial.Path).Should().Be(expectedPrefix);
        uri.Query.Should().Be("?session_id=sess%201&session_token=tok%2Ben%2Fsecret%3D&silence_response=true&push_to_talk=false");
    }

    [Fact]
    public void The_livekit_transport_adds_arch_version_v2()
    {
        Options("https://api.konpro.ai", liveKit: true).BuildUri().Query.Should().EndWith("&arch_version=v2");
        Options("https://api.konpro.ai").BuildUri().Query.Should().NotContain("arch_version");
    }

    [Fact]
    public void The_token_is_redacted_in_the_logged_url_and_in_ToString()
    {
        var options = Options("https://api.konpro.ai");

        options.RedactedUri().Should().Contain("session_token=***").And.NotContain("tok+en").And.NotContain("tok%2Ben");
        options.ToString().Should().Contain("session_token=***").And.NotContain("secret");
    }

    [Fact]
    public void Validation_names_the_field()
    {
        var ok = Options("https://api.konpro.ai");

        FluentActions.Invoking(() => (ok with { SessionToken = " " }).Validate())
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("SessionToken");
        FluentActions.Invoking(() => (ok with { SessionId = "" }).Validate())
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("SessionId");
        FluentActions.Invoking(() => (ok with { BaseUri = new Uri("ftp://x") }).Validate())
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("BaseUri");
        FluentActions.Invoking(() => (ok with { MaxMessageBytes = 10 }).Validate())
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("MaxMessageBytes");
        FluentActions.Invoking(() => (ok with { ReconnectPolicy = new ReconnectPolicy { MaxAttempts = 0 } }).Validate())
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("MaxAttempts");
        FluentActions.Invoking(ok.Validate).Should().NotThrow();
    }
}
