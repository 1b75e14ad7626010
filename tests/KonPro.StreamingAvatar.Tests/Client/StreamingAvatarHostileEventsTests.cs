using System.Collections.Concurrent;
using System.Reactive.Subjects;
using System.Text;
using KonPro.Streaming.Tests.Support;
using Microsoft.Extensions.Logging;

namespace KonPro.Streaming.Tests.Client;

/// <summary>Issue 10.1 over the wire: hostile chat messages and room data messages never end a live session.</summary>
public sealed class StreamingAvatarHostileEventsTests
{
    // The messages of the issue: an escaped lone surrogate in a value, in the event name, in a field name.
    private static readonly string[] LoneSurrogateEvents =
    [
        "{\"event_type\":\"avatar_talking_message\",\"task_id\":\"t\",\"message\":\"\\ud800\"}",
        "{\"event_type\":\"\\udc00\",\"task_id\":\"t\"}",
        "{\"event_type\":\"avatar_talking_message\",\"\\udc00\":\"x\"}",
    ];

    [Fact]
    public async Task A_lone_surrogate_event_on_the_chat_socket_is_a_malformed_message_and_the_session_goes_on()
    {
        await using var scope = await FakeServerScope.StartAsync();
        using var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var avatar = await scope.CreateAvatarAsync(new StreamingAvatarOptions
        {
            LoggerFactory = loggerFactory,
            ReconnectPolicy = ReconnectPolicy.Default,
        });
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        await scope.WaitForSocketAsync(session.SessionId);
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);

        foreach (var message in LoneSurrogateEvents)
        {
            scope.Server.Faults.SendRawChatMessage(session.SessionId, message).Should().Be(1);
        }

        var handle = await avatar.SpeakAsync(new SpeakRequest { Text = "Still talking after that.", TaskType = TaskType.Repeat, TaskMode = TaskMode.Async });
        var result = await handle.WaitForCompletionAsync(FakeServerScope.Patience);

        result.Outcome.Should().Be(SpeakOutcome.Completed);
        (await events.WaitForAsync<AvatarStopTalking>(e => e.TaskId == handle.TaskId)).Should().NotBeNull();
        events.Items.OfType<AvatarTalkingMessage>().Should().NotContain(e => e.TaskId == "t");
        events.Items.OfType<StreamDisconnected>().Should().BeEmpty();
        avatar.CurrentState.Should().Be(SessionState.Connected);
        scope.Server.GetSession(session.SessionId)!.OpenSockets.Should().Be(1, "the socket was never dropped");
        logs.Count(new EventId(4005)).Should().Be(LoneSurrogateEvents.Length, "each bad message is one malformed-message diagnostic");
    }

    // Each is a whole event up to its very end, where it fails: the one pass has read the task id and the name before
    // it finds the fault, and still nothing of the message may reach a subscriber.
    private static readonly string[] LateFailingEvents =
    [
        "{\"event_type\":\"avatar_start_talking\",\"task_id\":\"late-1\",\"session_id\":\"s\",\"extra\":[1,{\"a\":\"\\udc00\"}]}",
        "{\"event_type\":\"avatar_start_talking\",\"task_id\":\"late-2\"} {}",
        "{\"event_type\":\"avatar_talking_message\",\"task_id\":\"late-3\",\"message\":\"hello\"",
        "{\"event_type\":\"avatar_stop_talking\",\"task_id\":\"late-4\",\"duration_ms\":5,\"\\ud800\":0}",
    ];

    [Fact]
    public async Task A_chat_message_that_fails_at_its_end_is_rejected_whole_and_no_part_of_it_is_delivered()
    {
        await using var scope = await FakeServerScope.StartAsync();
        using var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var avatar = await scope.CreateAvatarAsync(new StreamingAvatarOptions { LoggerFactory = loggerFactory });
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        await scope.WaitForSocketAsync(session.SessionId);
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);
        var talking = new ConcurrentQueue<bool>();
        using var talkingSubscription = avatar.IsAvatarTalking.Subscribe(talking.Enqueue);

        foreach (var message in LateFailingEvents)
        {
            scope.Server.Faults.SendRawChatMessage(session.SessionId, message).Should().Be(1);
        }

        // The same socket, after them: once this arrives, the bad messages have been read.
        scope.Server.Faults.SendRawChatMessage(session.SessionId, "{\"event_type\":\"user_start\",\"task_id\":\"after\"}").Should().Be(1);
        await events.WaitForAsync<UserStart>(e => e.TaskId == "after");

        events.Items.Should().NotContain(e => e.TaskId != null && e.TaskId.StartsWith("late-", StringComparison.Ordinal));
        talking.Should().Equal([false], "a start that failed at its end never made the avatar talk");
        logs.Count(new EventId(4005)).Should().Be(LateFailingEvents.Length, "each bad message is one malformed-message diagnostic");
        avatar.CurrentState.Should().Be(SessionState.Connected);
    }

    [Fact]
    public async Task Invalid_utf8_and_lone_surrogates_on_the_room_data_channel_are_dropped_and_the_room_goes_on()
    {
        await using var scope = await FakeServerScope.StartAsync();
        using var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var room = new BytesRoom();
        var avatar = await scope.CreateAvatarAsync(new StreamingAvatarOptions { LoggerFactory = loggerFactory, RoomConnector = room });
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());

        var sending = () =>
        {
            room.Send([.. "{\"type\":\"avatar_talking_message\",\"task_id\":\"t\",\"message\":\""u8, 0xFF, 0xC0, .. "\"}"u8]);
            room.Send([.. "{\"type\":\""u8, 0xED, 0xA0, 0x80, .. "\"}"u8]);
            foreach (var message in LoneSurrogateEvents)
            {
                room.Send(Encoding.UTF8.GetBytes(message.Replace("\"event_type\"", "\"type\"", StringComparison.Ordinal)));
            }
        };

        sending.Should().NotThrow("nothing is thrown back into the room transport's OnNext");
        room.Send("{\"type\":\"user_start\"}"u8.ToArray());
        await events.WaitForAsync<UserStart>();
        avatar.CurrentState.Should().Be(SessionState.Connected);
        events.Items.OfType<StreamDisconnected>().Should().BeEmpty();
        logs.Count(new EventId(3002)).Should().Be(5);
        session.SessionId.Should().NotBeNullOrEmpty();
    }

    /// <summary>A room whose data messages are raw bytes the test chooses (not only valid UTF-8).</summary>
    private sealed class BytesRoom : IAvatarRoomConnector, IAvatarRoom
    {
        private readonly Subject<AvatarRoomDataMessage> _data = new();

        public IObservable<AvatarRoomDataMessage> DataMessages => _data;

        public Task MediaReady => Task.CompletedTask;

        public void Send(byte[] message) => _data.OnNext(new AvatarRoomDataMessage(message, AvatarRoomDataSender.Avatar, "avatar"));

        public Task<IAvatarRoom> ConnectAsync(AvatarRoomConnectRequest request, CancellationToken cancellationToken = default) =>
            Task.FromResult<IAvatarRoom>(this);

        public Task PublishAsync(string message, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public ValueTask DisposeAsync()
        {
            _data.OnCompleted();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<EventId> _events = new();

        public int Count(EventId id) => _events.Count(e => e.Id == id.Id);

        public ILogger CreateLogger(string categoryName) => new Logger(_events);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<EventId> events) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                events.Enqueue(eventId);
        }
    }
}
