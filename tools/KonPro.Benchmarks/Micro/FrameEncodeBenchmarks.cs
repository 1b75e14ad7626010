using BenchmarkDotNet.Attributes;
using KonPro.Streaming.Realtime;

namespace KonPro.Benchmarks.Micro;

/// <summary>Benchmark 3: one 512-sample PCM16 chunk to pipecat <c>Frame</c> bytes, against copying the same bytes.</summary>
[MemoryDiagnoser]
public class FrameEncodeBenchmarks
{
    private readonly byte[] _pcm = new byte[FrameEncoder.BytesPerChunk];
    private readonly byte[] _copy = new byte[FrameEncoder.BytesPerChunk];
    private readonly FrameEncoder _encoder = new();

    /// <summary>Fills the chunk with a tone.</summary>
    [GlobalSetup]
    public void Setup()
    {
        for (var i = 0; i < _pcm.Length / 2; i++)
        {
            var sample = (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / 16000.0));
            _pcm[2 * i] = (byte)sample;
            _pcm[(2 * i) + 1] = (byte)(sample >> 8);
        }
    }

    /// <summary>The floor: a block copy of the 1,024 bytes.</summary>
    [Benchmark(Baseline = true)]
    public int BlockCopy()
    {
        Buffer.BlockCopy(_pcm, 0, _copy, 0, _pcm.Length);
        return _copy[1];
    }

    /// <summary>The SDK's encoder.</summary>
    [Benchmark]
    public int Encode() => _encoder.EncodeAudio(_pcm).Length;
}
