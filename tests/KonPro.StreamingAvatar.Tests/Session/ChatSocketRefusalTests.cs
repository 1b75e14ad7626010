using KonPro.Streaming.Realtime;
using KonPro.Streaming.Session;

namespace KonPro.Streaming.Tests.Session;

/// <summary>A refused chat socket upgrade reaches the caller as the API error its status calls for (the start's own failure is in the lifecycle tests).</summary>
public sealed class ChatSocketRefusalTests
{
    [Theory]
    [InlineData(401, typeof(KonProAuthenticationException))]
    [InlineData(403, typeof(KonProPermissionException))]
    [InlineData(404, typeof(KonProNotFoundException))]
    [InlineData(503, typeof(KonProServerException))]
    public void A_refused_chat_socket_upgrade_is_the_typed_api_error_of_its_status_with_the_refusal_inside(int status, Type expected)
    {
        var refusal = new ChatSocketHandshakeException(status, null);

        var error = SessionTransports.ChatSocketRefused(refusal);

        error.Should().BeOfType(expected);
        error.Status.Should().Be(status);
        error.Operation.Should().Be("ConnectChatSocket");
        error.Message.Should().Contain("ConnectChatSocket").And.Contain($"HTTP {status}");
        error.InnerException.Should().BeSameAs(refusal);
    }
}
