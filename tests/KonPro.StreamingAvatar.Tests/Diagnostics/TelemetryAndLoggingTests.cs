using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using KonPro.Streaming.Tests.Support;
using Microsoft.Extensions.Logging;

namespace KonPro.Streaming.Tests.Diagnostics;

public sealed class TelemetryAndLoggingTests
{
    [Fact]
    public async Task Logs_never_contain_the_token_or_the_api_key_even_for_the_socket_url_and_failures()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        var config = await scope.TokenConfigAsync();
        var avatar = new StreamingAvatar(config, scope.Http, new StreamingAvatarOptions { LoggerFactory = factory });
        await using (avatar)
        {
            var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
            scope.Server.Faults.FailNext(Testing.KonProOperationIds.SendTask, 1, Testing.FaultAnswer.Error(401, "INVALID_API_KEY", "token " + config.Token + " expired"));
            var failure = await FluentActions.Awaiting(() => avatar.SpeakAsync(new SpeakRequest { Text = "hi" })).Should().ThrowAsync<KonProAuthenticationException>();
            failure.Which.ToString().Should().NotContain(config.Token!);
            avatar.SessionInfo!.ToString().Should().NotContain(session.AccessToken);
        }

        logs.Messages.Should().NotBeEmpty();
        logs.Messages.Should().Contain(m => m.Contains("session_token=***", StringComparison.Ordinal), "the socket URL is logged, redacted");
        logs.Messages.Should().NotContain(m => m.Contains(config.Token!, StringComparison.Ordinal));
        logs.Messages.Should().NotContain(m => m.Contains(scope.Server.ApiKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_normal_start_and_stop_logs_no_null_placeholder()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        var avatar = new StreamingAvatar(await scope.TokenConfigAsync(), scope.Http, new StreamingAvatarOptions { LoggerFactory = factory });
        await using (avatar)
        {
            await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
            await avatar.StopAvatarAsync();
        }

        logs.Messages.Should().Contain(m => m.StartsWith("New session state Inactive -> Creating (no session id yet)", StringComparison.Ordinal));
        logs.Messages.Should().Contain(m => m.Contains("disconnected: ClientStop", StringComparison.Ordinal));
        logs.Messages.Should().NotContain(m => m.Contains("(null)", StringComparison.Ordinal), "a missing session id or close status is said in words");
    }

    [Fact]
    public async Task Every_rest_call_has_a_span_and_the_meter_records_durations_stream_ready_and_speak_latency()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "KonPro.StreamingAvatar",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        var measurements = new ConcurrentBag<string>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "KonPro.StreamingAvatar")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<double>((instrument, _, _, _) => measurements.Add(instrument.Name));
        meters.SetMeasurementEventCallback<long>((instrument, _, _, _) => measurements.Add(instrument.Name));
        meters.Start();
        var avatar = await scope.CreateAvatarAsync();

        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        var handle = await avatar.SpeakAsync(new SpeakRequest { Text = "Measure me.", TaskType = TaskType.Repeat, TaskMode = TaskMode.Async });
        await handle.WaitForCompletionAsync(FakeServerScope.Patience);
        await Wait.UntilAsync(() => measurements.Contains("konpro.streaming_avatar.speak.latency"));

        var mine = spans.Where(s => s.GetTagItem("konpro.operation") is string).Select(s => (string)s.GetTagItem("konpro.operation")!).ToList();
        mine.Should().Contain(["NewSession", "StartSession", "SendTask"]);
        measurements.Should().Contain("konpro.streaming_avatar.call.duration");
        measurements.Should().Contain("konpro.streaming_avatar.stream_ready.duration");
        session.SessionId.Should().NotBeNullOrEmpty();
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _messages = new();

        public IReadOnlyList<string> Messages => [.. _messages];

        public ILogger CreateLogger(string categoryName) => new Logger(_messages);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                messages.Enqueue(formatter(state, exception) + " " + exception);
        }
    }
}
