using System.Diagnostics;
using KonPro.Benchmarks.Micro;
using KonPro.Streaming;

namespace KonPro.Benchmarks.Quick;

/// <summary>Benchmark 1 in quick mode: SDK and raw calls interleaved, compared by their medians.</summary>
internal static class RestOverhead
{
    private const int Iterations = 1000;

    public static async Task<IReadOnlyList<QuickLine>> RunAsync()
    {
        await using var session = await AvatarSession.StartAsync();
        var rawKeepAlive = session.CreateRawCall("/v1/streaming/keep_alive", $$"""{"session_id":"{{session.SessionId}}"}""");
        var rawSpeak = session.CreateRawCall(
            "/v1/streaming/task", $$"""{"session_id":"{{session.SessionId}}","text":"Hi.","task_type":"repeat","task_mode":"async"}""");
        var speak = new SpeakRequest { Text = "Hi.", TaskType = TaskType.Repeat, TaskMode = TaskMode.Async };

        // The generated client alone, with the same credential: splits the SDK's overhead into the generated
        // client's share (JSON both ways, NSwag's response handling) and the facade's own.
        var bearer = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", session.Token);
        var generated = new KonPro.Streaming.Api.KonProApiClient(session.Http)
        {
            BaseUrl = session.Server.Url,
            RequestPreparer = request => request.Headers.Authorization = bearer,
        };
        var keepAliveBody = new KonPro.Streaming.Api.SessionIdRequest { SessionId = session.SessionId };

        var lines = new List<QuickLine>();
        lines.AddRange(await CompareAsync("rest-keep-alive", () => session.Avatar.KeepAliveAsync(), rawKeepAlive.SendAsync));
        lines.AddRange(await CompareAsync("rest-speak", () => session.Avatar.SpeakAsync(speak), rawSpeak.SendAsync));
        lines.AddRange(await CompareAsync("rest-keep-alive-generated-client", () => generated.KeepAliveAsync(keepAliveBody), rawKeepAlive.SendAsync));
        return lines;
    }

    /// <summary>
    /// The SDK's call and the raw one alone, in pairs (which goes first alternates), after <paramref name="warmUp"/>
    /// pairs; the medians of <paramref name="iterations"/> pairs and the process-wide bytes per call.
    /// </summary>
    internal static async Task<IEnumerable<QuickLine>> CompareAsync(string name, Func<Task> sdk, Func<Task> raw, int warmUp = 300, int iterations = Iterations)
    {
        for (var i = 0; i < warmUp; i++)
        {
            await sdk();
            await raw();
        }

        var sdkTimes = new List<double>(iterations);
        var rawTimes = new List<double>(iterations);
        long sdkBytes = 0, rawBytes = 0;
        var jitMethods = System.Runtime.JitInfo.GetCompiledMethodCount();
        var jitTime = System.Runtime.JitInfo.GetCompilationTime();
        for (var i = 0; i < iterations; i++)
        {
            // Alternate which goes first so that neither always meets a warmer connection pool.
            if (i % 2 == 0)
            {
                sdkBytes += await TimeAsync(sdk, sdkTimes);
                rawBytes += await TimeAsync(raw, rawTimes);
            }
            else
            {
                rawBytes += await TimeAsync(raw, rawTimes);
                sdkBytes += await TimeAsync(sdk, sdkTimes);
            }
        }

        var jit = QuickLine.JitWhileMeasured(name, System.Runtime.JitInfo.GetCompiledMethodCount() - jitMethods, System.Runtime.JitInfo.GetCompilationTime() - jitTime);
        var sdkMedian = Measure.Percentile(sdkTimes, 50);
        var rawMedian = Measure.Percentile(rawTimes, 50);
        return
        [
            new QuickLine(name, sdkMedian, "us/call", rawMedian, "us/call"),
            // Process-wide bytes per call: the in-process fake's share is the same on both sides.
            new QuickLine($"{name}-alloc", (double)sdkBytes / iterations, "B/call", (double)rawBytes / iterations, "B/call"),
            jit,
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
