using KonPro.Streaming.Speaking;

namespace KonPro.Streaming;

/// <summary>
/// The one way to speak a stream of text: cuts it into sentences as it arrives and has each said, in order, without
/// waiting for the rest. Stops reading when a piece ends other than completed (interrupted, or the session closed) or
/// the caller cancels, then waits for every piece sent to end. <c>SpeakAsync(IAsyncEnumerable&lt;string&gt;)</c> says
/// each piece as an asynchronous task; the conversation package's voices say them as tasks or over the realtime audio
/// socket (<see cref="PieceVoice{TPiece}"/> says how).
/// </summary>
internal static class StreamSpeaker
{
    /// <summary>Starts speaking a stream as tasks; the handle follows it (the facade's <c>SpeakAsync</c> of a stream).</summary>
    public static StreamSpeakHandle Start(
        IAsyncEnumerable<string> text,
        SpeakStreamOptions options,
        Func<SpeakRequest, CancellationToken, Task<SpeakHandle>> speak,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var handle = new StreamSpeakHandle(time);
        _ = RunAsync(handle, text, options, speak, cancellationToken);
        return handle;
    }

    /// <summary>Speaks a stream, piece by piece, with the given voice; completes (never faults) when every piece sent has ended.</summary>
    /// <param name="text">The text, in chunks of any size.</param>
    /// <param name="maxPieceLength">The longest piece.</param>
    /// <param name="voice">How a piece is begun, sent, followed and cleaned up.</param>
    /// <param name="onPiece">Called with each piece once it was begun, before its content is sent.</param>
    /// <param name="cancellationToken">Stops reading the stream (pieces already begun are not interrupted).</param>
    /// <returns>How the stream ended, and why it stopped early when it failed.</returns>
    public static async Task<StreamSpeakEnd> SpeakAsync<TPiece>(
        IAsyncEnumerable<string> text,
        int maxPieceLength,
        PieceVoice<TPiece> voice,
        Action<string, TPiece> onPiece,
        CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var cutShort = SpeakOutcome.Completed;
        var gate = new Lock();
        var pieces = new List<TPiece>();
        var ends = new List<Task<SpeakOutcome>>();
        Exception? error = null;

        void WatchEnd(Task<SpeakOutcome> end) => _ = end.ContinueWith(
            t =>
            {
                if (t.Result != SpeakOutcome.Completed)
                {
                    lock (gate)
                    {
                        if (cutShort == SpeakOutcome.Completed)
                        {
                            cutShort = t.Result;
                        }
                    }

                    CancelQuietly(stop);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

        try
        {
            await foreach (var sentence in SentenceSplitter.SplitAsync(text, maxPieceLength, stop.Token).ConfigureAwait(false))
            {
                stop.Token.ThrowIfCancellationRequested();
                var piece = await voice.Begin(sentence, stop.Token).ConfigureAwait(false);
                pieces.Add(piece);
                onPiece(sentence, piece);
                var end = voice.Ended(piece);
                ends.Add(end);
                WatchEnd(end);
                if (voice.Send is { } send)
                {
                    await send(piece, sentence, stop.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Cut short: by the caller, or because a piece was interrupted or the session closed.
        }
#pragma warning disable CA1031 // the source's or the server's failure is reported in the result, never thrown at the caller
        catch (Exception ex)
#pragma warning restore CA1031
        {
            error = ex;
        }

        if (voice.Finish is { } finish)
        {
            foreach (var piece in pieces)
            {
                await finish(piece).ConfigureAwait(false);
            }
        }

        await Task.WhenAll(ends).ConfigureAwait(false);
        SpeakOutcome outcome;
        lock (gate)
        {
            outcome = cutShort;
        }

        if (outcome == SpeakOutcome.Completed && cancellationToken.IsCancellationRequested)
        {
            outcome = SpeakOutcome.Interrupted;
        }

        return new StreamSpeakEnd(outcome, error);
    }

    private static async Task RunAsync(
        StreamSpeakHandle handle,
        IAsyncEnumerable<string> text,
        SpeakStreamOptions options,
        Func<SpeakRequest, CancellationToken, Task<SpeakHandle>> speak,
        CancellationToken cancellationToken)
    {
        var taskType = options.TaskType;
        var index = 0;
        var voice = new PieceVoice<SpeakHandle>(
            (piece, token) => speak(new SpeakRequest { Text = piece, TaskType = taskType, TaskMode = TaskMode.Async }, token),
            static async task => (await task.Completed.ConfigureAwait(false)).Outcome);
        var end = await SpeakAsync(text, options.MaxPieceLength, voice, (piece, task) => handle.Add(new SpokenPiece(index++, piece, task)), cancellationToken).ConfigureAwait(false);
        handle.Complete(end.Outcome, end.Error);
    }

    private static void CancelQuietly(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The stream has already ended.
        }
    }
}

/// <summary>How <see cref="StreamSpeaker"/> says one piece of a text stream.</summary>
/// <typeparam name="TPiece">What follows one piece (a task's handle, an utterance).</typeparam>
/// <param name="Begin">Begins saying a piece (the token stops it); returns what follows it.</param>
/// <param name="Ended">The piece's outcome, when it ended (never faults).</param>
/// <param name="Send">Sends the piece's content after it was begun (the token is cancelled when reading stops), when there is more to send.</param>
/// <param name="Finish">Called for every piece once reading stopped (for example, to end one whose content was cut off); never throws.</param>
internal sealed record PieceVoice<TPiece>(
    Func<string, CancellationToken, Task<TPiece>> Begin,
    Func<TPiece, Task<SpeakOutcome>> Ended,
    Func<TPiece, string, CancellationToken, Task>? Send = null,
    Func<TPiece, Task>? Finish = null);

/// <summary>How a spoken text stream ended.</summary>
/// <param name="Outcome">Completed, or what cut it short first (the caller's cancel counts as interrupted).</param>
/// <param name="Error">Why reading stopped early (the source threw, or a piece was refused), or null.</param>
internal sealed record StreamSpeakEnd(SpeakOutcome Outcome, Exception? Error);
