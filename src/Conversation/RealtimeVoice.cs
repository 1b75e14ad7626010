using KonPro.Streaming.RealtimeAudio;

namespace KonPro.Streaming.Conversation;

/// <summary>
/// Your own voice for an <see cref="AvatarConversation"/>: each sentence of the answer is turned into PCM16 mono
/// audio by your text-to-speech and streamed over the session's <see cref="RealtimeAudioSocket"/> as one utterance,
/// instead of being sent as a <c>repeat</c> task.
/// </summary>
public sealed class RealtimeVoice
{
    /// <summary>Creates the voice.</summary>
    /// <param name="socket">The session's connected realtime audio socket (not disposed with the conversation).</param>
    /// <param name="textToSpeech">Turns one sentence into PCM16 mono audio at <paramref name="sampleRate"/>, in chunks as it is made; the token stops it.</param>
    /// <param name="sampleRate">The rate of the audio <paramref name="textToSpeech"/> gives (resampled to 24 kHz).</param>
    /// <exception cref="ArgumentOutOfRangeException">The sample rate is not between 8,000 and 192,000 Hz.</exception>
    public RealtimeVoice(RealtimeAudioSocket socket, Func<string, CancellationToken, IAsyncEnumerable<ReadOnlyMemory<byte>>> textToSpeech, int sampleRate = RealtimeAudioSocket.SampleRate)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(textToSpeech);
        if (sampleRate is < 8_000 or > 192_000)
        {
            throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "The sample rate must be between 8000 and 192000 Hz.");
        }

        Socket = socket;
        TextToSpeech = textToSpeech;
        SampleRate = sampleRate;
    }

    /// <summary>The realtime audio socket the answers are spoken on.</summary>
    public RealtimeAudioSocket Socket { get; }

    /// <summary>The text-to-speech.</summary>
    public Func<string, CancellationToken, IAsyncEnumerable<ReadOnlyMemory<byte>>> TextToSpeech { get; }

    /// <summary>The rate of the text-to-speech's audio.</summary>
    public int SampleRate { get; }
}

/// <summary>Says answers sentence by sentence through a <see cref="RealtimeVoice"/>, with the SDK's one stream speaker.</summary>
internal sealed class RealtimeAnswerVoice(RealtimeVoice voice, int maxPieceLength, TimeProvider time) : IAnswerVoice
{
    public Task<AnswerSpeech> SpeakAsync(IAsyncEnumerable<string> text, CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        var completed = RunAsync(text, started, cancellationToken);
        return Task.FromResult(new AnswerSpeech(started.Task, completed));
    }

    public Task InterruptAsync(CancellationToken cancellationToken) => voice.Socket.InterruptAsync(cancellationToken);

    private async Task<AnswerEnd> RunAsync(IAsyncEnumerable<string> text, TaskCompletionSource<DateTimeOffset> started, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var said = new List<(string Text, RealtimeUtterance Utterance)>();
        var utterances = new PieceVoice<RealtimeUtterance>(
            (_, _) => Task.FromResult(voice.Socket.BeginUtterance(voice.SampleRate)),
            static async utterance => (await utterance.Completed.ConfigureAwait(false)).Outcome,
            SayAsync,
            EndQuietlyAsync);
        var end = await StreamSpeaker.SpeakAsync(
            text,
            maxPieceLength,
            utterances,
            (sentence, utterance) =>
            {
                said.Add((sentence, utterance));
                // The utterance's start carries no timestamp: the clock is read as it completes (synchronously, not later).
                _ = utterance.Started.ContinueWith(_ => started.TrySetResult(time.GetUtcNow()), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            },
            cancellationToken).ConfigureAwait(false);

        started.TrySetCanceled();
        var spoken = said.Where(s => s.Utterance.Started.IsCompletedSuccessfully).Select(s => s.Text).ToList();
        return new AnswerEnd(end.Outcome, spoken, end.Error);
    }

    // The sentence's audio, as the text-to-speech makes it, then the utterance's end.
    private async Task SayAsync(RealtimeUtterance utterance, string sentence, CancellationToken cancellationToken)
    {
        await foreach (var pcm in voice.TextToSpeech(sentence, cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            await utterance.AppendAsync(pcm, cancellationToken).ConfigureAwait(false);
        }

        await utterance.EndAsync(cancellationToken).ConfigureAwait(false);
    }

    // An utterance whose audio was cut off is ended, so that the avatar says what it has and the utterance completes.
    private static async Task EndQuietlyAsync(RealtimeUtterance utterance)
    {
        if (utterance.IsEnded)
        {
            return;
        }

        try
        {
            await utterance.EndAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException or OperationCanceledException or System.Net.WebSockets.WebSocketException or IOException)
        {
            // The socket closed, or is closing under the send; the utterance ends with it. What was said is still
            // reported: the answer's end never fails on this clean-up.
        }
    }
}
