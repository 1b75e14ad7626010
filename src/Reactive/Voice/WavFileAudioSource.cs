using System.Buffers.Binary;
using System.Globalization;
using NAudio.Dsp;

namespace KonPro.Streaming.Voice;

/// <summary>
/// The audio of a RIFF/WAVE file, converted on the fly to what voice chat sends: 16 kHz, mono, PCM16.
/// Reads PCM (8-bit unsigned, 16, 24 or 32-bit signed) and IEEE float (32 or 64-bit), plain or
/// <c>WAVE_FORMAT_EXTENSIBLE</c>; several channels are mixed down to one (their average) and other sample
/// rates are resampled to 16 kHz with the SDK's resampler (NAudio's WDL resampler in windowed-sinc mode), which low-passes before it
/// decimates: content above 8 kHz is removed rather than folded into the voice band (a 12 kHz tone in a 48 kHz file
/// comes out more than 30 dB down). The filter adds no delay at the start and is flushed at the end. A file is not
/// real-time: the SDK paces it.
/// </summary>
public sealed class WavFileAudioSource : IAudioSource
{
    private const int TargetRate = 16_000;
    private const int FramesPerBlock = 4096;
    private const ushort FormatPcm = 1;
    private const ushort FormatFloat = 3;
    private const ushort FormatExtensible = 0xFFFE;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly int _blockAlign;
    private readonly bool _isFloat;
    private readonly bool _passThrough;
    private readonly WdlResampler? _resampler;
    private readonly float[] _resampled;
    private byte[] _input;
    private float[] _mono;
    private readonly byte[] _output;
    private long _dataRemaining;
    private int _inputCarry;
    private int _outputOffset;
    private int _outputCount;
    private bool _ended;

    /// <summary>Reads the header of a WAVE stream; the audio is read as the source is read.</summary>
    /// <param name="stream">The WAVE bytes, positioned at the start of the RIFF header.</param>
    /// <param name="leaveOpen">Whether to leave <paramref name="stream"/> open when the source is disposed.</param>
    /// <exception cref="InvalidDataException">Not a RIFF/WAVE stream, or a format it cannot read (the message says which).</exception>
    public WavFileAudioSource(Stream stream, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _leaveOpen = leaveOpen;

        var header = ReadHeader(stream);
        SourceSampleRate = header.SampleRate;
        SourceChannels = header.Channels;
        SourceBitsPerSample = header.BitsPerSample;
        _blockAlign = header.BlockAlign;
        _isFloat = header.IsFloat;
        _dataRemaining = header.DataLength;
        _passThrough = !header.IsFloat && header.BitsPerSample == 16 && header.Channels == 1 && header.SampleRate == TargetRate;
        if (header.SampleRate != TargetRate)
        {
            // The SDK's one resampler (a real low-pass before decimation), driven by output: see ConvertNextBlockAsync.
            _resampler = PcmResampler.CreateFilter(header.SampleRate, TargetRate, inputDriven: false);
        }

        _input = new byte[FramesPerBlock * _blockAlign];
        _mono = new float[FramesPerBlock];
        _resampled = new float[FramesPerBlock];
        _output = new byte[FramesPerBlock * 2];
        if (header.DataLength >= 0)
        {
            Duration = TimeSpan.FromSeconds((double)(header.DataLength / _blockAlign) / header.SampleRate);
        }
    }

    /// <summary>Opens a WAVE file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The source (dispose it to close the file).</returns>
    /// <exception cref="InvalidDataException">Not a RIFF/WAVE file, or a format it cannot read.</exception>
    public static WavFileAudioSource Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true);
        try
        {
            return new WavFileAudioSource(stream);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    /// <remarks>Always <see langword="false"/>: the file is read as fast as asked, and the SDK paces it.</remarks>
    public bool IsRealTime => false;

    /// <summary>The file's sample rate, in Hz.</summary>
    public int SourceSampleRate { get; }

    /// <summary>The file's channel count.</summary>
    public int SourceChannels { get; }

    /// <summary>The file's bits per sample.</summary>
    public int SourceBitsPerSample { get; }

    /// <summary>The length of the audio, when the header states it (<see langword="null"/> for a streamed file of unknown length).</summary>
    public TimeSpan? Duration { get; }

    /// <inheritdoc />
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        if (_passThrough)
        {
            return await ReadDataAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        while (_outputCount == 0)
        {
            if (!await ConvertNextBlockAsync(cancellationToken).ConfigureAwait(false))
            {
                return 0;
            }
        }

        var count = Math.Min(buffer.Length, _outputCount) & ~1; // whole samples
        if (count == 0)
        {
            count = Math.Min(buffer.Length, _outputCount);
        }

        _output.AsSpan(_outputOffset, count).CopyTo(buffer.Span);
        _outputOffset += count;
        _outputCount -= count;
        return count;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _leaveOpen ? ValueTask.CompletedTask : _stream.DisposeAsync();

    // Reads the data chunk, never past its end.
    private async ValueTask<int> ReadDataAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (_dataRemaining == 0)
        {
            return 0;
        }

        if (_dataRemaining > 0 && buffer.Length > _dataRemaining)
        {
            buffer = buffer[..(int)_dataRemaining];
        }

        var read = await _stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (_dataRemaining > 0)
        {
            _dataRemaining = read == 0 ? 0 : _dataRemaining - read;
        }

        return read;
    }

    // Produces the next block of 16 kHz output into _output: reads the input frames it takes, mixes them to mono
    // and resamples them. Returns false at the end, once the resampler has been flushed.
    private async ValueTask<bool> ConvertNextBlockAsync(CancellationToken cancellationToken)
    {
        if (_ended)
        {
            return false;
        }

        // Output-driven: the resampler says how many input frames the next block of output takes.
        var wanted = _resampler?.ResamplePrepare(FramesPerBlock, 1, out _) ?? FramesPerBlock;
        EnsureInputCapacity(wanted);
        var frames = await ReadFramesAsync(wanted, cancellationToken).ConfigureAwait(false);
        ToMono(_input.AsSpan(0, frames * _blockAlign), _mono.AsSpan(0, frames));
        _input.AsSpan(frames * _blockAlign, _inputCarry).CopyTo(_input);

        int produced;
        if (_resampler is null)
        {
            _mono.AsSpan(0, frames).CopyTo(_resampled);
            produced = frames;
            _ended = frames < wanted;
        }
        else
        {
            // Asking again is allowed and gives the same count; fewer frames than wanted (the end) flushes the filter.
            _resampler.ResamplePrepare(FramesPerBlock, 1, out var into);
            _mono.AsSpan(0, frames).CopyTo(into);
            produced = _resampler.ResampleOut(_resampled, frames, FramesPerBlock, 1);
            _ended = frames < wanted;
        }

        for (var i = 0; i < produced; i++)
        {
            Pcm16.Write(_output, i, _resampled[i]);
        }

        _outputOffset = 0;
        _outputCount = produced * 2;
        return produced > 0 || !_ended;
    }

    private void EnsureInputCapacity(int frames)
    {
        if (_mono.Length < frames)
        {
            Array.Resize(ref _mono, frames);
            Array.Resize(ref _input, frames * _blockAlign);
        }
    }

    // Reads up to `frames` whole frames into _input (fewer only at the end); a partial frame is carried over.
    private async ValueTask<int> ReadFramesAsync(int frames, CancellationToken cancellationToken)
    {
        var filled = _inputCarry;
        var want = frames * _blockAlign;
        while (filled < want)
        {
            var read = await ReadDataAsync(_input.AsMemory(filled, want - filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        var whole = filled / _blockAlign;
        _inputCarry = filled - (whole * _blockAlign); // at the end, a partial last frame is dropped
        return whole;
    }

    private void ToMono(ReadOnlySpan<byte> interleaved, Span<float> mono)
    {
        var channels = SourceChannels;
        var bytesPerSample = SourceBitsPerSample / 8;
        for (var frame = 0; frame < mono.Length; frame++)
        {
            var sum = 0.0;
            var offset = frame * _blockAlign;
            for (var channel = 0; channel < channels; channel++)
            {
                sum += ReadSample(interleaved.Slice(offset + (channel * bytesPerSample), bytesPerSample));
            }

            mono[frame] = (float)(sum / channels);
        }
    }

    private double ReadSample(ReadOnlySpan<byte> s)
    {
        if (_isFloat)
        {
            return s.Length == 4 ? BinaryPrimitives.ReadSingleLittleEndian(s) : BinaryPrimitives.ReadDoubleLittleEndian(s);
        }

        return s.Length switch
        {
            1 => (s[0] - 128) / 128.0,
            2 => BinaryPrimitives.ReadInt16LittleEndian(s) / 32768.0,
            3 => ((s[0] | (s[1] << 8) | (s[2] << 16)) << 8 >> 8) / 8388608.0,
            _ => BinaryPrimitives.ReadInt32LittleEndian(s) / 2147483648.0,
        };
    }

    private static WaveHeader ReadHeader(Stream stream)
    {
        Span<byte> riff = stackalloc byte[12];
        if (!TryReadExactly(stream, riff) || !riff[..4].SequenceEqual("RIFF"u8) || !riff[8..12].SequenceEqual("WAVE"u8))
        {
            throw new InvalidDataException("Not a WAVE file: it does not start with a RIFF/WAVE header.");
        }

        WaveHeader? format = null;
        Span<byte> chunkHeader = stackalloc byte[8];
        while (TryReadExactly(stream, chunkHeader))
        {
            var id = chunkHeader[..4];
            var size = BinaryPrimitives.ReadUInt32LittleEndian(chunkHeader[4..]);
            if (id.SequenceEqual("fmt "u8))
            {
                if (size is < 16 or > 1024)
                {
                    throw new InvalidDataException($"The WAVE file's fmt chunk has an invalid size ({size} bytes).");
                }

                var fmt = new byte[size + (size & 1)];
                if (!TryReadExactly(stream, fmt))
                {
                    throw new InvalidDataException("The WAVE file ends inside its fmt chunk.");
                }

                format = ParseFormat(fmt.AsSpan(0, (int)size));
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (format is null)
                {
                    throw new InvalidDataException("The WAVE file has no fmt chunk before its data chunk.");
                }

                // 0 or 0xFFFFFFFF: a streamed file whose length was not known when the header was written.
                var length = size is 0 or uint.MaxValue ? -1L : size;
                return format with { DataLength = length };
            }
            else
            {
                SkipChunk(stream, size + (size & 1));
            }
        }

        throw new InvalidDataException(format is null ? "The WAVE file has no fmt chunk." : "The WAVE file has no data chunk.");
    }

    private static WaveHeader ParseFormat(ReadOnlySpan<byte> fmt)
    {
        var tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
        var channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
        var rate = BinaryPrimitives.ReadInt32LittleEndian(fmt[4..]);
        var blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(fmt[12..]);
        var bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);
        if (tag == FormatExtensible)
        {
            if (fmt.Length < 40)
            {
                throw new InvalidDataException("The WAVE file says WAVE_FORMAT_EXTENSIBLE but its fmt chunk is too short.");
            }

            // The sub-format GUID starts with the plain format tag.
            tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt[24..]);
        }

        var isFloat = tag == FormatFloat;
        if (tag != FormatPcm && !isFloat)
        {
            throw new InvalidDataException(string.Create(
                CultureInfo.InvariantCulture,
                $"Unsupported WAVE encoding (format tag 0x{tag:X4}): only PCM (8, 16, 24 or 32-bit) and IEEE float (32 or 64-bit) can be read."));
        }

        if ((isFloat && bits is not (32 or 64)) || (!isFloat && bits is not (8 or 16 or 24 or 32)))
        {
            throw new InvalidDataException(string.Create(
                CultureInfo.InvariantCulture,
                $"Unsupported WAVE sample size: {bits}-bit {(isFloat ? "float" : "PCM")} (PCM takes 8, 16, 24 or 32 bits; float 32 or 64)."));
        }

        if (channels is < 1 or > 32)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"Unsupported WAVE channel count: {channels} (1 to 32)."));
        }

        if (rate is < 1_000 or > 384_000)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"Unsupported WAVE sample rate: {rate} Hz (1,000 to 384,000)."));
        }

        if (blockAlign != channels * (bits / 8))
        {
            throw new InvalidDataException(string.Create(
                CultureInfo.InvariantCulture,
                $"The WAVE file's block align ({blockAlign}) does not match {channels} channel(s) of {bits} bits."));
        }

        return new WaveHeader(rate, channels, bits, blockAlign, isFloat, 0);
    }

    private static bool TryReadExactly(Stream stream, Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = stream.Read(buffer[total..]);
            if (read == 0)
            {
                return false;
            }

            total += read;
        }

        return true;
    }

    private static void SkipChunk(Stream stream, long length)
    {
        if (stream.CanSeek)
        {
            stream.Seek(length, SeekOrigin.Current);
            return;
        }

        Span<byte> scratch = stackalloc byte[512];
        while (length > 0)
        {
            var read = stream.Read(scratch[..(int)Math.Min(scratch.Length, length)]);
            if (read == 0)
            {
                return;
            }

            length -= read;
        }
    }

    private sealed record WaveHeader(int SampleRate, int Channels, int BitsPerSample, int BlockAlign, bool IsFloat, long DataLength);
}
