using System.Buffers.Binary;
using System.Reactive.Linq;
using System.Runtime.CompilerServices;
using KonPro.Streaming.Conversation.Tests.Support;
using KonPro.Streaming.Testing;
using KonPro.Streaming.Voice;
using static KonPro.Streaming.Conversation.Tests.Support.ScriptedChatClient;

namespace KonPro.Streaming.Conversation.Tests;

public sealed class RealtimeVoiceConversationTests
{
    [Fact]
    public async Task Answers_are_spoken_in_your_own_voice_over_the_realtime_socket_sentence_by_sentence()
    {
        await using var loop = await Loopback.StartAsync(timeScale: 0.1);
        var avatar = await loop.StartAvatarAsync();
        var socket = loop.Own(await RealtimeAudioSocket.OpenAsync(avatar));
        using var events = new Recorder<RealtimeAudioEvent>(socket.Events);
        var spokenByTts = new List<string>();
        var voice = new RealtimeVoice(socket, (text, ct) => Speech(text, spokenByTts, ct), sampleRate: 16_000);
        var model = new ScriptedChatClient(TimeProvider.System);
        model.Enqueue(Step.Say("Hello there. How "), Step.Say("are you?"));
        var conversation = loop.Own(new AvatarConversation(avatar, model, new AvatarConversationOptions { RealtimeVoice = voice }));

        var turn = await conversation.SendAsync("Hi!").WaitAsync(Loopback.Patience);

        turn.SpokenPieces.Should().Equal("Hello there.", "How are you?");
        turn.Interrupted.Should().BeFalse();
        turn.FirstSpeechLatency.Should().NotBeNull();
        spokenByTts.Should().Equal("Hello there.", "How are you?");
        var ended = events.Items.OfType<RealtimeSpeakEnded>().ToList();
        ended.Should().HaveCount(2);
        ended.Select(e => e.DurationMs).Should().Equal(200, 300);
        loop.TaskTexts().Should().BeEmpty("no repeat task is sent when the voice is your own");
        conversation.History.Select(m => m.Text).Should().Equal("Hi!", "Hello there. How are you?");
    }

    [Fact]
    public async Task The_user_speaking_over_your_own_voice_interrupts_it_and_trims_the_history()
    {
        await using var loop = await Loopback.StartAsync(timeScale: 0.5);
        var avatar = await loop.StartAvatarAsync();
        var socket = loop.Own(await RealtimeAudioSocket.OpenAsync(avatar));
        // The first sentence lasts 15 s (30 s of audio at time scale 0.5), so the barge-in lands inside it even on a loaded
        // machine.
        var voice = new RealtimeVoice(socket, (text, ct) => Speech(text, [], ct, msPerWord: 3000), sampleRate: 16_000);
        var (model, conversation, microphone) = await CountingConversationAsync(loop, avatar, voice);
        using var started = new Recorder<RealtimeSpeakStarted>(socket.Events.OfType<RealtimeSpeakStarted>());

        var turns = new System.Collections.Concurrent.ConcurrentQueue<ConversationTurn>();
        using var recorded = conversation.Turns.Subscribe(turns.Enqueue);
        var answer = conversation.SendAsync("Count for me.");
        await started.WaitForAsync(s => s.Count == 1);
        SayEnough(loop, microphone);
        var cut = await answer.WaitAsync(Loopback.Patience);

        await model.Cancelled.WaitAsync(Loopback.Patience);
        cut.Interrupted.Should().BeTrue();
        cut.Error.Should().BeNull();
        cut.SpokenPieces.Should().Equal("One two three four five six seven eight nine ten.");
        await Loopback.UntilAsync(() => turns.Count == 4);
        turns.OfType<AssistantTurn>().Should().AllSatisfy(t => t.Error.Should().BeNull("cutting one utterance short must not break the socket the next answer uses"));
        await Loopback.UntilAsync(() => conversation.History.Count == 4);
        conversation.History.Select(m => m.Text).Should().Equal("Count for me.", "One two three four five six seven eight nine ten.", "enough", "Okay.");
    }

    [Fact]
    public async Task Audio_a_text_to_speech_makes_after_the_barge_in_is_never_spoken()
    {
        await using var loop = await Loopback.StartAsync(timeScale: 0.5);
        var avatar = await loop.StartAvatarAsync();
        var socket = loop.Own(await RealtimeAudioSocket.OpenAsync(avatar));
        using var started = new Recorder<RealtimeSpeakStarted>(socket.Events.OfType<RealtimeSpeakStarted>());
        var secondSentence = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var interrupted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cuts = socket.Events.OfType<RealtimeSpeakInterrupted>().Subscribe(_ => interrupted.TrySetResult());
        // The second sentence's speech is made only once the avatar was interrupted, and handed over whatever its token
        // says (a text-to-speech that does not watch it): its audio must not reach the avatar.
        var voice = new RealtimeVoice(
            socket,
            (text, ct) => text.StartsWith("Eleven", StringComparison.Ordinal) ? Late(text, secondSentence, interrupted.Task) : Speech(text, [], ct, msPerWord: 3000),
            sampleRate: 16_000);
        var (_, conversation, microphone) = await CountingConversationAsync(loop, avatar, voice);

        var answer = conversation.SendAsync("Count for me.");
        await started.WaitForAsync(s => s.Count == 1);
        await secondSentence.Task.WaitAsync(Loopback.Patience);
        SayEnough(loop, microphone);
        var cut = await answer.WaitAsync(Loopback.Patience);
        await Loopback.UntilAsync(() => conversation.History.Count == 4);

        cut.Interrupted.Should().BeTrue();
        cut.Error.Should().BeNull();
        cut.SpokenPieces.Should().Equal("One two three four five six seven eight nine ten.");
        conversation.History.Select(m => m.Text).Should().Equal("Count for me.", "One two three four five six seven eight nine ten.", "enough", "Okay.");
        started.Items.Should().HaveCount(2, "the first sentence, then the next answer (which has ended); never the second sentence");
    }

    /// <summary>A conversation whose model counts to ten, then to twelve, then hangs; then says "Okay."; the user's microphone is on, not listened to.</summary>
    private static async Task<(ScriptedChatClient Model, AvatarConversation Conversation, PushAudioSource Microphone)> CountingConversationAsync(Loopback loop, StreamingAvatar avatar, RealtimeVoice voice)
    {
        var model = new ScriptedChatClient(TimeProvider.System);
        model.Enqueue(Step.Say("One two three four five six seven eight nine ten. "), Step.Say("Eleven twelve. "), Step.Hang());
        model.Enqueue(Step.Say("Okay."));
        var conversation = loop.Own(new AvatarConversation(avatar, model, new AvatarConversationOptions { RealtimeVoice = voice }));
        var microphone = loop.Own(new PushAudioSource());
        await avatar.StartVoiceChatAsync(new StartVoiceChatRequest { AudioSource = microphone });
        await avatar.StopListeningAsync();
        return (model, conversation, microphone);
    }

    /// <summary>The user says "enough" into the microphone (the fake transcribes it so).</summary>
    private static void SayEnough(Loopback loop, PushAudioSource microphone)
    {
        loop.Server.EnqueueTranscript("enough");
        microphone.Push(AudioClips.SpeechLike(TimeSpan.FromMilliseconds(600)));
        microphone.Push(AudioClips.Silence(TimeSpan.FromMilliseconds(1500)));
    }

    /// <summary>A text-to-speech that starts making its audio when <paramref name="go"/> completes and does not watch its token.</summary>
    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> Late(string text, TaskCompletionSource entered, Task go)
    {
        entered.TrySetResult();
        await go.ConfigureAwait(false);
        yield return Tone(text, msPerWord: 100);
    }

    /// <summary>A stand-in text-to-speech: a tone of a set length per word, at 16 kHz, in two chunks.</summary>
    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> Speech(string text, List<string> log, [EnumeratorCancellation] CancellationToken cancellationToken, int msPerWord = 100)
    {
        lock (log)
        {
            log.Add(text);
        }

        var pcm = Tone(text, msPerWord);
        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
        yield return pcm.AsMemory(0, pcm.Length / 2 / 2 * 2);
        yield return pcm.AsMemory(pcm.Length / 2 / 2 * 2);
    }

    /// <summary>A tone of <paramref name="msPerWord"/> a word of the text, PCM16 mono at 16 kHz.</summary>
    private static byte[] Tone(string text, int msPerWord)
    {
        var samples = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length * msPerWord * 16;
        var pcm = new byte[samples * 2];
        for (var i = 0; i < samples; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(pcm.AsSpan(i * 2), (short)(Math.Sin(i * 0.07) * 5000));
        }

        return pcm;
    }
}
