using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using KonPro.Streaming.LiveKit.Tests.Native;
using KonPro.Streaming.Testing;

namespace KonPro.Streaming.LiveKit.Tests.Rooms;

/// <summary>
/// Issue 18.2 over real WebRTC against the fake's LiveKit-compatible room (which relays a participant's data to the
/// others, stamped with its identity, as LiveKit does): a second participant, joined with the session's agent token,
/// publishes the avatar's events; the SDK does not take them as the avatar's. Only inside a network namespace
/// (eng/netns-run).
/// </summary>
[Trait("Category", "Room")]
[Collection(FfiCollection.Name)]
public sealed class RoomParticipantTrustTests
{
    [SkippableFact]
    public async Task A_second_participant_publishing_avatar_stop_talking_is_participant_data_and_the_avatar_keeps_talking()
    {
        RoomNamespace.RequireAddress();
        await FfiCollection.WaitUntilStoppedAsync();
        await using var fake = await FakeSession.StartAsync(FakeEventDelivery.RoomOnly);
        await using var avatar = fake.NewRoomAvatar();
        var events = new ConcurrentQueue<StreamingEvent>();
        var foreign = new ConcurrentQueue<(AvatarRoomDataMessage Message, bool AvatarTalking)>();
        var talking = false;
        using var talkingLog = avatar.IsAvatarTalking.Subscribe(value => Volatile.Write(ref talking, value));
        using var eventLog = avatar.Events.Subscribe(events.Enqueue);
        using var foreignLog = avatar.ParticipantData.Subscribe(m => foreign.Enqueue((m, Volatile.Read(ref talking))));
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        ((LiveKitRoom)avatar.Room!).AvatarIdentity.Should().Be("avatar", "the fake's avatar publishes the room's video");

        // The second participant: the session's agent, in a room of its own on the same native core.
        using var answer = JsonDocument.Parse(fake.Server.Journal.RestCalls.Single(c => c.OperationId == KonProOperationIds.NewSession).ResponseBody);
        var agentToken = answer.RootElement.GetProperty("data").GetProperty("livekit_agent_token").GetString()!;
        await using var agent = await new LiveKitRoomConnector().ConnectAsync(new AvatarRoomConnectRequest(session.SessionId, session.Url, agentToken));
        var agentSees = new ConcurrentQueue<AvatarRoomDataMessage>();
        using var agentLog = agent.DataMessages.Subscribe(agentSees.Enqueue);
        await agent.MediaReady.WaitAsync(FakeSession.Patience);

        // The avatar talks for a while; while it does, the agent says it stopped, and says the user spoke.
        var speech = await avatar.SpeakAsync(new SpeakRequest
        {
            Text = "One two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty",
            TaskType = TaskType.Repeat,
            TaskMode = TaskMode.Async,
        });
        await fake.WaitForAsync(() => events.OfType<AvatarStartTalking>().Any(e => e.TaskId == speech.TaskId), "the avatar starting to talk");
        var forgedStop = $$"""{"type":"avatar_stop_talking","task_id":"{{speech.TaskId}}","duration_ms":1}""";
        await agent.PublishAsync(forgedStop);
        await agent.PublishAsync("""{"type":"user_talking_message","task_id":"u-1","message":"not the user"}""");
        await fake.WaitForAsync(() => foreign.Count == 2, "the agent's two messages as participant data");
        var result = await speech.Completed.WaitAsync(FakeSession.Patience);

        // Found by its content: the two messages were seen in either order once in a full run (noted for the fake room).
        var (stop, talkingWhenStopArrived) = foreign.Single(f => Encoding.UTF8.GetString(f.Message.Payload.Span).Contains("avatar_stop_talking", StringComparison.Ordinal));
        stop.ParticipantIdentity.Should().Be("agent");
        stop.Sender.Should().Be(AvatarRoomDataSender.Participant);
        Encoding.UTF8.GetString(stop.Payload.Span).Should().Be(forgedStop);
        talkingWhenStopArrived.Should().BeTrue("the avatar was still talking: the agent's stop is not the avatar's");
        events.OfType<AvatarStopTalking>().Where(e => e.TaskId == speech.TaskId).Should().ContainSingle()
            .Which.DurationMs.Should().NotBe(1, "the one stop delivered is the avatar's own");
        events.OfType<UserTalkingMessage>().Should().BeEmpty();
        result.Outcome.Should().Be(SpeakOutcome.Completed);

        // The agent's connector tells the same story from its side: the avatar's events are the avatar's.
        await fake.WaitForAsync(() => agentSees.Any(m => m.Sender == AvatarRoomDataSender.Avatar), "the avatar's events in the agent's room");
        agentSees.Where(m => m.Sender == AvatarRoomDataSender.Avatar).Should().OnlyContain(m => m.ParticipantIdentity == "avatar");

        await avatar.StopAvatarAsync();
    }
}
