using KonPro.Streaming.Testing;
using KonPro.Streaming.Tests.Support;
using KonPro.Streaming.Voice;

namespace KonPro.Streaming.Tests.Client;

public sealed class StreamingAvatarVoiceTests
{
    private static PcmStreamAudioSource Speech() =>
        new(new MemoryStream([.. AudioClips.Silence(TimeSpan.FromMilliseconds(200)), .. AudioClips.SpeechLike(TimeSpan.FromMilliseconds(800)), .. AudioClips.Silence(TimeSpan.FromMilliseconds(1200))]));

    [Fact]
    public async Task Voice_chat_streams_audio_frames_and_the_server_hears_the_user()
    {
        await using var scope = await FakeServerScope.StartAsync();
        scope.Server.EnqueueTranscript("what is the weather");
        scope.Server.Responder = _ => "It is sunny.";
        var avatar = await scope.CreateAvatarAsync();
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);
        using var userTalking = new EventRecorder<bool>(avatar.IsUserTalking);
        await using var source = Speech();

        await avatar.StartVoiceChatAsync(new StartVoiceChatRequest { AudioSource = source });

        avatar.IsVoiceChatActive.Should().BeTrue();
        await events.WaitForAsync<UserStart>();
        await events.WaitForAsync<UserStop>();
        (await events.WaitForAsync<UserTalkingMessage>()).Message.Should().Be("what is the weather");
        await events.WaitForAsync<AvatarStopTalking>();
        userTalking.Items.Should().ContainInOrder(false, true, false);
        scope.Server.GetSession(session.SessionId)!.IsListening.Should().BeTrue();
        var audio = scope.Server.Journal.ChatFrames.Where(f => f.Kind == ChatFrameKind.Audio).ToList();
        audio.Should().NotBeEmpty();
        audio.Should().OnlyContain(f => f.Frame!.Audio.SampleRate == 16000 && f.Frame.Audio.NumChannels == 1 && f.Frame.Audio.Audio.Length == 1024);

        await avatar.CloseVoiceChatAsync();
        avatar.IsVoiceChatActive.Should().BeFalse();
        scope.Server.GetSession(session.SessionId)!.IsListening.Should().BeFalse();
    }

    [Fact]
    public async Task Muted_input_sends_silence_and_unmuting_sends_the_audio()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync();
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);
        await using var push = new PushAudioSource();
        var tone = AudioClips.SpeechLike(TimeSpan.FromMilliseconds(64));

        await avatar.StartVoiceChatAsync(new StartVoiceChatRequest { AudioSource = push, IsInputAudioMuted = true });
        avatar.IsInputAudioMuted.Should().BeTrue();
        push.Push(tone);
        await Wait.UntilAsync(() => AudioFrames(scope).Count >= 2);

        AudioFrames(scope).Should().OnlyContain(f => IsSilent(f), "muted input sends zeros");
        avatar.UnmuteInputAudio();
        avatar.IsInputAudioMuted.Should().BeFalse();
        push.Push(tone);
        await Wait.UntilAsync(() => AudioFrames(scope).Any(f => !IsSilent(f)));
        avatar.MuteInputAudio();
        avatar.IsInputAudioMuted.Should().BeTrue();
        await avatar.CloseVoiceChatAsync();
    }

    [Fact]
    public async Task Voice_chat_preconditions_are_clear_errors()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync();
        await using var source = Speech();

        await FluentActions.Awaiting(() => avatar.StartVoiceChatAsync(new StartVoiceChatRequest { AudioSource = source }))
            .Should().ThrowAsync<InvalidOperationException>().WithMessage("*started*");
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        await avatar.StartVoiceChatAsync(new StartVoiceChatRequest { AudioSource = source, IsInputAudioMuted = true });
        await FluentActions.Awaiting(() => avatar.StartVoiceChatAsync(new StartVoiceChatRequest { AudioSource = source }))
            .Should().ThrowAsync<InvalidOperationException>().WithMessage("*already running*");
        await avatar.CloseVoiceChatAsync();
        await avatar.CloseVoiceChatAsync();
    }

    [Fact]
    public async Task Push_to_talk_needs_the_flag_and_a_room_or_voice_chat()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var plain = await scope.CreateAvatarAsync();
        await plain.CreateStartAvatarAsync(new StartAvatarRequest());
        var ptt = await scope.CreateAvatarAsync();
        await ptt.CreateStartAvatarAsync(new StartAvatarRequest { EnablePushToTalk = true });

        await FluentActions.Awaiting(() => plain.PushToTalkStartAsync()).Should().ThrowAsync<InvalidOperationException>().WithMessage("*EnablePushToTalk*");
        await FluentActions.Awaiting(() => ptt.PushToTalkStartAsync()).Should().ThrowAsync<InvalidOperationException>().WithMessage("*room*voice chat*");
    }

    [Fact]
    public async Task Push_to_talk_gates_the_audio_of_voice_chat()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync();
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest { EnablePushToTalk = true });
        await using var push = new PushAudioSource();
        var tone = AudioClips.SpeechLike(TimeSpan.FromMilliseconds(64));

        await avatar.StartVoiceChatAsync(new StartVoiceChatRequest { AudioSource = push });
        push.Push(tone);
        await Wait.UntilAsync(() => AudioFrames(scope).Count >= 2);
        AudioFrames(scope).Should().OnlyContain(f => IsSilent(f), "audio waits for push-to-talk");

        await avatar.PushToTalkStartAsync();
        push.Push(tone);
        await Wait.UntilAsync(() => AudioFrames(scope).Any(f => !IsSilent(f)));
        await avatar.PushToTalkStopAsync();
        await avatar.CloseVoiceChatAsync();
    }

    [Fact]
    public async Task Silence_prompt_requested_for_voice_chat_reopens_the_socket_with_it()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync();
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);
        await using var push = new PushAudioSource();

        await avatar.StartVoiceChatAsync(new StartVoiceChatRequest { AudioSource = push, UseSilencePrompt = true, IsInputAudioMuted = true });

        (await events.WaitForAsync<UserSilence>()).SilenceTimes.Should().BeGreaterThan(0);
        avatar.CurrentState.Should().Be(SessionState.Connected);
        await Wait.UntilAsync(() => scope.Server.GetSession(session.SessionId)!.OpenSockets == 1);
        await avatar.CloseVoiceChatAsync();
    }

    [Fact]
    public async Task Disposal_stops_voice_chat_and_no_audio_follows()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = new StreamingAvatar(await scope.TokenConfigAsync(), scope.Http);
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        await using var push = new PushAudioSource();
        await avatar.StartVoiceChatAsync(new StartVoiceChatRequest { AudioSource = push });
        push.Push(AudioClips.SpeechLike(TimeSpan.FromMilliseconds(64)));
        await Wait.UntilAsync(() => AudioFrames(scope).Count >= 2);

        await avatar.DisposeAsync();
        var after = AudioFrames(scope).Count;
        push.Push(AudioClips.SpeechLike(TimeSpan.FromMilliseconds(320)));
        // The server has closed the session's sockets: no frame can arrive after this, whatever survived the disposal.
        await Wait.UntilAsync(() => scope.Server.GetSession(session.SessionId)!.OpenSockets == 0);

        avatar.IsVoiceChatActive.Should().BeFalse();
        AudioFrames(scope).Count.Should().Be(after);
        scope.Server.GetSession(session.SessionId)!.Status.Should().Be(Api.SessionStatus.Closed);
    }

    private static bool IsSilent(ChatFrameRecord frame) => frame.Frame!.Audio.Audio.Span.IndexOfAnyExcept((byte)0) < 0;

    private static List<ChatFrameRecord> AudioFrames(FakeServerScope scope) =>
        [.. scope.Server.Journal.ChatFrames.Where(f => f.Kind == ChatFrameKind.Audio)];
}
