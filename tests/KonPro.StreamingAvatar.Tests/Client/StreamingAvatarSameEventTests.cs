using System.Reactive.Linq;
using KonPro.Streaming.Tests.Support;

namespace KonPro.Streaming.Tests.Client;

/// <summary>
/// One definition of "the same event" over the wire: the other channel's copy is dropped, identical consecutive
/// events on one channel are different events; one definition of "the avatar is talking".
/// </summary>
public sealed class StreamingAvatarSameEventTests
{
    [Fact]
    public async Task Repeated_words_are_all_delivered_when_the_avatar_says_no_no_no()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync();
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        await scope.WaitForSocketAsync(session.SessionId);
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);

        var handle = await avatar.SpeakAsync(new SpeakRequest { Text = "no no no no no no no no no", TaskType = TaskType.Repeat, TaskMode = TaskMode.Async });
        await handle.WaitForCompletionAsync(FakeServerScope.Patience);
        await events.WaitForAsync<AvatarStopTalking>(e => e.TaskId == handle.TaskId);

        events.Items.OfType<AvatarTalkingMessage>().Where(m => m.TaskId == handle.TaskId).Select(m => m.Message)
            .Should().Equal(["no no no", " no no no", " no no no"], "the chunks carry their own spacing, and the two identical ones are two events");
    }

    [Fact]
    public async Task Four_identical_chunks_on_the_chat_socket_are_four_events()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync();
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        await scope.WaitForSocketAsync(session.SessionId);
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);
        const string Chunk = """{"event_type":"avatar_talking_message","task_id":"t-same","message":"yes"}""";

        for (var i = 0; i < 4; i++)
        {
            scope.Server.Faults.SendRawChatMessage(session.SessionId, Chunk).Should().Be(1);
        }

        scope.Server.Faults.SendUnknownEvent(session.SessionId, "sentinel");
        await events.WaitForAsync<UnknownStreamingEvent>(e => e.Name == "sentinel");

        events.Items.OfType<AvatarTalkingMessage>().Where(m => m.TaskId == "t-same").Should().HaveCount(4);
    }

    [Fact]
    public async Task The_same_events_on_the_chat_socket_and_the_room_are_delivered_once()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var connector = new InMemoryRoomConnector();
        connector.Room.SetMediaReady();
        var avatar = await scope.CreateAvatarAsync(new StreamingAvatarOptions { RoomConnector = connector });
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        await scope.WaitForSocketAsync(session.SessionId);
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);

        var handle = await avatar.SpeakAsync(new SpeakRequest { Text = "no no no no no no", TaskType = TaskType.Repeat, TaskMode = TaskMode.Async });
        await handle.WaitForCompletionAsync(FakeServerScope.Patience);
        await events.WaitForAsync<AvatarStopTalking>(e => e.TaskId == handle.TaskId);
        var fromChat = events.Items.Where(e => e.TaskId == handle.TaskId).ToList();
        // The room's data channel now delivers the same events (the name in "type").
        foreach (var evt in fromChat)
        {
            connector.Room.Send(RoomJson(evt));
        }

        connector.Room.Send("""{"type":"room_sentinel"}""");
        await events.WaitForAsync<UnknownStreamingEvent>(e => e.Name == "room_sentinel");

        fromChat.OfType<AvatarTalkingMessage>().Should().HaveCount(2);
        events.Items.Where(e => e.TaskId == handle.TaskId).Should().HaveCount(fromChat.Count, "each room copy is the twin of a chat event");
        events.Items.OfType<AvatarStartTalking>().Where(e => e.TaskId == handle.TaskId).Should().ContainSingle();
    }

    [Fact]
    public async Task The_facade_and_the_operator_agree_on_IsAvatarTalking_with_overlapping_tasks()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync();
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        await scope.WaitForSocketAsync(session.SessionId);
        using var facade = new EventRecorder<bool>(avatar.IsAvatarTalking);
        using var operatorRoute = new EventRecorder<bool>(avatar.Events.IsAvatarTalking());
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);
        var observed = new List<(bool Facade, bool Operator)>();

        async Task SendAndObserveAsync(string json, string marker)
        {
            scope.Server.Faults.SendRawChatMessage(session.SessionId, json);
            scope.Server.Faults.SendUnknownEvent(session.SessionId, marker);
            await events.WaitForAsync<UnknownStreamingEvent>(e => e.Name == marker);
            observed.Add((facade.Items[^1], operatorRoute.Items[^1]));
        }

        await SendAndObserveAsync("""{"event_type":"avatar_start_talking","task_id":"a"}""", "m1");
        await SendAndObserveAsync("""{"event_type":"avatar_start_talking","task_id":"b"}""", "m2");
        await SendAndObserveAsync("""{"event_type":"avatar_stop_talking","task_id":"a","duration_ms":10}""", "m3");
        await SendAndObserveAsync("""{"event_type":"avatar_stop_talking","task_id":"b","duration_ms":10}""", "m4");

        observed.Should().Equal((true, true), (true, true), (true, true), (false, false));
        facade.Items.Should().Equal(false, true, false);
        operatorRoute.Items.Should().Equal(facade.Items);
    }

    private static string RoomJson(StreamingEvent evt) => evt switch
    {
        AvatarTalkingMessage m => $$"""{"type":"{{m.Name}}","task_id":"{{m.TaskId}}","message":"{{m.Message}}"}""",
        AvatarStopTalking s => $$"""{"type":"{{s.Name}}","task_id":"{{s.TaskId}}","duration_ms":{{s.DurationMs}}}""",
        _ => $$"""{"type":"{{evt.Name}}","task_id":"{{evt.TaskId}}"}""",
    };
}
