namespace KonPro.Streaming.Conversation;

/// <summary>How the avatar says an answer: <c>repeat</c> tasks, or your own voice over the realtime audio socket.</summary>
internal interface IAnswerVoice
{
    /// <summary>Starts saying a stream of text; the token stops reading it.</summary>
    Task<AnswerSpeech> SpeakAsync(IAsyncEnumerable<string> text, CancellationToken cancellationToken);

    /// <summary>Stops what the avatar is saying and drops what is queued.</summary>
    Task InterruptAsync(CancellationToken cancellationToken);
}

/// <summary>One answer being said: when the avatar began, and how it ended (never faults).</summary>
internal sealed record AnswerSpeech(Task Started, Task<AnswerEnd> Completed);

/// <summary>How an answer ended.</summary>
internal sealed record AnswerEnd(SpeakOutcome Outcome, IReadOnlyList<string> SpokenPieces, Exception? Error);

/// <summary>Says answers as <c>repeat</c> tasks through <see cref="StreamingAvatar.SpeakAsync(IAsyncEnumerable{string}, SpeakStreamOptions?, CancellationToken)"/>.</summary>
internal sealed class RepeatVoice(StreamingAvatar avatar, int maxPieceLength) : IAnswerVoice
{
    public async Task<AnswerSpeech> SpeakAsync(IAsyncEnumerable<string> text, CancellationToken cancellationToken)
    {
        var handle = await avatar.SpeakAsync(text, new SpeakStreamOptions { TaskType = TaskType.Repeat, MaxPieceLength = maxPieceLength }, cancellationToken).ConfigureAwait(false);
        return new AnswerSpeech(handle.Started, EndAsync(handle));
    }

    public Task InterruptAsync(CancellationToken cancellationToken) => avatar.InterruptAsync(cancellationToken);

    private static async Task<AnswerEnd> EndAsync(StreamSpeakHandle handle)
    {
        var result = await handle.Completed.ConfigureAwait(false);
        return new AnswerEnd(result.Outcome, result.SpokenPieces, result.Error);
    }
}
