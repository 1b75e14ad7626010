using System.Text.Json.Nodes;
using KonPro.Streaming.Testing.Chat;
using KonPro.Streaming.Testing.Sessions;

namespace KonPro.Streaming.Testing.Tests.Chat;

/// <summary>
/// The chat socket renders a session's typed event once, to the JSON text the chat socket has always sent: the same
/// fields in the same order, escaped as System.Text.Json's default encoder escapes them.
/// </summary>
public sealed class ChatEventsTests
{
    private const string Tricky = "Grüße, <b>\"Ann\"</b> & 'Bo' 🙂\n";

    public static TheoryData<string, string> Rendered => new()
    {
        { nameof(SessionEventKind.AvatarStartTalking), """{"event_type":"avatar_start_talking","session_id":"s-1","task_id":"task-1"}""" },
        { nameof(SessionEventKind.AvatarEndMessage), """{"event_type":"avatar_end_message","session_id":"s-1","task_id":"task-1"}""" },
        { nameof(SessionEventKind.AvatarStopTalking), """{"event_type":"avatar_stop_talking","session_id":"s-1","task_id":"task-1","duration_ms":0}""" },
        { nameof(SessionEventKind.UserStart), """{"event_type":"user_start","session_id":"s-1"}""" },
        { nameof(SessionEventKind.UserStop), """{"event_type":"user_stop","session_id":"s-1"}""" },
        { nameof(SessionEventKind.UserEndMessage), """{"event_type":"user_end_message","session_id":"s-1","task_id":"task-1"}""" },
    };

    [Theory]
    [MemberData(nameof(Rendered))]
    public void A_typed_event_renders_to_the_chat_sockets_JSON(string kindName, string expected)
    {
        var kind = Enum.Parse<SessionEventKind>(kindName);
        var hasTask = kind is not (SessionEventKind.UserStart or SessionEventKind.UserStop);

        ChatEvents.Render("s-1", new SessionEvent(kind, hasTask ? "task-1" : null)).Should().Be(expected);
    }

    [Theory]
    [InlineData(nameof(SessionEventKind.AvatarTalkingMessage), "avatar_talking_message")]
    [InlineData(nameof(SessionEventKind.UserTalkingMessage), "user_talking_message")]
    public void A_message_is_escaped_as_the_JSON_node_writer_escapes_it(string kindName, string name)
    {
        var kind = Enum.Parse<SessionEventKind>(kindName);
        var written = new JsonObject { ["event_type"] = name, ["session_id"] = "s-1", ["task_id"] = "task-1", ["message"] = Tricky }.ToJsonString();

        ChatEvents.Render("s-1", new SessionEvent(kind, "task-1", Tricky)).Should().Be(written);
    }

    [Fact]
    public void A_duration_and_a_silence_prompt_are_numbers()
    {
        ChatEvents.AvatarStopTalking("s-1", "task-1", 1234).Should().Be("""{"event_type":"avatar_stop_talking","session_id":"s-1","task_id":"task-1","duration_ms":1234}""");
        ChatEvents.UserSilence("s-1", 2, 1).Should().Be("""{"event_type":"user_silence","session_id":"s-1","silence_times":2,"count_down":1}""");
    }
}
