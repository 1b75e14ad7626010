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
    private readonly RealtimeAudioSocket _socket;
    private readonly PcmResampler? _resampler;
    private readonly int _sampleRate;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<RealtimeSpeakResult> _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeProvider _time;
    private int _messages;

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
    /// <exception cref="ArgumentException">The audio has an odd number of bytes (nothing was sent).</exception>
    /// <exception cref="InvalidOperationException">The utterance was ended, or the socket is not open.</exception>
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

        var audio = _resampler is null ? pcm16 : _resampler.Process(pcm16.Span);
        await SendAudioAsync(audio, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ends the utterance (<c>agent.speak_end</c>): the avatar finishes speaking what was sent.</summary>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>A task that completes when the end was sent (not when the avatar finished: see <see cref="Completed"/>).</returns>
    /// <exception cref="InvalidOperationException">The socket is not open.</exception>
    public async Task EndAsync(CancellationToken cancellationToken = default)
    {
        if (IsEnded)
        {
            return;
        }

        IsEnded = true;
        if (_resampler is not null)
        {
            // The resampler's low-pass looks a few samples ahead: the end of the audio is sent now.
            await SendAudioAsync(_resampler.Flush(), cancellationToken).ConfigureAwait(false);
        }

        if (Volatile.Read(ref _messages) == 0)
        {
            MarkEnded(SpeakOutcome.Completed, 0); // nothing to say
            return;
        }

        await _socket.SendControlAsync(Api.RealtimeMessageTypes.SpeakEnd, EventId, cancellationToken).ConfigureAwait(false);
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

    internal void MarkStarted() => _started.TrySetResult();

    private async Task SendAudioAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken)
    {
        var max = _socket.MaxBytesPerMessage;
        for (var offset = 0; offset < audio.Length; offset += max)
        {
            var piece = audio.Slice(offset, Math.Min(max, audio.Length - offset));
            await _socket.SendSpeakAsync(EventId, piece, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _messages);
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
