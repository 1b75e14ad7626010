using KonPro.Streaming.Speaking;

namespace KonPro.Streaming;

public partial class StreamingAvatar
{
    /// <summary>
    /// Speaks a stream of text (for example a language model's tokens) as it arrives: each sentence is sent as its own
    /// asynchronous task (<see cref="TaskType.Repeat"/> by default, never over <see cref="SpeakRequest.MaxTextLength"/>
    /// characters) as soon as it is complete, in order, so the avatar starts speaking while the rest is still being
    /// written. One handle follows the whole utterance; reading stops when a piece is interrupted (see
    /// <see cref="InterruptAsync"/>) or the session closes. Returns at once; the stream is read in the background.
    /// </summary>
    /// <param name="text">The text, in chunks of any size; it is enumerated once, with a token that is cancelled when reading stops.</param>
    /// <param name="options">The task type and the longest piece; defaults when null.</param>
    /// <param name="cancellationToken">Stops reading the stream and sending pieces (pieces already sent are not interrupted).</param>
    /// <returns>The utterance's handle.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (nothing was sent).</exception>
    /// <exception cref="InvalidOperationException">The session is not started.</exception>
    public virtual Task<StreamSpeakHandle> SpeakAsync(IAsyncEnumerable<string> text, SpeakStreamOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        options ??= new SpeakStreamOptions();
        options.Validate();
        Engine.RequireStarted(nameof(SpeakAsync));
        return Task.FromResult(StreamSpeaker.Start(text, options, SpeakAsync, Engine.Time, cancellationToken));
    }
}
