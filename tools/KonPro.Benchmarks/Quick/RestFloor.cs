using System.Diagnostics;
using KonPro.Benchmarks.Floor;

namespace KonPro.Benchmarks.Quick;

/// <summary>
/// Benchmark 1 at the floor: the SDK, the generated client and a raw POST against the constant-envelope Kestrel
/// endpoint, interleaved (the order rotates every call), compared by medians, with allocated bytes per call.
/// </summary>
internal static class RestFloor
{
    private const int WarmUp = 2000;
    private const int Iterations = 4000;

    public static async Task<IReadOnlyList<QuickLine>> RunAsync()
    {
        await using var floor = await FloorSession.StartAsync();
        var lines = new List<QuickLine>();
        lines.AddRange(await CompareAsync("floor-keep-alive", floor.SdkKeepAliveAsync, floor.GeneratedKeepAliveAsync, floor.RawKeepAlive.SendAsync));
        lines.AddRange(await CompareAsync("floor-speak", floor.SdkSpeakAsync, floor.GeneratedSendTaskAsync, floor.RawSpeak.SendAsync));
        return lines;
    }

    private static async Task<IEnumerable<QuickLine>> CompareAsync(string name, Func<Task> sdk, Func<Task> generated, Func<Task> raw)
    {
        Func<Task>[] calls = [sdk, generated, raw];
        var times = new[] { new List<double>(Iterations), new List<double>(Iterations), new List<double>(Iterations) };
        var bytes = new long[3];
        for (var i = 0; i < WarmUp; i++)
        {
            foreach (var call in calls)
            {
                await call();
            }
        }

        for (var i = 0; i < Iterations; i++)
        {
            for (var k = 0; k < 3; k++)
            {
                var which = (i + k) % 3;
                bytes[which] += await TimeAsync(calls[which], times[which]);
            }
        }

        var sdkMedian = Measure.Percentile(times[0], 50);
        var generatedMedian = Measure.Percentile(times[1], 50);
        var rawMedian = Measure.Percentile(times[2], 50);
        return
        [
            new QuickLine($"{name}-sdk", sdkMedian, "us/call", rawMedian, "us/call"),
            new QuickLine($"{name}-generated-client", generatedMedian, "us/call", rawMedian, "us/call"),
            // Process-wide bytes per call, the endpoint's share included on every side (it is the same for all three).
            new QuickLine($"{name}-sdk-alloc", (double)bytes[0] / Iterations, "B/call", (double)bytes[2] / Iterations, "B/call"),
            new QuickLine($"{name}-generated-client-alloc", (double)bytes[1] / Iterations, "B/call", (double)bytes[2] / Iterations, "B/call"),
        ];
    }

    private static async Task<long> TimeAsync(Func<Task> call, List<double> times)
    {
        var before = GC.GetTotalAllocatedBytes(precise: false);
        var start = Stopwatch.GetTimestamp();
        await call();
        times.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        return GC.GetTotalAllocatedBytes(precise: false) - before;
    }
}
