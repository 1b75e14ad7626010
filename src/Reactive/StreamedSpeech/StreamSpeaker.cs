namespace KonPro.Streaming;

/// <summary>
/// Speaks a stream of text: cuts it into sentences as it arrives and sends each as an asynchronous task, in order,
/// without waiting for the rest. Stops reading when a piece is interrupted, the session closes or the caller cancels.
/// </summary>
internal static class StreamSpeaker
{
    public static StreamSpeakHandle Start(
        IAsyncEnumerable<string> text,
        SpeakStreamOptions options,
        Func<SpeakRequest, CancellationToken, Task<SpeakHandle>> speak,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var handle = new StreamSpeakHandle(time);
        _ = RunAsync(handle, text, options.TaskType, options.MaxPieceLength, speak, cancellationToken);
        return handle;
    }

    private static async Task RunAsync(
        StreamSpeakHandle handle,
        IAsyncEnumerable<string> text,
        TaskType taskType,
        int maxLength,
        Func<SpeakRequest, CancellationToken, Task<SpeakHandle>> speak,
        CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var cutShort = SpeakOutcome.Completed;
        var gate = new Lock();
        var ends = new List<Task<SpeakResult>>();
        Exception? error = null;

        void WatchEnd(SpeakHandle piece) => _ = piece.Completed.ContinueWith(
            t =>
            {
                if (t.Result.Outcome != SpeakOutcome.Completed)
                {
                    lock (gate)
                    {
                        if (cutShort == SpeakOutcome.Completed)
                        {
                            cutShort = t.Result.Outcome;
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
            var index = 0;
            await foreach (var piece in SentenceSplitter.SplitAsync(text, maxLength, stop.Token).ConfigureAwait(false))
            {
                stop.Token.ThrowIfCancellationRequested();
                var task = await speak(new SpeakRequest { Text = piece, TaskType = taskType, TaskMode = TaskMode.Async }, stop.Token).ConfigureAwait(false);
                handle.Add(new SpokenPiece(index++, piece, task));
                ends.Add(task.Completed);
                WatchEnd(task);
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

        handle.Complete(outcome, error);
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
