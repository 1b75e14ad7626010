using System.Collections.Concurrent;
using System.Text;
using KonPro.Streaming.LiveKit.Tests.Native;
using KonPro.Streaming.Testing;
using KonPro.Streaming.Voice;

namespace KonPro.Streaming.LiveKit.Tests.Rooms;

/// <summary>
/// A server that drives the session joins the room as the agent participant (<c>livekit_agent_token</c>) while a browser
/// joins as the user (<c>access_token</c>), over real WebRTC against the fake's room. Only inside a network namespace
/// (eng/netns-run); outside one these fail.
/// </summary>
[Trait("Category", "Room")]
[Collection(FfiCollection.Name)]
public sealed class AgentParticipantRoomTests
{
    [SkippableFact]
    public async Task The_agent_and_the_user_participant_both_get_the_avatars_data_and_the_users_microphone_is_voice_chat()
    {
        RoomNamespace.RequireAddress();
        await FfiCollection.WaitUntilStoppedAsync();
        await using var fake = await FakeSession.StartAsync(FakeEventDelivery.RoomOnly);
        await using var agent = fake.NewRoomAvatar(RoomParticipantRole.Agent);
        var events = new ConcurrentQueue<StreamingEvent>();
        using var recording = agent.Events.Subscribe(events.Enqueue);

        var session = await agent.CreateStartAvatarAsync(new StartAvatarRequest());
        // What a browser gets: the URL and the user's token (joined here with the same connector, as any LiveKit client would).
        var user = session.UserRoomCredentials;
        await using var userRoom = await new LiveKitRoomConnector().ConnectAsync(new AvatarRoomConnectRequest(session.SessionId, user.Url, user.Token));
        var userMessages = new ConcurrentQueue<string>();
        using var userData = userRoom.DataMessages.Subscribe(m => userMessages.Enqueue(Encoding.UTF8.GetString(m.Payload.Span)));
        await userRoom.MediaReady.WaitAsync(FakeSession.Patience);

        var speech = await agent.SpeakAsync(new SpeakRequest { Text = "Both of you hear this", TaskType = TaskType.Repeat, TaskMode = TaskMode.Async });
        (await speech.Completed.WaitAsync(FakeSession.Patience)).Outcome.Should().Be(SpeakOutcome.Completed);
        await fake.WaitForAsync(() => userMessages.Any(m => m.Contains("avatar_stop_talking", StringComparison.Ordinal) && m.Contains(speech.TaskId, StringComparison.Ordinal)), "the avatar's stop on the user's data channel");

        events.OfType<AvatarStartTalking>().Should().ContainSingle(e => e.TaskId == speech.TaskId, "the agent gets the avatar's events once");
        userMessages.Should().Contain(m => m.Contains("avatar_start_talking", StringComparison.Ordinal) && m.Contains(speech.TaskId, StringComparison.Ordinal));
        fake.Server.Journal.RoomActivity.Where(r => r.Kind == RoomActivityKind.ParticipantJoined && r.SessionId == session.SessionId)
            .Select(r => r.Identity).Should().BeEquivalentTo(["agent", "client"]);

        // The user's microphone, as a browser publishes it, is voice chat: user_start, user_stop, then the scripted transcript.
        fake.Server.EnqueueTranscript("What does the museum shop sell?", session.SessionId);
        var microphone = new PushAudioSource();
        await using (await userRoom.PublishMicrophoneAsync(microphone))
        {
            microphone.Push(new byte[16_000]); // 0.5 s of silence
            microphone.Push(Tone(seconds: 1));
            microphone.Push(new byte[48_000]); // 1.5 s of silence ends the utterance
            await fake.WaitForAsync(() => events.OfType<UserTalkingMessage>().Any(), "the user's transcript");
        }

        await fake.WaitForAsync(() => events.OfType<UserStop>().Any(), "the user's stop");
        // user_start and user_stop come on the chat socket (as the service sends them even when the room carries the
        // rest), the transcript on the room's data channel: each channel keeps its order, the two are not ordered
        // against each other (the fake emits user_stop and the transcript back to back; either may arrive first).
        var voice = events.Where(e => e is UserStart or UserStop or UserTalkingMessage).Select(e => e.Name).ToList();
        voice.Where(e => e != StreamingEvents.UserTalkingMessage).Should().StartWith([StreamingEvents.UserStart, StreamingEvents.UserStop]);
        voice.IndexOf(StreamingEvents.UserTalkingMessage).Should().BeGreaterThan(voice.IndexOf(StreamingEvents.UserStart), "the utterance ends 1.5 s after it began");
        events.OfType<UserTalkingMessage>().First().Message.Should().Be("What does the museum shop sell?");
        await agent.StopAvatarAsync();
    }

    private static byte[] Tone(double seconds)
    {
        var samples = (int)(16_000 * seconds);
        var bytes = new byte[samples * 2];
        for (var i = 0; i < samples; i++)
        {
            var value = (short)(Math.Sin(2 * Math.PI * 440 * i / 16_000.0) * 12_000);
            bytes[2 * i] = (byte)value;
            bytes[(2 * i) + 1] = (byte)(value >> 8);
        }

        return bytes;
    }
}
