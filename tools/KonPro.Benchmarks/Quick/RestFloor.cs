using System.Diagnostics;
using KonPro.Benchmarks.Floor;

namespace KonPro.Benchmarks.Quick;

/// <summary>
/// Benchmark 1 at the floor: the SDK (with and without its retry/timeout pipeline), the generated client and a raw POST
/// against the constant-envelope Kestrel endpoint, interleaved (the order shuffled every round), compared by medians,
/// with allocated bytes per call (process-wide; the endpoint's share is the same on every side).
/// </summary>
internal static class RestFloor
{
    private const int WarmUp = 1000;
    private const int Iterations = 3000;

    public static async Task<IReadOnlyList<QuickLine>> RunAsync(bool untilJitQuiet = false)
    {
        await using var floor = await FloorSession.StartAsync();
        // A first pass warms everything up (JIT tiers, the connection pool); the second pass is the one reported.
        await MeasureAsync(floor);
        if (!untilJitQuiet)
        {
            return await MeasureAsync(floor);
        }

        // Then, asked for, every client in turn until a second passes with nothing compiled (as the pairs' jit-quiet).
        Func<Task>[] all =
        [
            floor.SdkKeepAliveAsync, floor.SdkKeepAliveWithoutResilienceAsync, floor.GeneratedKeepAliveAsync,
            floor.RawKeepAlive.SendLikeGeneratedAsync, floor.RawKeepAlive.SendWithTimeoutTokenAsync, floor.RawKeepAlive.SendAsync,
            floor.SdkSpeakAsync, floor.SdkSpeakWithoutResilienceAsync, floor.GeneratedSendTaskAsync,
            floor.RawSpeak.SendLikeGeneratedAsync, floor.RawSpeak.SendWithTimeoutTokenAsync, floor.RawSpeak.SendAsync,
        ];
        var (rounds, took) = await WarmUntilJitQuietAsync(all);
        var warm = new QuickLine("floor-warm-up-until-jit-quiet", rounds, "rounds of 12 calls", took.TotalMilliseconds, "ms", Informational: true);
        return [warm, .. await MeasureAsync(floor)];
    }

    // Runs the calls in rounds until a whole JitQuietSpan passes with nothing compiled (at most JitQuietLimit): the
    // runtime waits (100 ms by default) for a lull in new code before it promotes hot methods, so one short block without
    // compilation proves nothing.
    private static async Task<(int Rounds, TimeSpan Took)> WarmUntilJitQuietAsync(IReadOnlyList<Func<Task>> calls)
    {
        var rounds = 0;
        var clock = Stopwatch.StartNew();
        var quietSince = clock.Elapsed;
        var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
        while (clock.Elapsed < JitQuietLimit && clock.Elapsed - quietSince < JitQuietSpan)
        {
            for (var i = 0; i < JitQuietBlock; i++)
            {
                foreach (var call in calls)
                {
                    await call();
                }
            }

            rounds += JitQuietBlock;
            var now = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (now != compiled)
            {
                compiled = now;
                quietSince = clock.Elapsed;
            }
        }

        return (rounds, clock.Elapsed);
    }

    private static async Task<IReadOnlyList<QuickLine>> MeasureAsync(FloorSession floor)
    {
        var lines = new List<QuickLine>();
        lines.AddRange(await CompareAsync(
            "floor-keep-alive",
            floor.RawKeepAlive.SendAsync,
            ("sdk", floor.SdkKeepAliveAsync),
            ("sdk-without-retry-pipeline", floor.SdkKeepAliveWithoutResilienceAsync),
            ("generated-client", floor.GeneratedKeepAliveAsync),
            ("raw-with-accept-and-headers-read", floor.RawKeepAlive.SendLikeGeneratedAsync),
            ("raw-with-timeout-token", floor.RawKeepAlive.SendWithTimeoutTokenAsync)));
        lines.AddRange(await CompareAsync(
            "floor-speak",
            floor.RawSpeak.SendAsync,
            ("sdk", floor.SdkSpeakAsync),
            ("sdk-without-retry-pipeline", floor.SdkSpeakWithoutResilienceAsync),
            ("generated-client", floor.GeneratedSendTaskAsync),
            ("raw-with-accept-and-headers-read", floor.RawSpeak.SendLikeGeneratedAsync),
            ("raw-with-timeout-token", floor.RawSpeak.SendWithTimeoutTokenAsync)));
        return lines;
    }

    /// <summary>
    /// The second setup: the SDK and the raw POST alone, in alternating pairs, after <paramref name="warmUp"/> pairs
    /// (<see cref="PairWarmUp"/> by default), medians of <see cref="Iterations"/> pairs. No other client runs between
    /// them, as in the shuffled six-way run.
    /// </summary>
    /// <remarks>
    /// With <paramref name="warmUp"/> = <see cref="UntilJitQuiet"/> the pairs run in blocks of
    /// <see cref="JitQuietBlock"/> until a second of them passes in which the JIT compiled nothing (at most
    /// <see cref="JitQuietLimit"/>), the same for both sides, and the number of pairs that took is printed.
    /// </remarks>
    public static async Task<IReadOnlyList<QuickLine>> RunPairsAsync(int warmUp = PairWarmUp)
    {
        await using var floor = await FloorSession.StartAsync();
        var lines = new List<QuickLine>();
        lines.AddRange(await PairsAsync("floor-pairs-keep-alive-sdk", floor.SdkKeepAliveAsync, floor.RawKeepAlive.SendAsync, warmUp));
        lines.AddRange(await PairsAsync("floor-pairs-speak-sdk", floor.SdkSpeakAsync, floor.RawSpeak.SendAsync, warmUp));
        return lines;
    }

    private static async Task<IEnumerable<QuickLine>> PairsAsync(string name, Func<Task> sdk, Func<Task> raw, int warmUp)
    {
        if (warmUp != UntilJitQuiet)
        {
            return await RestOverhead.CompareAsync(name, sdk, raw, warmUp, Iterations);
        }

        var (pairs, took) = await WarmUntilJitQuietAsync([sdk, raw]);
        var warm = new QuickLine($"{name}-warm-up-until-jit-quiet", pairs, "pairs", took.TotalMilliseconds, "ms", Informational: true);
        return (await RestOverhead.CompareAsync(name, sdk, raw, warmUp: 0, Iterations)).Prepend(warm);
    }

    internal const int PairWarmUp = 500;

    /// <summary>The <c>--warm-up</c> value that means "until the JIT is quiet" (<c>--warm-up jit-quiet</c>).</summary>
    internal const int UntilJitQuiet = -1;

    private const int JitQuietBlock = 100;

    private static readonly TimeSpan JitQuietSpan = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan JitQuietLimit = TimeSpan.FromSeconds(60);

    internal static async Task<IEnumerable<QuickLine>> CompareAsync(string name, Func<Task> raw, params (string Name, Func<Task> Call)[] clients)
    {
        var calls = clients.Select(c => c.Call).Append(raw).ToArray();
        var times = calls.Select(_ => new List<double>(Iterations)).ToArray();
        var bytes = new long[calls.Length];
        for (var i = 0; i < WarmUp; i++)
        {
            foreach (var call in calls)
            {
                await call();
            }
        }

        // The order is shuffled every round (a fixed seed): in a fixed rotation each line always follows the same other
        // line (the raw POST its near-twin, the SDK the raw POST), so every line now meets the same mix of predecessors.
        var order = Enumerable.Range(0, calls.Length).ToArray();
        var random = new Random(13);
        var jitMethods = System.Runtime.JitInfo.GetCompiledMethodCount();
        var jitTime = System.Runtime.JitInfo.GetCompilationTime();
        for (var i = 0; i < Iterations; i++)
        {
            random.Shuffle(order);
            foreach (var which in order)
            {
                bytes[which] += await TimeAsync(calls[which], times[which]);
            }
        }

        var jit = QuickLine.JitWhileMeasured(name, System.Runtime.JitInfo.GetCompiledMethodCount() - jitMethods, System.Runtime.JitInfo.GetCompilationTime() - jitTime);
        var rawMedian = Measure.Percentile(times[^1], 50);
        var rawBytes = (double)bytes[^1] / Iterations;
        var lines = new List<QuickLine>();
        for (var k = 0; k < clients.Length; k++)
        {
            lines.Add(new QuickLine($"{name}-{clients[k].Name}", Measure.Percentile(times[k], 50), "us/call", rawMedian, "us/call"));
            lines.Add(new QuickLine($"{name}-{clients[k].Name}-alloc", (double)bytes[k] / Iterations, "B/call", rawBytes, "B/call"));
        }

        lines.Add(jit);
        return lines;
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
