using KonPro.Streaming.TestSupport;

namespace KonPro.Streaming.LiveKit.Tests.PublicApi;

/// <summary>Each log event id of the LiveKit package names one kind of message.</summary>
public sealed class LogEventIdTests
{
    [Fact]
    public void Each_event_id_is_used_by_one_message() => LogEventIds.ShouldNameOneMessageEach(typeof(LiveKitRoomConnector).Assembly);
}
