using System.Net.Http.Headers;
using KonPro.Benchmarks.Quick;
using System.Text.Json.Serialization.Metadata;
using KonPro.Streaming;
using Microsoft.Extensions.Logging.Abstractions;
using Wire = KonPro.Streaming.Api;

namespace KonPro.Benchmarks.Floor;

/// <summary>
/// Where the SDK's time at the floor goes: the generated keep_alive under each kind of token the SDK may hand it, and
/// the REST client's call (no facade) with and without its timeouts, interleaved beside the raw POST.
/// </summary>
internal static class FloorProbes
{
    public static async Task<IReadOnlyList<QuickLine>> RunAsync()
    {
        await using var floor = await FloorSession.StartAsync();
        var bearer = new AuthenticationHeaderValue("Bearer", "floor-session-token");
        var generated = new Wire.KonProApiClient(floor.Http) { BaseUrl = floor.Url, RequestPreparer = request => request.Headers.Authorization = bearer };
        var body = new Wire.SessionIdRequest { SessionId = ConstantEndpoint.SessionId };
        using var lifetime = new CancellationTokenSource();
        using var unarmed = new CancellationTokenSource();
        var timeout = new CancellationTokenSource();
        var attempt = new KonProRetryOptions().AttemptTimeout;
        using var shipped = RestClient(floor, retry: null);
        using var untimed = RestClient(floor, new KonProRetryOptions { Enabled = false, AttemptTimeout = Timeout.InfiniteTimeSpan, TotalTimeout = Timeout.InfiniteTimeSpan });

        Task GeneratedWithTimeout()
        {
            return Run();

            async Task Run()
            {
                timeout.CancelAfter(attempt);
                try
                {
                    await generated.KeepAliveAsync(body, timeout.Token).ConfigureAwait(false);
                }
                finally
                {
                    if (!timeout.TryReset())
                    {
                        timeout.Dispose();
                        timeout = new CancellationTokenSource();
                    }
                }
            }
        }

        (string, Func<Task>)[] clients =
        [
            ("raw-with-timeout-token", floor.RawKeepAlive.SendWithTimeoutTokenAsync),
            ("generated", () => generated.KeepAliveAsync(body)),
            ("generated-cancellable-token-unarmed", () => generated.KeepAliveAsync(body, unarmed.Token)),
            ("generated-timeout-token", GeneratedWithTimeout),
            ("rest-client-untimed-no-token", () => untimed.CallAsync("KeepAlive", body, static (api, b, ct) => api.KeepAliveAsync(b, ct), static r => (r.Code, r.Message), default).AsTask()),
            ("rest-client-untimed-lifetime", () => untimed.CallAsync("KeepAlive", body, static (api, b, ct) => api.KeepAliveAsync(b, ct), static r => (r.Code, r.Message), default, alsoCancelledBy: lifetime.Token).AsTask()),
            ("rest-client-shipped-lifetime", () => shipped.CallAsync("KeepAlive", body, static (api, b, ct) => api.KeepAliveAsync(b, ct), static r => (r.Code, r.Message), default, alsoCancelledBy: lifetime.Token).AsTask()),
            ("sdk", floor.SdkKeepAliveAsync),
        ];
        await RestFloor.CompareAsync("probe-keep-alive", floor.RawKeepAlive.SendAsync, clients);
        var lines = await RestFloor.CompareAsync("probe-keep-alive", floor.RawKeepAlive.SendAsync, clients);
        timeout.Dispose();
        return lines.ToList();
    }

    /// <summary>
    /// Allocated bytes per call, precisely: each line runs alone for a block of calls (process-wide, so the endpoint's
    /// share is in every line), blocks alternating, the lowest block of each line reported.
    /// </summary>
    public static async Task<IReadOnlyList<QuickLine>> AllocationsAsync()
    {
        await using var floor = await FloorSession.StartAsync();
        (string Name, Func<Task> Call)[] lines =
        [
            ("keep-alive-raw", floor.RawKeepAlive.SendAsync),
            ("keep-alive-generated", floor.GeneratedKeepAliveAsync),
            ("keep-alive-sdk", floor.SdkKeepAliveAsync),
            ("speak-raw", floor.RawSpeak.SendAsync),
            ("speak-generated", floor.GeneratedSendTaskAsync),
            ("speak-sdk", floor.SdkSpeakAsync),
        ];
        const int Block = 2000;
        var best = Enumerable.Repeat(double.MaxValue, lines.Length).ToArray();
        for (var round = 0; round < 6; round++)
        {
            for (var k = 0; k < lines.Length; k++)
            {
                var before = GC.GetTotalAllocatedBytes(precise: true);
                for (var i = 0; i < Block; i++)
                {
                    await lines[k].Call();
                }

                var perCall = (double)(GC.GetTotalAllocatedBytes(precise: true) - before) / Block;
                if (round > 0)
                {
                    best[k] = Math.Min(best[k], perCall);
                }
            }
        }

        return lines.Select((line, k) => new QuickLine("floor-alloc-" + line.Name, best[k], "B/call", best[k < 3 ? 0 : 3], "B/call")).ToList();
    }

    private static KonProRestClient RestClient(FloorSession floor, KonProRetryOptions? retry) => new(
        floor.Http,
        new Uri(floor.Url),
        KonProCredential.SessionToken("floor-session-token"),
        NullLogger.Instance,
        new KonProTelemetry(),
        TimeProvider.System,
        new SecretRedactor(),
        retry);
}

/// <summary>
/// The clients' own work without a socket: each call answered at once by a handler in memory with the endpoint's
/// constant envelope, so only the client's CPU time and allocations are measured (ns and bytes per call, this thread).
/// </summary>
internal static class InMemoryProbes
{
    private static readonly byte[] Status = System.Text.Encoding.UTF8.GetBytes("""{"code":100,"message":"success","data":{"status":"ok"}}""");
    private static readonly byte[] TaskAnswer = System.Text.Encoding.UTF8.GetBytes("""{"code":100,"message":"success","data":{"task_id":"floor-task","duration_ms":1200}}""");

    /// <summary>Reads the keep_alive answer in a loop for a while (for a sampled trace of the read alone).</summary>
    public static void SpinDeserialize(TimeSpan duration)
    {
        var generated = new Wire.KonProApiClient(new HttpClient(new ConstantHandler()));
        var info = (System.Text.Json.Serialization.Metadata.JsonTypeInfo<Wire.StatusResponse>)Options(generated).GetTypeInfo(typeof(Wire.StatusResponse));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            for (var i = 0; i < 1000; i++)
            {
                _ = System.Text.Json.JsonSerializer.Deserialize(Status, info);
            }
        }
    }

    /// <summary>The generated keep_alive over the handler in memory in a loop for a while (for a sampled trace).</summary>
    public static async Task SpinGeneratedAsync(TimeSpan duration)
    {
        var bearer = new AuthenticationHeaderValue("Bearer", "floor-session-token");
        var generated = new Wire.KonProApiClient(new HttpClient(new ConstantHandler())) { BaseUrl = "http://127.0.0.1:1", RequestPreparer = request => request.Headers.Authorization = bearer };
        var body = new Wire.SessionIdRequest { SessionId = ConstantEndpoint.SessionId };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            for (var i = 0; i < 1000; i++)
            {
                await generated.KeepAliveAsync(body);
            }
        }
    }

    public static async Task<IReadOnlyList<QuickLine>> RunAsync()
    {
        using var http = new HttpClient(new ConstantHandler());
        const string url = "http://127.0.0.1:1";
        var bearer = new AuthenticationHeaderValue("Bearer", "floor-session-token");
        var generated = new Wire.KonProApiClient(http) { BaseUrl = url, RequestPreparer = request => request.Headers.Authorization = bearer };
        var body = new Wire.SessionIdRequest { SessionId = ConstantEndpoint.SessionId };
        var raw = new FloorSession.RawPost(http, new Uri(url + "/v1/streaming/keep_alive"), $$"""{"session_id":"{{ConstantEndpoint.SessionId}}"}""");
        var rawTask = new FloorSession.RawPost(http, new Uri(url + "/v1/streaming/task"), $$"""{"session_id":"{{ConstantEndpoint.SessionId}}","text":"Hi.","task_type":"repeat","task_mode":"async"}""");
        var taskBody = new Wire.TaskRequest { SessionId = ConstantEndpoint.SessionId, Text = "Hi.", TaskType = Wire.TaskType.Repeat, TaskMode = Wire.TaskMode.Async };
        using var lifetime = new CancellationTokenSource();
        using var shipped = Rest(http, url, null);
        using var untimed = Rest(http, url, new KonProRetryOptions { Enabled = false, AttemptTimeout = Timeout.InfiniteTimeSpan, TotalTimeout = Timeout.InfiniteTimeSpan });
        (string Name, Func<Task> Call)[] lines =
        [
            ("raw", raw.SendAsync),
            ("raw-with-accept-and-headers-read", raw.SendLikeGeneratedAsync),
            ("raw-with-timeout-token", raw.SendWithTimeoutTokenAsync),
            ("generated", () => generated.KeepAliveAsync(body)),
            ("rest-client-untimed-no-token", () => untimed.CallAsync("KeepAlive", body, static (api, b, ct) => api.KeepAliveAsync(b, ct), static r => (r.Code, r.Message), default).AsTask()),
            ("rest-client-shipped-lifetime", () => shipped.CallAsync("KeepAlive", body, static (api, b, ct) => api.KeepAliveAsync(b, ct), static r => (r.Code, r.Message), default, alsoCancelledBy: lifetime.Token).AsTask()),
            ("serialize-body", () => { _ = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(body, Options(generated).GetTypeInfo(typeof(Wire.SessionIdRequest))); return Task.CompletedTask; }),
            ("speak-raw", rawTask.SendAsync),
            ("speak-generated", () => generated.SendTaskAsync(taskBody)),
            ("speak-serialize-body", () => { _ = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(taskBody, Options(generated).GetTypeInfo(typeof(Wire.TaskRequest))); return Task.CompletedTask; }),
            ("speak-deserialize-answer", () => { _ = System.Text.Json.JsonSerializer.Deserialize(TaskAnswer, (JsonTypeInfo<Wire.TaskResponse>)Options(generated).GetTypeInfo(typeof(Wire.TaskResponse))); return Task.CompletedTask; }),
            ("get-type-info-twice", () => { _ = Options(generated).GetTypeInfo(typeof(Wire.SessionIdRequest)); _ = Options(generated).GetTypeInfo(typeof(Wire.StatusResponse)); return Task.CompletedTask; }),
            ("deserialize-status-through-serializer", () => { _ = System.Text.Json.JsonSerializer.Deserialize(Status, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<Wire.StatusResponse>)ThroughSerializer(generated).GetTypeInfo(typeof(Wire.StatusResponse))); return Task.CompletedTask; }),
            ("deserialize-status", () => { _ = System.Text.Json.JsonSerializer.Deserialize(Status, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<Wire.StatusResponse>)Options(generated).GetTypeInfo(typeof(Wire.StatusResponse))); return Task.CompletedTask; }),
        ];
        const int Batch = 20_000;
        var ns = new List<double>[lines.Length];
        var bytes = new double[lines.Length];
        for (var k = 0; k < lines.Length; k++)
        {
            ns[k] = [];
        }

        for (var round = 0; round < 12; round++)
        {
            for (var k = 0; k < lines.Length; k++)
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                var start = System.Diagnostics.Stopwatch.GetTimestamp();
                for (var i = 0; i < Batch; i++)
                {
                    await lines[k].Call();
                }

                var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(start);
                if (round >= 2)
                {
                    ns[k].Add(elapsed.TotalNanoseconds / Batch);
                    bytes[k] = (double)(GC.GetAllocatedBytesForCurrentThread() - before) / Batch;
                }
            }
        }

        var rawNs = Measure.Percentile(ns[0], 50);
        var result = new List<QuickLine>();
        for (var k = 0; k < lines.Length; k++)
        {
            result.Add(new QuickLine("memory-keep-alive-" + lines[k].Name, Measure.Percentile(ns[k], 50), "ns/call", rawNs, "ns/call"));
            result.Add(new QuickLine("memory-keep-alive-" + lines[k].Name + "-alloc", bytes[k], "B/call", bytes[0], "B/call"));
        }

        return result;
    }

    private static System.Text.Json.JsonSerializerOptions? _options;
    private static System.Text.Json.JsonSerializerOptions? _throughSerializer;

    /// <summary>The client's settings, with each nested object read by a serializer call of its own (the earlier way).</summary>
    private static System.Text.Json.JsonSerializerOptions ThroughSerializer(Wire.KonProApiClient client)
    {
        if (_throughSerializer is null)
        {
            var options = new System.Text.Json.JsonSerializerOptions(Options(client));
            options.TypeInfoResolver = options.TypeInfoResolver!.WithAddedModifier(static info =>
            {
                foreach (var property in info.Properties)
                {
                    if (property.CustomConverter is { } converter && converter.GetType().Name.StartsWith("FreshStack", StringComparison.Ordinal))
                    {
                        property.CustomConverter = new NestedCall(property.PropertyType);
                    }
                }
            });
            _throughSerializer = options;
        }

        return _throughSerializer;
    }

    private sealed class NestedCall(Type type) : System.Text.Json.Serialization.JsonConverter<object>
    {
        private System.Text.Json.Serialization.Metadata.JsonTypeInfo? _info;

        public override bool CanConvert(Type typeToConvert) => typeToConvert == type;

        public override object? Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options) =>
            System.Text.Json.JsonSerializer.Deserialize(ref reader, _info ??= options.GetTypeInfo(type));

        public override void Write(System.Text.Json.Utf8JsonWriter writer, object value, System.Text.Json.JsonSerializerOptions options) =>
            System.Text.Json.JsonSerializer.Serialize(writer, value, _info ??= options.GetTypeInfo(type));
    }

    private static System.Text.Json.JsonSerializerOptions Options(Wire.KonProApiClient client) => _options ??= (System.Text.Json.JsonSerializerOptions)typeof(Wire.KonProApiClient)
        .GetProperty("JsonSerializerSettings", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!.GetValue(client)!;

    private static KonProRestClient Rest(HttpClient http, string url, KonProRetryOptions? retry) => new(
        http, new Uri(url), KonProCredential.SessionToken("floor-session-token"), NullLogger.Instance, new KonProTelemetry(), TimeProvider.System, new SecretRedactor(), retry);

    private sealed class ConstantHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = new ByteArrayContent(request.RequestUri!.AbsolutePath.EndsWith("/task", StringComparison.Ordinal) ? TaskAnswer : Status);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = content, RequestMessage = request });
        }
    }
}
