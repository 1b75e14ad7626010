using System.Buffers;
using System.Threading.Channels;

namespace KonPro.Streaming.Voice;

/// <summary>
/// A real-time source the application feeds: push the 16 kHz mono PCM16 buffers your microphone library
/// captures with <see cref="Push"/>, and call <see cref="Complete"/> when the capture ends.
/// </summary>
/// <remarks>
/// Thread-safe for one pushing thread and one reader. When the reader falls behind by more than
/// <c>maxBufferedChunks</c> pushed buffers, the oldest are dropped: late audio is of no use to a conversation.
/// </remarks>
public sealed class PushAudioSource : IAudioSource
{
    private readonly Channel<Segment> _channel;
    private Segment _current;

    /// <summary>Creates the source.</summary>
    /// <param name="maxBufferedChunks">How many pushed buffers may wait for the reader before the oldest are dropped (1 to 10,000; default 256).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBufferedChunks"/> is out of range.</exception>
    public PushAudioSource(int maxBufferedChunks = 256)
    {
        if (maxBufferedChunks is < 1 or > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(maxBufferedChunks), maxBufferedChunks, "maxBufferedChunks must be between 1 and 10,000.");
        }

        _channel = Channel.CreateBounded<Segment>(
            new BoundedChannelOptions(maxBufferedChunks)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
                SingleWriter = false,
            },
            static dropped => dropped.Return());
    }

    /// <inheritdoc />
    /// <remarks>Always <see langword="true"/>: reads wait for pushed audio.</remarks>
    public bool IsRealTime => true;

    /// <summary>Adds captured audio (copied; the caller may reuse <paramref name="pcm16"/>).</summary>
    /// <param name="pcm16">16 kHz mono PCM16 bytes: whole samples (an even count), so that dropping a buffer keeps the samples aligned.</param>
    /// <returns><see langword="false"/> when the source is already completed (the audio is ignored).</returns>
    public bool Push(ReadOnlySpan<byte> pcm16)
    {
        if (pcm16.IsEmpty)
        {
            return true;
        }

        var array = ArrayPool<byte>.Shared.Rent(pcm16.Length);
        pcm16.CopyTo(array);
        var segment = new Segment(array, 0, pcm16.Length);
        if (_channel.Writer.TryWrite(segment))
        {
            return true;
        }

        segment.Return();
        return false;
    }

    /// <summary>Ends the audio: reads return what is buffered, then 0.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    /// <inheritdoc />
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (_current.Count == 0)
        {
            _current.Return();
            _current = default;
            if (!await _channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return 0;
            }

            _channel.Reader.TryRead(out _current);
        }

        var count = Math.Min(buffer.Length, _current.Count);
        _current.Array.AsSpan(_current.Offset, count).CopyTo(buffer.Span);
        _current = _current with { Offset = _current.Offset + count, Count = _current.Count - count };
        return count;
    }

    /// <summary>Completes the source and releases buffered audio.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        Complete();
        while (_channel.Reader.TryRead(out var segment))
        {
            segment.Return();
        }

        _current.Return();
        _current = default;
        return ValueTask.CompletedTask;
    }

    private readonly record struct Segment(byte[]? Array, int Offset, int Count)
    {
        public void Return()
        {
            if (Array is not null)
            {
                ArrayPool<byte>.Shared.Return(Array);
            }
        }
    }
}
