using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using KonPro.Streaming.LiveKit.Native;
using KonPro.Streaming.LiveKit.Tests.Native;
using KonPro.Streaming.Testing;
using KonPro.Streaming.Voice;

namespace KonPro.Streaming.LiveKit.Tests.Rooms;

/// <summary>
/// The LiveKit connector over real WebRTC against the fake server's LiveKit-compatible room. Only inside a network
/// namespace (eng/netns-run, through eng/test); outside one these are skipped.
/// </summary>
[Trait("Category", "Room")]
[Collection(FfiCollection.Name)]
public sealed class LiveKitRoomTests
{
    private const int FakeWidth = 320;
    private const int FakeHeight = 240;
    private const int FakeFrameRate = 15;

    [SkippableFact]
    public async Task A_session_in_room_only_mode_gets_the_whole_conversation_and_the_avatars_media_from_the_room()
    {
        RoomNamespace.RequireAddress();
        await FfiCollection.WaitUntilStoppedAsync();
        var handlesBefore = FfiClient.LiveHandles;
        await using var fake = await FakeSession.StartAsync(FakeEventDelivery.RoomOnly);
        var avatar = fake.NewRoomAvatar();
        var events = new ConcurrentQueue<StreamingEvent>();
        using var recording = avatar.Events.Subscribe(events.Enqueue);

        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest { EnablePushToTalk = true });

        events.OfType<StreamReady>().Should().ContainSingle();
        var room = avatar.Room!;
        var tracks = new ConcurrentQueue<AvatarRoomTrack>();
        var video = new VideoCounter();
        var audio = new AudioCounter();
        using var trackLog = room.Tracks.Subscribe(tracks.Enqueue);
        using var videoSubscription = room.VideoFrames.Subscribe(video.OnFrame);
        using var audioSubscription = room.AudioFrames.Subscribe(audio.OnFrame);

        // The avatar speaks; its events come from the room only (the chat socket carries only voice activity here).
        var speech = await avatar.SpeakAsync(new SpeakRequest { Text = "The quick brown fox jumps over", TaskType = TaskType.Repeat, TaskMode = TaskMode.Async });
        (await speech.Completed.WaitAsync(FakeSession.Patience)).Should().NotBeNull();
        // A typed message: the user's transcript and the avatar's answer, also from the room.
        await avatar.SendMessageAsync("What is the weather like?");
        await fake.WaitForAsync(() => events.OfType<AvatarStopTalking>().Count() >= 2, "the avatar's answer to the message");
        await fake.WaitForAsync(() => video.Span >= TimeSpan.FromSeconds(2.5), "2.5 s of video");

        var names = events.Select(e => e.Name).Where(n => n is not (StreamingEvents.StreamReady or StreamingEvents.ConnectionQualityChanged)).ToList();
        names.Should().StartWith(
            [StreamingEvents.AvatarStartTalking, StreamingEvents.AvatarTalkingMessage],
            "the first task's events arrive in order");
        Collapse(names).Should().Equal(
            StreamingEvents.AvatarStartTalking, StreamingEvents.AvatarTalkingMessage, StreamingEvents.AvatarEndMessage, StreamingEvents.AvatarStopTalking,
            StreamingEvents.UserTalkingMessage, StreamingEvents.UserEndMessage,
            StreamingEvents.AvatarStartTalking, StreamingEvents.AvatarTalkingMessage, StreamingEvents.AvatarEndMessage, StreamingEvents.AvatarStopTalking);
        events.OfType<AvatarStartTalking>().Select(e => e.TaskId).Should().OnlyHaveUniqueItems("no event is delivered twice");
        string.Concat(events.OfType<AvatarTalkingMessage>().Where(e => e.TaskId == speech.TaskId).Select(e => e.Message))
            .Replace(" ", string.Empty, StringComparison.Ordinal).Should().Be("Thequickbrownfoxjumpsover");
        events.OfType<UserTalkingMessage>().Should().ContainSingle().Which.Message.Should().Be("What is the weather like?");

        // Media: >= 2 s of RGBA video at the fake's size and rate, and PCM16 audio with the tone in it.
        video.Width.Should().Be(FakeWidth);
        video.Height.Should().Be(FakeHeight);
        video.Stride.Should().Be(FakeWidth * 4);
        (video.Frames / video.Span.TotalSeconds).Should().BeGreaterThan(0.7 * FakeFrameRate);
        video.NonBlackFrames.Should().BeGreaterThan(0, "the fake draws a frame counter");
        audio.SampleRate.Should().Be(48_000);
        audio.Channels.Should().Be(1);
        audio.Seconds.Should().BeGreaterThan(1.5);
        audio.Peak.Should().BeGreaterThan(1000, "the avatar's audio carries a tone while it talks");
        // The pump counts a frame once its subscribers returned from it, so the count may trail what a subscriber saw by
        // the frame in flight: it catches up.
        var seen = video.Frames;
        await fake.WaitForAsync(() => room.Statistics.VideoFramesDelivered >= seen, "the delivered-frames statistic to count every frame the subscriber saw");
        tracks.Select(t => (t.Kind, t.Subscribed, t.ParticipantIdentity)).Should().BeEquivalentTo(
            [(AvatarTrackKind.Video, true, "avatar"), (AvatarTrackKind.Audio, true, "avatar")], "both tracks were subscribed before the session was ready");

        // Publishing over the room: push-to-talk, a typed message, the microphone.
        await avatar.PushToTalkStartAsync();
        await room.PublishAsync("hello from the room");
        var tone = new PushAudioSource();
        tone.Push(Tone(seconds: 1.5));
        tone.Complete();
        await using (await room.PublishMicrophoneAsync(tone))
        {
            await fake.WaitForAsync(() => fake.Server.Journal.RoomActivity.Any(r => r.Kind == RoomActivityKind.AudioReceived && r.AudioLevel > 0.05), "the microphone's audio in the journal");
        }

        var activity = fake.Server.Journal.RoomActivity.Where(r => r.SessionId == session.SessionId).ToList();
        activity.Should().Contain(r => r.Kind == RoomActivityKind.PushToTalkStart);
        activity.Should().Contain(r => r.Kind == RoomActivityKind.UserMessage && r.Text == "hello from the room");
        var track = activity.Single(r => r.Kind == RoomActivityKind.TrackPublished);
        track.TrackKind.Should().Be("audio");

        // Stop: the session leaves the room, every stream completes, and no handle is left.
        await avatar.StopAvatarAsync();
        events.OfType<StreamDisconnected>().Should().ContainSingle().Which.Reason.Should().Be(DisconnectReason.ClientStop);
        await avatar.DisposeAsync();
        await fake.WaitForAsync(() => fake.Server.Journal.RoomActivity.Any(r => r.Kind == RoomActivityKind.ParticipantLeft && r.SessionId == session.SessionId), "the leave in the journal");
        (await room.VideoFrames.IsEmpty().ToTask().WaitAsync(FakeSession.Patience)).Should().BeTrue("the video stream completed");
        await FfiCollection.WaitUntilStoppedAsync();
        FfiClient.LiveHandles.Should().Be(handlesBefore);
        FfiClient.IsRunning.Should().BeFalse();
    }

    [SkippableFact]
    public async Task The_rooms_leave_on_stop_closes_it_with_livekits_reason_mapped_and_kept()
    {
        RoomNamespace.RequireAddress();
        await FfiCollection.WaitUntilStoppedAsync();
        var handlesBefore = FfiClient.LiveHandles;
        await using var fake = await FakeSession.StartAsync(FakeEventDelivery.RoomOnly);
        var (sessionId, url, accessToken) = await fake.NewAsync();
        await fake.PostAsync("/v1/streaming/start", new { session_id = sessionId });
        var room = (LiveKitRoom)await new LiveKitRoomConnector().ConnectAsync(new AvatarRoomConnectRequest(sessionId, url, accessToken));
        await room.MediaReady.WaitAsync(FakeSession.Patience);
        room.HandleCount.Should().Be(6, "room, local participant, two tracks, two streams");
        var data = room.DataMessages.LastOrDefaultAsync().ToTask();

        await fake.PostAsync("/v1/streaming/stop", new { session_id = sessionId });
        await data.WaitAsync(FakeSession.Patience);

        room.Disconnection.Should().Be(new AvatarRoomDisconnect(DisconnectReason.ServerClosed, "ROOM_DELETED"));
        var publish = () => room.PublishAsync("too late");
        await publish.Should().ThrowAsync<InvalidOperationException>().WithMessage("*closed*");
        await room.DisposeAsync();
        await room.DisposeAsync(); // idempotent
        room.HandleCount.Should().Be(0);
        await FfiClient.WhenShutDownAsync().WaitAsync(FakeSession.Patience);
        FfiClient.LiveHandles.Should().Be(handlesBefore);
    }

    [SkippableFact]
    public async Task Two_back_to_back_sessions_start_the_ffi_server_once_and_it_shuts_down_when_the_idle_timeout_has_passed()
    {
        RoomNamespace.RequireAddress();
        await FfiCollection.WaitUntilStoppedAsync();
        var handlesBefore = FfiClient.LiveHandles;
        var starts = FfiClient.Starts;
        var timers = new HistoricalScheduler();
        var connector = new LiveKitRoomConnector(new LiveKitRoomOptions { Scheduler = timers });
        await using var fake = await FakeSession.StartAsync(FakeEventDelivery.RoomOnly);

        for (var i = 0; i < 2; i++)
        {
            // A session token is good for one session.
            var token = i == 0 ? fake.Token : await fake.Server.CreateSessionTokenAsync();
            await using var avatar = new StreamingAvatar(
                new StreamingAvatarApiConfig { Token = token, BasePath = fake.Server.Url },
                httpClient: null,
                new StreamingAvatarOptions { RoomConnector = connector });
            var disconnected = avatar.Events.OfType<StreamDisconnected>().FirstAsync().ToTask();

            await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
            avatar.Room.Should().NotBeNull();
            await avatar.StopAvatarAsync();

            (await disconnected.WaitAsync(FakeSession.Patience)).Reason.Should().Be(DisconnectReason.ClientStop);
            FfiClient.IsRunning.Should().BeTrue("the server idles for the idle timeout (5 s by default, on the connector's scheduler) after the last room closed");
        }

        FfiClient.Starts.Should().Be(starts + 1, "the second session's room joined on the server the first one started");
        FfiClient.LiveHandles.Should().Be(handlesBefore);
        timers.AdvanceBy(TimeSpan.FromSeconds(5));
        FfiClient.IsRunning.Should().BeFalse("the idle timeout passed");
        await FfiClient.WhenShutDownAsync().WaitAsync(FakeSession.Patience);
    }

    [SkippableFact]
    public async Task On_the_LiveKit_transport_typed_messages_push_to_talk_and_voice_chat_go_over_the_room()
    {
        RoomNamespace.RequireAddress();
        await using var fake = await FakeSession.StartAsync(FakeEventDelivery.RoomOnly);
        await using var avatar = fake.NewRoomAvatar();
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest { VoiceChatTransport = VoiceChatTransport.LiveKit, EnablePushToTalk = true });
        var voice = new PushAudioSource();

        await avatar.SendMessageAsync("typed over the room");
        await avatar.PushToTalkStartAsync();
        await avatar.StartVoiceChatAsync(new StartVoiceChatRequest { AudioSource = voice });
        voice.Push(Tone(seconds: 2));
        await fake.WaitForAsync(() => fake.Server.Journal.RoomActivity.Any(r => r.Kind == RoomActivityKind.AudioReceived && r.AudioLevel > 0.05), "the voice in the journal");
        await avatar.PushToTalkStopAsync();
        await avatar.CloseVoiceChatAsync();

        var activity = fake.Server.Journal.RoomActivity.Where(r => r.SessionId == session.SessionId).ToList();
        activity.Should().Contain(r => r.Kind == RoomActivityKind.UserMessage && r.Text == "typed over the room");
        activity.Select(r => r.Kind).Should().ContainInOrder(RoomActivityKind.PushToTalkStart, RoomActivityKind.TrackPublished, RoomActivityKind.AudioReceived);
        await fake.WaitForAsync(() => fake.Server.Journal.RoomActivity.Any(r => r.Kind == RoomActivityKind.PushToTalkStop), "push_to_talk:stop");
        var track = activity.Single(r => r.Kind == RoomActivityKind.TrackPublished);
        activity.Where(r => r.Kind == RoomActivityKind.AudioReceived).Should().OnlyContain(r => r.TrackSid == track.TrackSid);
    }

    [SkippableFact]
    public async Task A_refused_token_fails_the_join_with_a_typed_error_that_never_shows_the_token_and_leaves_nothing_behind()
    {
        RoomNamespace.RequireAddress();
        await FfiCollection.WaitUntilStoppedAsync();
        var handlesBefore = FfiClient.LiveHandles;
        await using var fake = await FakeSession.StartAsync(FakeEventDelivery.RoomOnly);
        var (sessionId, url, accessToken) = await fake.NewAsync();
        var forged = accessToken[..(accessToken.LastIndexOf('.') + 1)] + Convert.ToBase64String(new byte[32]).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        var connect = () => new LiveKitRoomConnector(new LiveKitRoomOptions { JoinRetries = 0 }).ConnectAsync(new AvatarRoomConnectRequest(sessionId, url, forged));

        var error = (await connect.Should().ThrowAsync<LiveKitNativeException>()).Which;
        error.Message.Should().StartWith("Joining the LiveKit room failed").And.NotContain(forged);
        await FfiClient.WhenShutDownAsync().WaitAsync(FakeSession.Patience);
        FfiClient.LiveHandles.Should().Be(handlesBefore);
        fake.Server.Journal.RoomActivity.Should().BeEmpty();
    }

    /// <summary>Consecutive repeats of a name collapsed (the number of talking chunks depends on pacing).</summary>
    private static List<string> Collapse(IEnumerable<string> names)
    {
        var result = new List<string>();
        foreach (var name in names)
        {
            if (result.Count == 0 || result[^1] != name)
            {
                result.Add(name);
            }
        }

        return result;
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

    private sealed class VideoCounter
    {
        private readonly Lock _gate = new();
        private TimeSpan _first = TimeSpan.MinValue;
        private TimeSpan _last;

        public int Frames { get; private set; }

        public int NonBlackFrames { get; private set; }

        public int Width { get; private set; }

        public int Height { get; private set; }

        public int Stride { get; private set; }

        public TimeSpan Span
        {
            get
            {
                lock (_gate)
                {
                    return _first == TimeSpan.MinValue ? TimeSpan.Zero : _last - _first;
                }
            }
        }

        public void OnFrame(AvatarVideoFrame frame)
        {
            lock (_gate)
            {
                Frames++;
                (Width, Height, Stride) = (frame.Width, frame.Height, frame.Stride);
                _first = _first == TimeSpan.MinValue ? frame.Timestamp : _first;
                _last = frame.Timestamp;
                if (frame.Data.Span.IndexOfAnyExcept((byte)0, (byte)255) >= 0)
                {
                    NonBlackFrames++;
                }
            }
        }
    }

    private sealed class AudioCounter
    {
        private long _samples;

        public int SampleRate { get; private set; }

        public int Channels { get; private set; }

        public int Peak { get; private set; }

        public double Seconds => SampleRate == 0 ? 0 : (double)Interlocked.Read(ref _samples) / SampleRate;

        public void OnFrame(AvatarAudioFrame frame)
        {
            (SampleRate, Channels) = (frame.SampleRate, frame.Channels);
            Interlocked.Add(ref _samples, frame.SamplesPerChannel);
            foreach (var sample in frame.Samples.Span)
            {
                Peak = Math.Max(Peak, Math.Abs((int)sample));
            }
        }
    }
}
