using KonPro.Streaming.Speaking;

namespace KonPro.Streaming.Conversation;

/// <summary>How the avatar says an answer: <c>repeat</c> tasks, or your own voice over the realtime audio socket.</summary>
internal interface IAnswerVoice
{
    /// <summary>Starts saying a stream of text; the token stops reading it.</summary>
    Task<AnswerSpeech> SpeakAsync(IAsyncEnumerable<string> text, CancellationToken cancellationToken);

    /// <summary>Stops what the avatar is saying and drops what is queued.</summary>
    Task InterruptAsync(CancellationToken cancellationToken);
}

/// <summary>
/// One answer being said: the moment the avatar began (taken when the avatar's start arrived, never later when a
/// continuation happens to run), and how it ended (never faults).
/// </summary>
internal sealed record AnswerSpeech(Task<DateTimeOffset> Started, Task<AnswerEnd> Completed);

/// <summary>How an answer ended.</summary>
internal sealed record AnswerEnd(SpeakOutcome Outcome, IReadOnlyList<string> SpokenPieces, Exception? Error);

/// <summary>Says answers as <c>repeat</c> tasks through <see cref="StreamingAvatar.SpeakAsync(IAsyncEnumerable{string}, SpeakStreamOptions?, CancellationToken)"/>.</summary>
internal sealed class RepeatVoice(StreamingAvatar avatar, int maxPieceLength) : IAnswerVoice
{
    public async Task<AnswerSpeech> SpeakAsync(IAsyncEnumerable<string> text, CancellationToken cancellationToken)
    {
        var handle = await avatar.SpeakAsync(text, new SpeakStreamOptions { TaskType = TaskType.Repeat, MaxPieceLength = maxPieceLength }, cancellationToken).ConfigureAwait(false);
        // The moment is the AvatarStartTalking event's own ReceivedAt, stamped (on the avatar's clock) as the event
        // arrived: a continuation that reads a clock later may run after time has moved on.
        var started = handle.Started.ContinueWith(
            static t => t.Result.ReceivedAt,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return new AnswerSpeech(started, EndAsync(handle));
    }

    public Task InterruptAsync(CancellationToken cancellationToken) => avatar.InterruptAsync(cancellationToken);

    private static async Task<AnswerEnd> EndAsync(StreamSpeakHandle handle)
    {
        var result = await handle.Completed.ConfigureAwait(false);
        return new AnswerEnd(result.Outcome, result.SpokenPieces, result.Error);
    }
}
