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

/// <summary>Says answers sentence by sentence through a <see cref="RealtimeVoice"/>.</summary>
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
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var said = new List<(string Text, RealtimeUtterance Utterance)>();
        Exception? error = null;
        try
        {
            await foreach (var sentence in SentenceSplitter.SplitAsync(text, maxPieceLength, stop.Token).ConfigureAwait(false))
            {
                var utterance = voice.Socket.BeginUtterance(voice.SampleRate);
                said.Add((sentence, utterance));
                // The utterance's start carries no timestamp: the clock is read as it completes (synchronously, not later).
                _ = utterance.Started.ContinueWith(_ => started.TrySetResult(time.GetUtcNow()), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                _ = utterance.Completed.ContinueWith(
                    t =>
                    {
                        if (t.Result.Outcome != SpeakOutcome.Completed)
                        {
                            CancelQuietly(stop);
                        }
                    },
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
                await foreach (var pcm in voice.TextToSpeech(sentence, stop.Token).WithCancellation(stop.Token).ConfigureAwait(false))
                {
                    await utterance.AppendAsync(pcm, stop.Token).ConfigureAwait(false);
                }

                await utterance.EndAsync(stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Cut short.
        }
#pragma warning disable CA1031 // reported in the answer's end, never thrown
        catch (Exception ex)
#pragma warning restore CA1031
        {
            error = ex;
        }

        foreach (var (_, utterance) in said.Where(s => !s.Utterance.IsEnded))
        {
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

        var results = await Task.WhenAll(said.Select(s => s.Utterance.Completed)).ConfigureAwait(false);
        var outcome = results.Select(r => r.Outcome).FirstOrDefault(o => o != SpeakOutcome.Completed, SpeakOutcome.Completed);
        if (outcome == SpeakOutcome.Completed && cancellationToken.IsCancellationRequested)
        {
            outcome = SpeakOutcome.Interrupted;
        }

        started.TrySetCanceled();
        var spoken = said.Where(s => s.Utterance.Started.IsCompletedSuccessfully).Select(s => s.Text).ToList();
        return new AnswerEnd(outcome, spoken, error);
    }

    private static void CancelQuietly(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already over.
        }
    }
}
