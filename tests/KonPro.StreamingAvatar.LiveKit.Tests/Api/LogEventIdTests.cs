using KonPro.Streaming.TestSupport;

namespace KonPro.Streaming.LiveKit.Tests.Api;

/// <summary>Each log event id of the LiveKit package names one kind of message.</summary>
public sealed class LogEventIdTests
{
    [Fact]
    public void Each_event_id_is_used_by_one_message()
    {
        var assembly = typeof(LiveKitRoomConnector).Assembly;

        LogEventIds.Of(assembly).Should().NotBeEmpty("the package logs through [LoggerMessage] methods");
        LogEventIds.SharedIds(assembly).Should().BeEmpty("each event id belongs to one message");
    }
}
