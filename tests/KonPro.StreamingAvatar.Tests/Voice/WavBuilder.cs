using System.Buffers.Binary;
using System.Text;

namespace KonPro.Streaming.Tests.Voice;

/// <summary>Writes WAVE files in every layout the reader must handle, for the tests.</summary>
internal static class WavBuilder
{
    /// <summary>Builds a WAVE file from per-frame, per-channel samples in [-1, 1].</summary>
    public static byte[] Build(
        int sampleRate,
        int channels,
        int bits,
        bool isFloat,
        double[][] frames,
        bool extensible = false,
        bool chunkBeforeData = false,
        bool chunkAfterData = false,
        bool unknownLength = false)
    {
        var bytesPerSample = bits / 8;
        var data = new byte[frames.Length * channels * bytesPerSample];
        var pos = 0;
        foreach (var frame in frames)
        {
            for (var c = 0; c < channels; c++)
            {
                WriteSample(data.AsSpan(pos, bytesPerSample), frame[c], bits, isFloat);
                pos += bytesPerSample;
            }
        }

        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms);
        w.Write("RIFF"u8);
        w.Write(0); // patched below
        w.Write("WAVE"u8);
        if (chunkBeforeData)
        {
            WriteChunk(w, "LIST", Encoding.ASCII.GetBytes("INFOISFT\u0005\0\0\0test\0")); // odd size: padded
        }

        var tag = (ushort)(isFloat ? 3 : 1);
        w.Write("fmt "u8);
        w.Write(extensible ? 40 : 16);
        w.Write(extensible ? (ushort)0xFFFE : tag);
        w.Write((ushort)channels);
        w.Write(sampleRate);
        w.Write(sampleRate * channels * bytesPerSample);
        w.Write((ushort)(channels * bytesPerSample));
        w.Write((ushort)bits);
        if (extensible)
        {
            w.Write((ushort)22);
            w.Write((ushort)bits);
            w.Write(0); // channel mask
            w.Write(tag);
            w.Write(new byte[] { 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71 });
        }

        w.Write("data"u8);
        w.Write(unknownLength ? uint.MaxValue : (uint)data.Length);
        w.Write(data);
        if (data.Length % 2 == 1)
        {
            w.Write((byte)0);
        }

        if (chunkAfterData)
        {
            WriteChunk(w, "junk", Enumerable.Repeat((byte)0x7F, 64).ToArray());
        }

        w.Flush();
        var bytes = ms.ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), bytes.Length - 8);
        return bytes;
    }

    /// <summary>A raw fmt/data file with an arbitrary format tag and bit depth.</summary>
    public static byte[] WithFormat(ushort tag, int bits, int channels = 1, int sampleRate = 16000)
    {
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms);
        w.Write("RIFF"u8);
        w.Write(36 + 4);
        w.Write("WAVE"u8);
        w.Write("fmt "u8);
        w.Write(16);
        w.Write(tag);
        w.Write((ushort)channels);
        w.Write(sampleRate);
        w.Write(sampleRate * channels * Math.Max(1, bits / 8));
        w.Write((ushort)(channels * Math.Max(1, bits / 8)));
        w.Write((ushort)bits);
        w.Write("data"u8);
        w.Write(4);
        w.Write(0);
        w.Flush();
        return ms.ToArray();
    }

    private static void WriteChunk(BinaryWriter w, string id, byte[] body)
    {
        w.Write(Encoding.ASCII.GetBytes(id));
        w.Write(body.Length);
        w.Write(body);
        if (body.Length % 2 == 1)
        {
            w.Write((byte)0);
        }
    }

    private static void WriteSample(Span<byte> s, double v, int bits, bool isFloat)
    {
        if (isFloat)
        {
            if (bits == 32)
            {
                BinaryPrimitives.WriteSingleLittleEndian(s, (float)v);
            }
            else
            {
                BinaryPrimitives.WriteDoubleLittleEndian(s, v);
            }

            return;
        }

        switch (bits)
        {
            case 8:
                s[0] = (byte)Math.Clamp(Math.Round((v * 128) + 128), 0, 255);
                break;
            case 16:
                BinaryPrimitives.WriteInt16LittleEndian(s, (short)Math.Clamp(Math.Round(v * 32768), short.MinValue, short.MaxValue));
                break;
            case 24:
                var i24 = (int)Math.Clamp(Math.Round(v * 8388608), -8388608, 8388607);
                s[0] = (byte)i24;
                s[1] = (byte)(i24 >> 8);
                s[2] = (byte)(i24 >> 16);
                break;
            default:
                BinaryPrimitives.WriteInt32LittleEndian(s, (int)Math.Clamp(Math.Round(v * 2147483648.0), int.MinValue, int.MaxValue));
                break;
        }
    }
}
