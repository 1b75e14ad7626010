using System.Buffers.Binary;
using KonPro.Streaming.Voice;
using NAudio.Dsp;

namespace KonPro.Streaming;

/// <summary>
/// The SDK's one resampler: NAudio's WDL resampler in its windowed-sinc mode (64 taps, Blackman-Harris window), which
/// low-passes below the lower of the two Nyquist frequencies, so content the output rate cannot carry is removed
/// instead of folding back as aliases. <see cref="WavFileAudioSource"/> drives a filter of <see cref="CreateFilter"/>
/// by output; this class drives one by input, for PCM16 mono pushed a chunk at a time (the realtime socket's 24 kHz).
/// The filter is centred on each output sample (no delay); it needs a few samples of look-ahead, which
/// <see cref="Flush"/> gives back at the end of the stream.
/// </summary>
internal sealed class PcmResampler
{
    private const int SincSize = 64;
    private const int SincInterpolation = 32;

    private readonly WdlResampler _filter;
    private readonly int _from;
    private readonly int _to;
    private float[] _output = [];
    private long _consumed;   // input samples so far
    private long _produced;   // output samples so far
    private bool _flushed;

    public PcmResampler(int fromRate, int toRate)
    {
        _from = fromRate;
        _to = toRate;
        _filter = CreateFilter(fromRate, toRate, inputDriven: true);
    }

    /// <summary>A WDL resampler with the SDK's low-pass settings.</summary>
    /// <param name="fromRate">The input's rate.</param>
    /// <param name="toRate">The output's rate.</param>
    /// <param name="inputDriven">Whether the caller says how much input it has (<see langword="true"/>) or how much output it wants.</param>
    /// <returns>The filter, ready for <c>ResamplePrepare</c>.</returns>
    public static WdlResampler CreateFilter(int fromRate, int toRate, bool inputDriven)
    {
        // CUSTOM: NAudio's WDL resampler in its windowed-sinc mode: a real low-pass, so content above the new Nyquist
        // frequency is removed instead of folding back into the voice band.
        var filter = new WdlResampler();
        filter.SetMode(true, 0, true, SincSize, SincInterpolation);
        filter.SetFeedMode(inputDriven);
        filter.SetRates(fromRate, toRate);
        return filter;
    }

    /// <summary>Resamples one chunk; returns the output it completes (the last few samples wait for the next chunk or <see cref="Flush"/>).</summary>
    /// <param name="pcm16">Whole PCM16 little-endian mono samples at the input rate.</param>
    /// <returns>PCM16 little-endian mono at the output rate.</returns>
    public byte[] Process(ReadOnlySpan<byte> pcm16)
    {
        if (_from == _to)
        {
            return pcm16.ToArray();
        }

        var count = pcm16.Length / 2;
        if (count == 0)
        {
            return [];
        }

        var wanted = _filter.ResamplePrepare(count, 1, out var input);
        for (var i = 0; i < wanted; i++)
        {
            input[i] = BinaryPrimitives.ReadInt16LittleEndian(pcm16[(i * 2)..]) / 32768f;
        }

        _consumed += wanted;
        return Drain(wanted, count, int.MaxValue);
    }

    /// <summary>Ends the stream: returns the output still held back for look-ahead. Call once, after the last chunk.</summary>
    /// <returns>The last PCM16 samples at the output rate (empty when there are none).</returns>
    public byte[] Flush()
    {
        if (_from == _to || _flushed)
        {
            return [];
        }

        _flushed = true;

        // Silence after the end lets the filter reach the last input samples; of what it then gives, only the samples
        // the input owes are kept (one output sample per output period up to the input's end), not the silence's.
        var owed = (((_consumed * _to) + _from - 1) / _from) - _produced;
        if (owed <= 0)
        {
            return [];
        }

        var silence = _filter.ResamplePrepare(SincSize, 1, out var input);
        input[..silence].Clear();
        return Drain(silence, SincSize, (int)owed);
    }

    private byte[] Drain(int inputSamples, int newSamples, int keep)
    {
        var room = (int)((long)(newSamples + (SincSize * 2)) * _to / _from) + 4;
        if (_output.Length < room)
        {
            _output = new float[room];
        }

        var produced = Math.Min(_filter.ResampleOut(_output, inputSamples, room, 1), keep);
        _produced += produced;
        var bytes = new byte[produced * 2];
        for (var i = 0; i < produced; i++)
        {
            Pcm16.Write(bytes, i, _output[i]);
        }

        return bytes;
    }
}
