using System.Buffers.Binary;

namespace KonPro.Streaming;

/// <summary>
/// Turns PCM16 mono at any rate into PCM16 mono at the realtime socket's 24 kHz by linear interpolation, one chunk at
/// a time (the position carries over between chunks, so chunk boundaries leave no seams).
/// </summary>
internal sealed class PcmResampler
{
    private readonly int _from;
    private readonly int _to;
    private long _consumed;   // input samples before the current chunk
    private long _produced;   // output samples so far
    private short _last;
    private bool _hasLast;

    public PcmResampler(int fromRate, int toRate)
    {
        _from = fromRate;
        _to = toRate;
    }

    public byte[] Process(ReadOnlySpan<byte> pcm16)
    {
        var count = pcm16.Length / 2;
        if (_from == _to)
        {
            return pcm16.ToArray();
        }

        var output = new List<short>((int)((long)count * _to / _from) + 2);
        while (true)
        {
            var position = (double)_produced * _from / _to; // in input samples, from the start of the stream
            var index = (long)Math.Floor(position);
            var next = index + 1;
            if (next - _consumed >= count)
            {
                break; // needs a sample not here yet
            }

            var a = Sample(pcm16, index - _consumed);
            var b = Sample(pcm16, next - _consumed);
            var fraction = position - index;
            output.Add((short)Math.Clamp(Math.Round(a + ((b - a) * fraction)), short.MinValue, short.MaxValue));
            _produced++;
        }

        if (count > 0)
        {
            _last = BinaryPrimitives.ReadInt16LittleEndian(pcm16[((count - 1) * 2)..]);
            _hasLast = true;
            _consumed += count;
        }

        var bytes = new byte[output.Count * 2];
        for (var i = 0; i < output.Count; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(i * 2), output[i]);
        }

        return bytes;
    }

    private double Sample(ReadOnlySpan<byte> pcm16, long local) =>
        local < 0 ? (_hasLast ? _last : 0) : BinaryPrimitives.ReadInt16LittleEndian(pcm16[(int)(local * 2)..]);
}
