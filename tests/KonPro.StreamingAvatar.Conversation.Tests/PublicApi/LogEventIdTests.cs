using KonPro.Streaming.TestSupport;

namespace KonPro.Streaming.Conversation.Tests.PublicApi;

/// <summary>Each log event id of the conversation package names one kind of message.</summary>
public sealed class LogEventIdTests
{
    [Fact]
    public void Each_event_id_is_used_by_one_message() => LogEventIds.ShouldNameOneMessageEach(typeof(AvatarConversation).Assembly);
}
