namespace KonPro.Streaming.Voice;

/// <summary>
/// A source of the user's voice for voice chat: 16 kHz, mono, signed 16-bit little-endian PCM.
/// </summary>
/// <remarks>
/// The SDK reads a source from one task at a time and sends it in chunks of 512 samples (32 ms). A real-time
/// source (a microphone) paces itself: its reads wait for audio. A source that is not real-time (a file) is
/// paced by the SDK at 32 ms per chunk, so the avatar hears it at speaking speed.
/// </remarks>
public interface IAudioSource : IAsyncDisposable
{
    /// <summary>Whether reads wait for audio in real time (a microphone), rather than returning as fast as they can (a file).</summary>
    bool IsRealTime { get; }

    /// <summary>Reads the next PCM16 bytes into <paramref name="buffer"/>.</summary>
    /// <param name="buffer">Where to put the bytes.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The number of bytes read (at least 1 when <paramref name="buffer"/> is not empty), or 0 at the end of the audio.</returns>
    ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);
}
