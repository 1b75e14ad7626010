using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using KonPro.Streaming.Tests.Support;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace KonPro.Streaming.Tests.Diagnostics;

/// <summary>
/// The SDK's spans, meter and logs as an OpenTelemetry user sees them, over the wire against the fake server. Other
/// tests run in parallel, so each test looks only at the spans of its own trace (or its own session).
/// </summary>
public sealed class SessionTelemetryTests
{
    private const string HttpSource = "System.Net.Http";

    [Fact]
    public async Task Every_sdk_span_of_a_session_carries_the_session_id()
    {
        using var test = new ActivitySource("KonPro.StreamingAvatar.Tests." + nameof(Every_sdk_span_of_a_session_carries_the_session_id));
        var spans = new SpanList();
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(test.Name, KonProDiagnostics.ActivitySourceName)
            .AddInMemoryExporter(spans)
            .Build();
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync();

        ActivityTraceId trace;
        string sessionId;
        using (var root = test.StartActivity("test"))
        {
            trace = root!.TraceId;
            sessionId = (await avatar.CreateStartAvatarAsync(new StartAvatarRequest())).SessionId;
            var handle = await avatar.SpeakAsync(new SpeakRequest { Text = "Tag me.", TaskType = TaskType.Repeat, TaskMode = TaskMode.Async });
            await avatar.KeepAliveAsync();
            await avatar.InterruptAsync();
            await avatar.StopAvatarAsync();
        }

        tracing.ForceFlush();
        var mine = Snapshot(spans).Where(s => s.TraceId == trace && s.Source.Name == KonProDiagnostics.ActivitySourceName).ToList();
        mine.Select(s => s.DisplayName).Should().Contain(
            ["KonPro CreateStartAvatar", "KonPro NewSession", "KonPro StartSession", "KonPro Connect", "KonPro ChatConnect", "KonPro SendTask", "KonPro KeepAlive", "KonPro InterruptTask", "KonPro StopSession"]);
        mine.Should().OnlyContain(s => (string?)s.GetTagItem(KonProDiagnostics.SessionIdTag) == sessionId, "every SDK span of the session names it");
        mine.Where(s => s.Kind == ActivityKind.Client).Should().OnlyContain(s => s.GetTagItem(KonProDiagnostics.OperationTag) is string);
    }

    [Fact]
    public async Task The_chat_socket_upgrade_is_a_child_of_the_sdk_spans_of_the_start_and_carries_no_token()
    {
        var spans = new SpanList();
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(KonProDiagnostics.ActivitySourceName, HttpSource)
            .AddInMemoryExporter(spans)
            .Build();
        await using var scope = await FakeServerScope.StartAsync();
        var config = await scope.TokenConfigAsync();
        await using var avatar = new StreamingAvatar(config, scope.Http);

        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        await avatar.StopAvatarAsync();

        tracing.ForceFlush();
        var all = Snapshot(spans);
        var start = all.Single(s => s.DisplayName == "KonPro CreateStartAvatar" && (string?)s.GetTagItem(KonProDiagnostics.SessionIdTag) == session.SessionId);
        var trace = all.Where(s => s.TraceId == start.TraceId).ToList();
        var upgrade = trace.Single(s => s.Source.Name == HttpSource && Url(s).Contains("streaming.chat", StringComparison.Ordinal));
        var connect = trace.Single(s => s.SpanId == upgrade.ParentSpanId);
        connect.DisplayName.Should().Be("KonPro ChatConnect");
        connect.GetTagItem(KonProDiagnostics.SessionIdTag).Should().Be(session.SessionId);
        var open = trace.Single(s => s.SpanId == connect.ParentSpanId);
        open.DisplayName.Should().Be("KonPro Connect");
        open.ParentSpanId.Should().Be(start.SpanId);
        start.ParentSpanId.Should().Be(default(ActivitySpanId), "the start is the root of its trace here");
        trace.SelectMany(s => s.TagObjects).Select(t => t.Value?.ToString() ?? string.Empty)
            .Should().NotContain(v => v.Contains(config.Token!, StringComparison.Ordinal) || v.Contains(session.AccessToken, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_background_reconnect_is_a_span_of_the_session_with_the_upgrade_as_its_child()
    {
        var spans = new SpanList();
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(KonProDiagnostics.ActivitySourceName, HttpSource)
            .AddInMemoryExporter(spans)
            .Build();
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync(new StreamingAvatarOptions
        {
            ReconnectPolicy = new ReconnectPolicy { InitialDelay = TimeSpan.FromMilliseconds(20), JitterRatio = 0 },
        });
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        await scope.WaitForSocketAsync(session.SessionId);
        var reconnecting = avatar.State.FirstAsync(s => s == SessionState.Reconnecting).ToTask();

        scope.Server.Faults.AbortChat(session.SessionId).Should().Be(1);
        await reconnecting.WaitAsync(FakeServerScope.Patience);
        await Wait.UntilAsync(() => avatar.CurrentState == SessionState.Connected);
        await avatar.StopAvatarAsync();

        tracing.ForceFlush();
        var all = Snapshot(spans);
        var reconnect = all.Single(s => s.DisplayName == "KonPro Reconnect" && (string?)s.GetTagItem(KonProDiagnostics.SessionIdTag) == session.SessionId);
        reconnect.ParentSpanId.Should().Be(default(ActivitySpanId), "a reconnect on the socket's loop belongs to no caller's operation");
        reconnect.GetTagItem("konpro.reconnect.attempt").Should().Be(1);
        var first = all.Single(s => s.DisplayName == "KonPro ChatConnect" && (string?)s.GetTagItem(KonProDiagnostics.SessionIdTag) == session.SessionId);
        reconnect.Links.Select(l => l.Context.SpanId).Should().Contain(first.SpanId, "the reconnect links to the connect that first opened the socket");
        all.Should().ContainSingle(s => s.Source.Name == HttpSource && s.ParentSpanId == reconnect.SpanId && Url(s).Contains("streaming.chat", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_meter_publishes_every_instrument_under_the_documented_name()
    {
        var published = new ConcurrentDictionary<string, string?>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == KonProDiagnostics.MeterName)
                {
                    published[instrument.Name] = instrument.Unit;
                }
            },
        };
        meters.Start();
        await using var scope = await FakeServerScope.StartAsync();

        await using var avatar = await scope.CreateAvatarAsync();

        published.Should().Contain(new Dictionary<string, string?>
        {
            ["konpro.streaming_avatar.call.duration"] = "s",
            ["konpro.streaming_avatar.call.retries"] = "{retry}",
            ["konpro.streaming_avatar.stream_ready.duration"] = "s",
            ["konpro.streaming_avatar.speak.latency"] = "s",
            ["konpro.streaming_avatar.reconnects"] = "{reconnect}",
            ["konpro.streaming_avatar.audio.frames_dropped"] = "{frame}",
            ["konpro.streaming_avatar.messages.refused"] = "{message}",
            ["konpro.streaming_avatar.event_gap.duration"] = "s",
        });
    }

    [Fact]
    public async Task A_normal_start_and_stop_logs_no_exception_at_any_level_under_the_documented_category()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var logs = new CapturingLoggerProvider();
        using (var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs)))
        {
            var avatar = await scope.CreateAvatarAsync(new StreamingAvatarOptions { LoggerFactory = factory });
            var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
            await scope.WaitForSocketAsync(session.SessionId);
            var handle = await avatar.SpeakAsync(new SpeakRequest { Text = "Short.", TaskType = TaskType.Repeat, TaskMode = TaskMode.Async });
            await handle.WaitForCompletionAsync(FakeServerScope.Patience);

            await avatar.StopAvatarAsync();
            await avatar.DisposeAsync();
        }

        var entries = logs.Entries;
        entries.Should().Contain(e => e.EventId == 4002, "the socket's close is logged");
        entries.Should().OnlyContain(e => e.Category == KonProDiagnostics.StreamingAvatarLogCategory);
        entries.Where(e => e.Exception is not null).Select(e => $"{e.Level} {e.EventId}: {e.Exception}").Should().BeEmpty();
        entries.Should().NotContain(e => e.Level >= LogLevel.Warning);
    }

    private static List<Activity> Snapshot(SpanList spans) => [.. spans.Items];

    private static string Url(Activity span) => span.GetTagItem("url.full") as string ?? string.Empty;

    /// <summary>What the in-memory exporter fills; other tests' spans arrive concurrently.</summary>
    private sealed class SpanList : ICollection<Activity>
    {
        private readonly ConcurrentQueue<Activity> _items = new();

        public IReadOnlyList<Activity> Items => [.. _items];

        public int Count => _items.Count;

        public bool IsReadOnly => false;

        public void Add(Activity item) => _items.Enqueue(item);

        public void Clear() => _items.Clear();

        public bool Contains(Activity item) => _items.Contains(item);

        public void CopyTo(Activity[] array, int arrayIndex) => _items.CopyTo(array, arrayIndex);

        public bool Remove(Activity item) => throw new NotSupportedException();

        public IEnumerator<Activity> GetEnumerator() => _items.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private sealed record LogEntry(string Category, LogLevel Level, int EventId, Exception? Exception);

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<LogEntry> _entries = new();

        public IReadOnlyList<LogEntry> Entries => [.. _entries];

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue(new LogEntry(category, logLevel, eventId.Id, exception));
        }
    }
}
