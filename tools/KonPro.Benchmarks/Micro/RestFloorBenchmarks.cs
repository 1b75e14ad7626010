using BenchmarkDotNet.Attributes;
using KonPro.Benchmarks.Floor;

namespace KonPro.Benchmarks.Micro;

/// <summary>
/// Benchmark 1 at the floor: the SDK and the generated client beside a raw POST of the same pre-serialized body, against
/// the constant-envelope Kestrel endpoint in this process (its own cost is near zero), on one HttpClient.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class RestFloorBenchmarks
{
    private FloorSession? _floor;

    /// <summary>Starts the endpoint and one session on it.</summary>
    [GlobalSetup]
    public async Task SetupAsync() => _floor = await FloorSession.StartAsync();

    /// <summary>Stops everything.</summary>
    [GlobalCleanup]
    public async Task CleanupAsync() => await _floor!.DisposeAsync();

    /// <summary>Raw keep_alive.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("KeepAlive")]
    public Task RawKeepAlive() => _floor!.RawKeepAlive.SendAsync();

    /// <summary>Raw keep_alive under a timeout token armed as the SDK arms its own.</summary>
    [Benchmark]
    [BenchmarkCategory("KeepAlive")]
    public Task RawKeepAliveWithTimeoutToken() => _floor!.RawKeepAlive.SendWithTimeoutTokenAsync();

    /// <summary>The generated client's keep_alive.</summary>
    [Benchmark]
    [BenchmarkCategory("KeepAlive")]
    public Task GeneratedKeepAlive() => _floor!.GeneratedKeepAliveAsync();

    /// <summary>SDK KeepAliveAsync.</summary>
    [Benchmark]
    [BenchmarkCategory("KeepAlive")]
    public Task SdkKeepAlive() => _floor!.SdkKeepAliveAsync();

    /// <summary>Raw task (repeat, async).</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Speak")]
    public Task RawSpeak() => _floor!.RawSpeak.SendAsync();

    /// <summary>Raw task under a timeout token armed as the SDK arms its own.</summary>
    [Benchmark]
    [BenchmarkCategory("Speak")]
    public Task RawSpeakWithTimeoutToken() => _floor!.RawSpeak.SendWithTimeoutTokenAsync();

    /// <summary>The generated client's task.</summary>
    [Benchmark]
    [BenchmarkCategory("Speak")]
    public Task GeneratedSpeak() => _floor!.GeneratedSendTaskAsync();

    /// <summary>SDK SpeakAsync (repeat, async).</summary>
    [Benchmark]
    [BenchmarkCategory("Speak")]
    public Task SdkSpeak() => _floor!.SdkSpeakAsync();
}
