using BenchmarkDotNet.Attributes;
using KonPro.Streaming;

namespace KonPro.Benchmarks.Micro;

/// <summary>
/// Benchmark 1: a REST call through the SDK against the in-process fake, beside a raw HttpClient POST of the
/// same pre-serialized body to the same endpoint with the same credential and the same HttpClient.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class RestOverheadBenchmarks
{
    private AvatarSession? _session;
    private AvatarSession.RawCall? _rawKeepAlive;
    private AvatarSession.RawCall? _rawSpeak;
    private readonly SpeakRequest _speak = new() { Text = "Hi.", TaskType = TaskType.Repeat, TaskMode = TaskMode.Async };

    /// <summary>Starts the fake server and one session.</summary>
    [GlobalSetup]
    public async Task SetupAsync()
    {
        _session = await AvatarSession.StartAsync();
        _rawKeepAlive = _session.CreateRawCall("/v1/streaming/keep_alive", $$"""{"session_id":"{{_session.SessionId}}"}""");
        _rawSpeak = _session.CreateRawCall("/v1/streaming/task", $$"""{"session_id":"{{_session.SessionId}}","text":"Hi.","task_type":"repeat","task_mode":"async"}""");
    }

    /// <summary>Stops everything.</summary>
    [GlobalCleanup]
    public async Task CleanupAsync() => await _session!.DisposeAsync();

    /// <summary>Raw keep_alive.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("KeepAlive")]
    public Task<int> RawKeepAlive() => _rawKeepAlive!.SendAsync();

    /// <summary>SDK keep_alive.</summary>
    [Benchmark]
    [BenchmarkCategory("KeepAlive")]
    public Task SdkKeepAlive() => _session!.Avatar.KeepAliveAsync();

    /// <summary>Raw task (repeat, async).</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Speak")]
    public Task<int> RawSpeak() => _rawSpeak!.SendAsync();

    /// <summary>SDK SpeakAsync (repeat, async).</summary>
    [Benchmark]
    [BenchmarkCategory("Speak")]
    public async Task<string> SdkSpeak() => (await _session!.Avatar.SpeakAsync(_speak)).TaskId;
}
