using System.Net.WebSockets;
using KonPro.Streaming.Realtime;

namespace KonPro.Streaming.Tests.Realtime;

public sealed class ChatSocketCloseStatusTests
{
    [Theory]
    [InlineData(1000, DisconnectReason.ClientStop, false)]
    [InlineData(4001, DisconnectReason.IdleTimeout, false)]
    [InlineData(4002, DisconnectReason.DurationLimit, false)]
    [InlineData(4401, DisconnectReason.Unauthorized, false)]
    [InlineData(4404, DisconnectReason.SessionNotFound, false)]
    [InlineData(1001, DisconnectReason.ServerClosed, true)]
    [InlineData(1011, DisconnectReason.ServerClosed, true)]
    [InlineData(1012, DisconnectReason.ServerClosed, true)]
    [InlineData(1008, DisconnectReason.ServerClosed, true)]
    [InlineData(4999, DisconnectReason.ServerClosed, true)]
    public void Close_statuses_map_to_reasons(int status, DisconnectReason reason, bool retryable)
    {
        ChatSocketCloseStatus.ToReason(status).Should().Be(reason);
        ChatSocketCloseStatus.ToReason((WebSocketCloseStatus)status).Should().Be(reason);
        ChatSocketCloseStatus.IsRetryable(reason).Should().Be(retryable);
    }

    [Fact]
    public void No_close_handshake_is_a_retryable_network_loss()
    {
        ChatSocketCloseStatus.ToReason((int?)null).Should().Be(DisconnectReason.NetworkLost);
        ChatSocketCloseStatus.IsRetryable(DisconnectReason.NetworkLost).Should().BeTrue();
    }

    [Theory]
    [InlineData(401, DisconnectReason.Unauthorized)]
    [InlineData(403, DisconnectReason.Unauthorized)]
    [InlineData(404, DisconnectReason.SessionNotFound)]
    [InlineData(503, DisconnectReason.ServerClosed)]
    public void Handshake_refusals_map_to_reasons(int httpStatus, DisconnectReason reason)
    {
        new ChatSocketHandshakeException(httpStatus, null).Reason.Should().Be(reason);
    }
}
