using KonPro.Streaming.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace KonPro.Streaming.Tests.Client;

/// <summary>
/// Over the wire to the fake (real HTTP and WebSocket on loopback): the events of a task this client started carry the
/// very task id string its speak handle holds, on the chat socket and on the room's data channel alike; any other task's
/// events carry their own id, read from the wire.
/// </summary>
public sealed class StreamingAvatarSpokenTaskIdTests
{
    [Fact]
    public async Task The_chat_sockets_events_of_a_spoken_task_carry_the_handles_task_id_and_other_tasks_their_own()
    {
        // The fake's clock stands still until the test moves it: the first task's words wait on it, so the second task's
        // events are all sent after its REST answer has been read (the speak call registers the id before it returns).
        var serverTime = new FakeTimeProvider(new DateTimeOffset(2026, 5, 6, 7, 8, 9, TimeSpan.Zero));
        await using var scope = await FakeServerScope.StartAsync(o =>
        {
            o.TimeProvider = serverTime;
            o.SessionDurationLimit = TimeSpan.FromDays(1);
            o.DefaultActivityIdleTimeout = TimeSpan.FromHours(1); // 72 s of the fake's clock: longer than the wait below can move it
        });
        var avatar = await scope.CreateAvatarAsync();
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        await scope.WaitForSocketAsync(session.SessionId);
        await avatar.SpeakAsync(new SpeakRequest { Text = "One two three four five six.", TaskType = TaskType.Repeat, TaskMode = TaskMode.Async });
        var second = await avatar.SpeakAsync(new SpeakRequest { Text = "Seven eight nine ten eleven.", TaskType = TaskType.Repeat, TaskMode = TaskMode.Async });

        await Wait.UntilAsync(() =>
        {
            if (!second.Completed.IsCompleted)
            {
                serverTime.Advance(TimeSpan.FromMilliseconds(30)); // a chunk's pause at the fake's time scale is 24 ms
            }

            return second.Completed.IsCompleted;
        });

        (await second.Completed).Outcome.Should().Be(SpeakOutcome.Completed);
        var mine = events.Items.Where(e => e.TaskId == second.TaskId).ToList();
        mine.Should().Contain(e => e is AvatarStartTalking).And.Contain(e => e is AvatarTalkingMessage).And.Contain(e => e is AvatarStopTalking);
        mine.Should().OnlyContain(e => ReferenceEquals(e.TaskId, second.TaskId), "each event of the task carries the handle's own string");

        // Tasks this client did not start: one whose id has the same length and differs in its last character, one
        // whose id is another length.
        var sameLength = second.TaskId[..^1] + (second.TaskId[^1] == 'f' ? 'e' : 'f');
        scope.Server.Faults.SendRawChatMessage(session.SessionId, $$"""{"event_type":"task_probe","task_id":"{{sameLength}}"}""");
        scope.Server.Faults.SendRawChatMessage(session.SessionId, """{"event_type":"task_probe","task_id":"user-turn-1"}""");
        var probes = await Task.WhenAll(
            events.WaitForAsync<UnknownStreamingEvent>(e => e.Name == "task_probe" && e.TaskId == sameLength),
            events.WaitForAsync<UnknownStreamingEvent>(e => e.Name == "task_probe" && e.TaskId == "user-turn-1"));
        probes.Should().OnlyContain(p => !ReferenceEquals(p.TaskId, second.TaskId));
    }

    [Fact]
    public async Task The_rooms_events_of_a_spoken_task_carry_the_handles_task_id()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var connector = new InMemoryRoomConnector();
        connector.Room.SetMediaReady();
        var avatar = await scope.CreateAvatarAsync(new StreamingAvatarOptions { RoomConnector = connector });
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        var handle = await avatar.SpeakAsync(new SpeakRequest { Text = "Hello there.", TaskType = TaskType.Repeat, TaskMode = TaskMode.Async });

        // The avatar's data message, as the room delivers it: bytes, whose id is the handle's text.
        connector.Room.Send($$"""{"type":"room_task_probe","task_id":"{{handle.TaskId}}"}""");
        var probe = await events.WaitForAsync<UnknownStreamingEvent>(e => e.Name == "room_task_probe");

        probe.TaskId.Should().BeSameAs(handle.TaskId);
    }
}
