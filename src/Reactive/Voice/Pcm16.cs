using System.Buffers.Binary;

namespace KonPro.Streaming.Voice;

/// <summary>The SDK's one PCM16 sample writer: a sample in [-1, 1] to a signed 16-bit little-endian sample, clamped.</summary>
internal static class Pcm16
{
    /// <summary>Writes sample number <paramref name="sampleIndex"/> of <paramref name="output"/>.</summary>
    /// <param name="output">The PCM16 bytes.</param>
    /// <param name="sampleIndex">Which sample (two bytes each).</param>
    /// <param name="value">The sample, nominally between -1 and 1 (clamped to 16 bits).</param>
    public static void Write(Span<byte> output, int sampleIndex, double value)
    {
        var scaled = Math.Clamp(Math.Round(value * 32768.0), short.MinValue, short.MaxValue);
        BinaryPrimitives.WriteInt16LittleEndian(output[(sampleIndex * 2)..], (short)scaled);
    }
}
