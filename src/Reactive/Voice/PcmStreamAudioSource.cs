namespace KonPro.Streaming.Voice;

/// <summary>Raw 16 kHz mono PCM16 (little-endian, no header) read from a <see cref="Stream"/>.</summary>
public sealed class PcmStreamAudioSource : IAudioSource
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;

    /// <summary>Creates the source.</summary>
    /// <param name="stream">The PCM bytes.</param>
    /// <param name="isRealTime">Whether the stream delivers audio in real time (a live capture) rather than as fast as it is read (a file or a buffer).</param>
    /// <param name="leaveOpen">Whether to leave <paramref name="stream"/> open when the source is disposed.</param>
    public PcmStreamAudioSource(Stream stream, bool isRealTime = false, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream must be readable.", nameof(stream));
        }

        _stream = stream;
        IsRealTime = isRealTime;
        _leaveOpen = leaveOpen;
    }

    /// <inheritdoc />
    public bool IsRealTime { get; }

    /// <inheritdoc />
    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _stream.ReadAsync(buffer, cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _leaveOpen ? ValueTask.CompletedTask : _stream.DisposeAsync();
}
