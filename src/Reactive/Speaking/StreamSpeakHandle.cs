using KonPro.Streaming.Events;

namespace KonPro.Streaming.Speaking;

/// <summary>
/// One utterance spoken from a stream of text (returned by <c>SpeakAsync(IAsyncEnumerable&lt;string&gt;, ...)</c>):
/// its pieces are sent as they are cut from the stream. <see cref="Started"/> completes when the avatar begins the
/// first piece; <see cref="Completed"/> when the stream has ended and every piece sent has ended, or when the
/// utterance was cut short. Neither task ever faults.
/// </summary>
public sealed class StreamSpeakHandle
{
    private readonly Lock _gate = new();
    private readonly List<SpokenPiece> _pieces = [];
    private readonly TaskCompletionSource<AvatarStartTalking> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<StreamSpeakResult> _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeProvider _time;

    internal StreamSpeakHandle(TimeProvider time) => _time = time;

    /// <summary>The pieces sent so far, in order (a snapshot).</summary>
    public IReadOnlyList<SpokenPiece> Pieces
    {
        get
        {
            lock (_gate)
            {
                return [.. _pieces];
            }
        }
    }

    /// <summary>Completes with the first piece's <see cref="AvatarStartTalking"/>; is cancelled when the utterance ended without the avatar saying anything.</summary>
    public Task<AvatarStartTalking> Started => _started.Task;

    /// <summary>Completes when the utterance ended, with how it ended. Never faults.</summary>
    public Task<StreamSpeakResult> Completed => _completed.Task;

    /// <summary>Waits for the utterance to end, for at most <paramref name="timeout"/>.</summary>
    /// <param name="timeout">The longest wait.</param>
    /// <param name="cancellationToken">Cancels the wait (not the utterance).</param>
    /// <returns>How the utterance ended.</returns>
    /// <exception cref="TimeoutException">The utterance did not end in time.</exception>
    public Task<StreamSpeakResult> WaitForCompletionAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        Completed.WaitAsync(timeout, _time, cancellationToken);

    /// <inheritdoc />
    public override string ToString()
    {
        var status = Completed.IsCompleted ? Completed.Result.Outcome.ToString() : Started.IsCompletedSuccessfully ? "Speaking" : "Queued";
        return $"StreamSpeakHandle {{ Pieces = {Pieces.Count}, Status = {status} }}";
    }

    internal void Add(SpokenPiece piece)
    {
        lock (_gate)
        {
            _pieces.Add(piece);
        }

        _ = ForwardStartAsync(piece.Handle);
    }

    internal void Complete(SpeakOutcome outcome, Exception? error)
    {
        var pieces = Pieces;
        var spoken = pieces.Where(p => p.Handle.Started.IsCompletedSuccessfully).Select(p => p.Text).ToList();
        if (_completed.TrySetResult(new StreamSpeakResult(outcome, pieces, spoken, error)))
        {
            _started.TrySetCanceled();
        }
    }

    private async Task ForwardStartAsync(SpeakHandle handle)
    {
        try
        {
            _started.TrySetResult(await handle.Started.ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            // This piece never started; another may.
        }
    }
}
