using System.Text.Json;
using KonPro.Benchmarks.Micro;
using KonPro.Streaming.Realtime;

namespace KonPro.Benchmarks.Quick;

/// <summary>The quick mode: every benchmark with its baseline, one line each, in under two minutes.</summary>
internal static class QuickSuite
{
    private static readonly TimeSpan Slice = TimeSpan.FromSeconds(1);

    public static async Task<int> RunAsync(TextWriter output, IReadOnlyList<int> loadSizes)
    {
        await WriteAsync(output, await RestOverhead.RunAsync());
        await WriteAsync(output, await RestFloor.RunAsync());
        await WriteAsync(output, EventPipeline());
        await WriteAsync(output, FrameEncode());
        await WriteAsync(output, await EventLatency.RunAsync());
        foreach (var sessions in loadSizes)
        {
            await WriteAsync(output, await Load.LoadRunner.RunAsync(sessions, Console.Error));
        }

        return 0;
    }

    private static async Task WriteAsync(TextWriter output, IEnumerable<QuickLine> lines)
    {
        foreach (var line in lines)
        {
            await output.WriteLineAsync(line.ToString());
        }

        await output.FlushAsync();
    }

    /// <summary>Benchmark 3.</summary>
    internal static IEnumerable<QuickLine> FrameEncode()
    {
        var bench = new FrameEncodeBenchmarks();
        bench.Setup();
        const int batch = 1000;
        var encode = Measure.Throughput(() => { for (var i = 0; i < batch; i++) { bench.Encode(); } }, batch, Slice);
        var copy = Measure.Throughput(() => { for (var i = 0; i < batch; i++) { bench.BlockCopy(); } }, batch, Slice);
        yield return new QuickLine("frame-encode", encode.PerSecond, "frames/s", copy.PerSecond, "copies/s");
        yield return new QuickLine("frame-encode-alloc", encode.BytesPerItem, "B/frame", copy.BytesPerItem, "B/copy");
    }

    /// <summary>Benchmark 2: three interleaved rounds of <see cref="EventPipelineRun"/> (its lines are medians).</summary>
    internal static IEnumerable<QuickLine> EventPipeline() => EventPipelineRun.Run(rounds: 3);

    internal static int RawPass(byte[][] messages)
    {
        var tokens = 0;
        foreach (var message in messages)
        {
            var reader = new Utf8JsonReader(message);
            while (reader.Read())
            {
                tokens++;
            }
        }

        return tokens;
    }
}
