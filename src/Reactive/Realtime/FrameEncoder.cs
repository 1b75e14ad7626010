using System.Text;

namespace KonPro.Streaming.Realtime;

/// <summary>
/// Encodes the chat socket's binary messages: pipecat <c>Frame</c> protobufs (see <c>openapi/pipecat.proto</c>)
/// wrapping an <c>AudioRawFrame</c> or a <c>TextFrame</c>. The protobuf wire format is written by hand into a
/// buffer the encoder owns and reuses, so an audio frame costs no allocation in steady state.
/// </summary>
/// <remarks>
/// Not thread-safe: one encoder per sender, used under the sender's lock. The memory an Encode method
/// returns is valid until the next call.
/// </remarks>
internal sealed class FrameEncoder
{
    /// <summary>The sample rate of the chat socket's audio.</summary>
    internal const int SampleRate = Api.ChatProtocol.AudioSampleRate;

    /// <summary>The channel count of the chat socket's audio.</summary>
    internal const int Channels = Api.ChatProtocol.AudioChannels;

    /// <summary>Samples per audio chunk (32 ms at 16 kHz).</summary>
    internal const int SamplesPerChunk = Api.ChatProtocol.AudioSamplesPerChunk;

    /// <summary>Bytes per audio chunk (512 PCM16 samples).</summary>
    internal const int BytesPerChunk = SamplesPerChunk * 2;

    // Field tags: (field number << 3) | wire type. Wire type 0 = varint, 2 = length-delimited.
    private const byte FrameTextTag = (1 << 3) | 2;
    private const byte FrameAudioTag = (2 << 3) | 2;
    private const byte IdTag = (1 << 3) | 0;
    private const byte NameTag = (2 << 3) | 2;
    private const byte PayloadTag = (3 << 3) | 2; // AudioRawFrame.audio and TextFrame.text are both field 3
    private const byte SampleRateTag = (4 << 3) | 0;
    private const byte NumChannelsTag = (5 << 3) | 0;

    private static ReadOnlySpan<byte> AudioFrameName => "AudioRawFrame"u8;

    private static ReadOnlySpan<byte> TextFrameName => "TextFrame"u8;

    private byte[] _buffer = new byte[BytesPerChunk + 64];
    private ulong _nextId = 1;

    /// <summary>Encodes a chunk of 16 kHz mono PCM16 as a <c>Frame{audio: AudioRawFrame}</c>.</summary>
    /// <param name="pcm16">The samples, little-endian.</param>
    /// <returns>The frame's bytes, valid until the next call.</returns>
    internal ReadOnlyMemory<byte> EncodeAudio(ReadOnlySpan<byte> pcm16)
    {
        var id = _nextId++;
        var innerLength = AudioFrameLength(id, pcm16.Length);
        var total = 1 + VarintLength((ulong)innerLength) + innerLength;
        var span = Reserve(total);

        var pos = 0;
        span[pos++] = FrameAudioTag;
        pos += WriteVarint(span[pos..], (ulong)innerLength);
        pos += WriteIdAndName(span[pos..], id, AudioFrameName);
        if (!pcm16.IsEmpty)
        {
            // proto3 leaves empty bytes out, like the generated code does.
            span[pos++] = PayloadTag;
            pos += WriteVarint(span[pos..], (ulong)pcm16.Length);
            pcm16.CopyTo(span[pos..]);
            pos += pcm16.Length;
        }

        span[pos++] = SampleRateTag;
        pos += WriteVarint(span[pos..], SampleRate);
        span[pos++] = NumChannelsTag;
        pos += WriteVarint(span[pos..], Channels);

        return new ReadOnlyMemory<byte>(_buffer, 0, pos);
    }

    /// <summary>Encodes a typed user message as a <c>Frame{text: TextFrame}</c>.</summary>
    /// <param name="text">The message.</param>
    /// <returns>The frame's bytes, valid until the next call.</returns>
    internal ReadOnlyMemory<byte> EncodeText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var id = _nextId++;
        var textLength = Encoding.UTF8.GetByteCount(text);
        var innerLength = IdAndNameLength(id, TextFrameName.Length)
            + (textLength == 0 ? 0 : 1 + VarintLength((ulong)textLength) + textLength);
        var total = 1 + VarintLength((ulong)innerLength) + innerLength;
        var span = Reserve(total);

        var pos = 0;
        span[pos++] = FrameTextTag;
        pos += WriteVarint(span[pos..], (ulong)innerLength);
        pos += WriteIdAndName(span[pos..], id, TextFrameName);
        if (textLength > 0)
        {
            span[pos++] = PayloadTag;
            pos += WriteVarint(span[pos..], (ulong)textLength);
            pos += Encoding.UTF8.GetBytes(text, span[pos..]);
        }

        return new ReadOnlyMemory<byte>(_buffer, 0, pos);
    }

    private Span<byte> Reserve(int length)
    {
        if (_buffer.Length < length)
        {
            _buffer = new byte[Math.Max(length, _buffer.Length * 2)];
        }

        return _buffer.AsSpan(0, length);
    }

    private static int AudioFrameLength(ulong id, int audioLength) =>
        IdAndNameLength(id, AudioFrameName.Length)
        + (audioLength == 0 ? 0 : 1 + VarintLength((ulong)audioLength) + audioLength)
        + 1 + VarintLength(SampleRate)
        + 1 + VarintLength(Channels);

    private static int IdAndNameLength(ulong id, int nameLength) =>
        1 + VarintLength(id) + 1 + VarintLength((ulong)nameLength) + nameLength;

    private static int WriteIdAndName(Span<byte> span, ulong id, ReadOnlySpan<byte> name)
    {
        var pos = 0;
        span[pos++] = IdTag;
        pos += WriteVarint(span[pos..], id);
        span[pos++] = NameTag;
        pos += WriteVarint(span[pos..], (ulong)name.Length);
        name.CopyTo(span[pos..]);
        return pos + name.Length;
    }

    private static int VarintLength(ulong value)
    {
        var length = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            length++;
        }

        return length;
    }

    private static int WriteVarint(Span<byte> span, ulong value)
    {
        var pos = 0;
        while (value >= 0x80)
        {
            span[pos++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[pos++] = (byte)value;
        return pos;
    }
}
