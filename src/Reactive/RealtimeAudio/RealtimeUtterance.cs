using KonPro.Streaming.Speaking;

namespace KonPro.Streaming.RealtimeAudio;

/// <summary>How an utterance on the realtime audio socket ended.</summary>
/// <param name="EventId">The utterance's <c>event_id</c>.</param>
/// <param name="Outcome">Spoken, interrupted, or the socket closed first.</param>
/// <param name="DurationMs">How long the avatar spoke it, in milliseconds, when the server said.</param>
public sealed record RealtimeSpeakResult(string EventId, SpeakOutcome Outcome, long? DurationMs);

/// <summary>
/// One utterance of your own audio on a <see cref="RealtimeAudioSocket"/>: append PCM with <see cref="AppendAsync"/>,
/// end it with <see cref="EndAsync"/>. <see cref="Started"/> completes when the avatar begins speaking it;
/// <see cref="Completed"/> when it has spoken it, an interrupt cut it, or the socket closed. Neither ever faults.
/// </summary>
public sealed class RealtimeUtterance
{
    private const int WireNothing = 0;
    private const int WireAudio = 1;
    private const int WireCut = 2;

    private readonly RealtimeAudioSocket _socket;
    private readonly PcmResampler? _resampler;
    private readonly int _sampleRate;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<RealtimeSpeakResult> _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeProvider _time;
    // What the server has of it: nothing yet, some audio, or cut by an interrupt (changed under the socket's send lock).
    private int _wire;

    internal RealtimeUtterance(RealtimeAudioSocket socket, string eventId, int sampleRate, TimeProvider time)
    {
        _socket = socket;
        EventId = eventId;
        _sampleRate = sampleRate;
        _resampler = sampleRate == RealtimeAudioSocket.SampleRate ? null : new PcmResampler(sampleRate, RealtimeAudioSocket.SampleRate);
        _time = time;
    }

    /// <summary>The utterance's <c>event_id</c>: the server's speaking events carry it.</summary>
    public string EventId { get; }

    /// <summary>Completes when the avatar begins speaking it; is cancelled when it ended without beginning.</summary>
    public Task Started => _started.Task;

    /// <summary>Completes when it ended, with how. Never faults.</summary>
    public Task<RealtimeSpeakResult> Completed => _completed.Task;

    /// <summary>Whether <see cref="EndAsync"/> was called.</summary>
    public bool IsEnded { get; private set; }

    /// <summary>
    /// Sends PCM16 mono audio (little-endian) at the sample rate this utterance was begun with, resampled to 24 kHz,
    /// in messages of at most <see cref="RealtimeAudioSocketOptions.MaxAudioPerMessage"/>.
    /// </summary>
    /// <param name="pcm16">Whole 16-bit samples.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>A task that completes when the audio was sent.</returns>
    /// <remarks>Once an interrupt has cut the utterance (<see cref="RealtimeAudioSocket.InterruptAsync"/>), its audio is
    /// dropped: the avatar never says it, and <see cref="Completed"/> says <see cref="SpeakOutcome.Interrupted"/>.</remarks>
    /// <exception cref="ArgumentException">The audio has an odd number of bytes (nothing was sent).</exception>
    /// <exception cref="InvalidOperationException">The utterance was ended, or the socket is not open.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled (the audio was not taken).</exception>
    public async Task AppendAsync(ReadOnlyMemory<byte> pcm16, CancellationToken cancellationToken = default)
    {
        if (pcm16.Length % 2 != 0)
        {
            throw new ArgumentException($"PCM16 audio is whole 2-byte samples; got {pcm16.Length} bytes.", nameof(pcm16));
        }

        if (IsEnded)
        {
            throw new InvalidOperationException($"The utterance {EventId} was ended; begin a new one.");
        }

        // Before the resampler takes the audio: a cancelled append leaves nothing of it behind to be flushed later.
        cancellationToken.ThrowIfCancellationRequested();
        if (IsCut)
        {
            return;
        }

        var audio = _resampler is null ? pcm16 : _resampler.Process(pcm16.Span);
        await SendAudioAsync(audio, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ends the utterance (<c>agent.speak_end</c>): the avatar finishes speaking what was sent.</summary>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>A task that completes when the end was sent (not when the avatar finished: see <see cref="Completed"/>).
    /// Nothing is sent for an utterance an interrupt cut.</returns>
    /// <exception cref="InvalidOperationException">The socket is not open.</exception>
    public async Task EndAsync(CancellationToken cancellationToken = default)
    {
        if (IsEnded)
        {
            return;
        }

        IsEnded = true;
        if (IsCut)
        {
            return;
        }

        if (_resampler is not null)
        {
            // The resampler's low-pass looks a few samples ahead: the end of the audio is sent now.
            await SendAudioAsync(_resampler.Flush(), cancellationToken).ConfigureAwait(false);
        }

        if (Volatile.Read(ref _wire) == WireNothing)
        {
            MarkEnded(SpeakOutcome.Completed, 0); // nothing to say
            return;
        }

        await _socket.SendSpeakEndAsync(this, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits for the utterance to end, for at most <paramref name="timeout"/>.</summary>
    /// <param name="timeout">The longest wait.</param>
    /// <param name="cancellationToken">Cancels the wait (not the utterance).</param>
    /// <returns>How it ended.</returns>
    /// <exception cref="TimeoutException">It did not end in time.</exception>
    public Task<RealtimeSpeakResult> WaitForCompletionAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        Completed.WaitAsync(timeout, _time, cancellationToken);

    /// <inheritdoc />
    public override string ToString() => $"RealtimeUtterance {{ EventId = {EventId}, SampleRate = {_sampleRate}, Status = {(Completed.IsCompleted ? Completed.Result.Outcome.ToString() : Started.IsCompletedSuccessfully ? "Speaking" : "Queued")} }}";

    /// <summary>Whether an interrupt cut it.</summary>
    internal bool IsCut => Volatile.Read(ref _wire) == WireCut;

    internal void MarkStarted() => _started.TrySetResult();

    /// <summary>Under the send lock, before a piece of its audio goes out: false (send nothing) once it was cut.</summary>
    internal bool TryClaimSend() => Interlocked.CompareExchange(ref _wire, WireAudio, WireNothing) != WireCut;

    /// <summary>
    /// Under the send lock, as an interrupt goes out: cuts it; returns whether the server has heard of it (some of its
    /// audio went out, or an earlier interrupt found it had: one that found nothing forgot it, so it is not cut twice).
    /// </summary>
    internal bool Cut() => Interlocked.Exchange(ref _wire, WireCut) != WireNothing;

    private async Task SendAudioAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken)
    {
        var max = _socket.MaxBytesPerMessage;
        for (var offset = 0; offset < audio.Length; offset += max)
        {
            var piece = audio.Slice(offset, Math.Min(max, audio.Length - offset));
            await _socket.SendSpeakAsync(this, piece, cancellationToken).ConfigureAwait(false);
            if (IsCut)
            {
                return; // an interrupt cut it: the rest would be dropped
            }
        }
    }

    internal void MarkEnded(SpeakOutcome outcome, long? durationMs)
    {
        if (_completed.TrySetResult(new RealtimeSpeakResult(EventId, outcome, durationMs)))
        {
            _started.TrySetCanceled();
        }
    }
}
