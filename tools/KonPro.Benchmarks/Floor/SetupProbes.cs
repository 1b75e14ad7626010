using System.Diagnostics;
using System.Runtime;
using KonPro.Benchmarks.Quick;

namespace KonPro.Benchmarks.Floor;

/// <summary>
/// What each call of the two floor setups costs besides its wall time (issue 22, item 8): process CPU time, thread-pool
/// work items, lock contentions and collections per call (process-wide, so the endpoint's share is in every line), and
/// how much the JIT compiled while the measured calls ran.
/// </summary>
internal static class SetupProbes
{
    private const int Iterations = 3000;

    /// <param name="mode"><c>pairs</c>, <c>six</c> (the shuffled six-way run, two passes, the second reported) or
    /// <c>same-kind</c> (pairs of two near-identical calls: raw and raw under a timeout token, the SDK with and without its
    /// retry pipeline, the generated client and raw), which shows how fast a call is at that age of the process.</param>
    /// <param name="warmUp">Warm-up rounds before each measured loop.</param>
    public static async Task<IReadOnlyList<string>> RunAsync(string mode, int warmUp)
    {
        await using var floor = await FloorSession.StartAsync();
        var output = new List<string>();
        var pairs = mode == "pairs";
        if (mode == "same-kind")
        {
            output.AddRange(await MeasureAsync("aa-raw", [("raw", floor.RawKeepAlive.SendAsync), ("raw-token", floor.RawKeepAlive.SendWithTimeoutTokenAsync)], warmUp, shuffle: false));
            output.AddRange(await MeasureAsync("aa-sdk", [("sdk", floor.SdkKeepAliveAsync), ("sdk-no-retry", floor.SdkKeepAliveWithoutResilienceAsync)], warmUp, shuffle: false));
            output.AddRange(await MeasureAsync("aa-raw", [("raw", floor.RawKeepAlive.SendAsync), ("raw-token", floor.RawKeepAlive.SendWithTimeoutTokenAsync)], warmUp, shuffle: false));
            output.AddRange(await MeasureAsync("aa-gen", [("generated", floor.GeneratedKeepAliveAsync), ("raw", floor.RawKeepAlive.SendAsync)], warmUp, shuffle: false));
            return output;
        }

        if (pairs)
        {
            output.AddRange(await MeasureAsync("pairs-keep-alive", [("sdk", floor.SdkKeepAliveAsync), ("raw", floor.RawKeepAlive.SendAsync)], warmUp, shuffle: false));
            output.AddRange(await MeasureAsync("pairs-speak", [("sdk", floor.SdkSpeakAsync), ("raw", floor.RawSpeak.SendAsync)], warmUp, shuffle: false));
        }
        else
        {
            for (var pass = 0; pass < 2; pass++)
            {
                var keepAlive = await MeasureAsync(
                    "six-keep-alive",
                    [("sdk", floor.SdkKeepAliveAsync), ("sdk-no-retry", floor.SdkKeepAliveWithoutResilienceAsync), ("generated", floor.GeneratedKeepAliveAsync), ("raw-accept", floor.RawKeepAlive.SendLikeGeneratedAsync), ("raw-token", floor.RawKeepAlive.SendWithTimeoutTokenAsync), ("raw", floor.RawKeepAlive.SendAsync)],
                    warmUp,
                    shuffle: true);
                var speak = await MeasureAsync(
                    "six-speak",
                    [("sdk", floor.SdkSpeakAsync), ("sdk-no-retry", floor.SdkSpeakWithoutResilienceAsync), ("generated", floor.GeneratedSendTaskAsync), ("raw-accept", floor.RawSpeak.SendLikeGeneratedAsync), ("raw-token", floor.RawSpeak.SendWithTimeoutTokenAsync), ("raw", floor.RawSpeak.SendAsync)],
                    warmUp,
                    shuffle: true);
                if (pass == 1)
                {
                    output.AddRange(keepAlive);
                    output.AddRange(speak);
                }
            }
        }

        return output;
    }

    private static async Task<IReadOnlyList<string>> MeasureAsync(string name, (string Name, Func<Task> Call)[] lines, int warmUp, bool shuffle)
    {
        for (var i = 0; i < warmUp; i++)
        {
            foreach (var line in lines)
            {
                await line.Call();
            }
        }

        var wall = lines.Select(_ => new List<double>(Iterations)).ToArray();
        var cpu = lines.Select(_ => new List<double>(Iterations)).ToArray();
        var items = new long[lines.Length];
        var contentions = new long[lines.Length];
        var collections = new long[lines.Length];
        var order = Enumerable.Range(0, lines.Length).ToArray();
        var random = new Random(13);
        var jitMethods = System.Runtime.JitInfo.GetCompiledMethodCount();
        var jitTime = System.Runtime.JitInfo.GetCompilationTime();
        JitMarker.Begin();
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < Iterations; i++)
        {
            if (shuffle)
            {
                random.Shuffle(order);
            }
            else if (i % 2 == 1)
            {
                // As RestOverhead.CompareAsync: which of the two goes first alternates.
                Array.Reverse(order);
            }

            foreach (var k in order)
            {
                var cpuBefore = Environment.CpuUsage.TotalTime;
                var itemsBefore = ThreadPool.CompletedWorkItemCount;
                var contentionsBefore = Monitor.LockContentionCount;
                var collectionsBefore = GC.CollectionCount(0);
                var start = Stopwatch.GetTimestamp();
                await lines[k].Call();
                wall[k].Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
                cpu[k].Add((Environment.CpuUsage.TotalTime - cpuBefore).TotalMicroseconds);
                items[k] += ThreadPool.CompletedWorkItemCount - itemsBefore;
                contentions[k] += Monitor.LockContentionCount - contentionsBefore;
                collections[k] += GC.CollectionCount(0) - collectionsBefore;
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        JitMarker.End();
        var output = new List<string>
        {
            $"{name}: measured {elapsed.TotalMilliseconds:0} ms, process up {(DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds:0} ms, "
            + $"JIT during it {System.Runtime.JitInfo.GetCompiledMethodCount() - jitMethods} methods / {(System.Runtime.JitInfo.GetCompilationTime() - jitTime).TotalMilliseconds:0.0} ms",
        };
        for (var k = 0; k < lines.Length; k++)
        {
            output.Add(
                $"  {lines[k].Name,-13} wall p50 {Measure.Percentile(wall[k], 50),7:0.0} us, cpu p50 {Measure.Percentile(cpu[k], 50),6:0.0} mean {cpu[k].Average(),6:0.0} us, "
                + $"pool items {(double)items[k] / Iterations:0.00}, contentions {(double)contentions[k] / Iterations:0.000}, gen0 {(double)collections[k] / Iterations:0.0000} per call");
        }

        return output;
    }

    /// <summary>Methods compiled when first called, so a JIT log (<c>DOTNET_JitStdOutFile</c>) shows where a measured loop began and ended.</summary>
    private static class JitMarker
    {
        private static int _count;

        public static void Begin() => Mark(Interlocked.Increment(ref _count), begin: true);

        public static void End() => Mark(_count, begin: false);

        private static void Mark(int n, bool begin)
        {
            switch ((n, begin))
            {
                case (1, true): Begin1(); break;
                case (1, false): End1(); break;
                case (2, true): Begin2(); break;
                case (2, false): End2(); break;
                case (3, true): Begin3(); break;
                case (3, false): End3(); break;
                case (4, true): Begin4(); break;
                case (4, false): End4(); break;
            }
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)] private static void Begin1() { }
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)] private static void End1() { }
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)] private static void Begin2() { }
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)] private static void End2() { }
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)] private static void Begin3() { }
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)] private static void End3() { }
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)] private static void Begin4() { }
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)] private static void End4() { }
    }
}
