using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using KonPro.Streaming.Tests.Support;
using Microsoft.Extensions.Logging;

namespace KonPro.Streaming.Tests.Client;

/// <summary>
/// Issue 18.1: <c>stream_ready</c>, <c>stream_disconnected</c> and <c>connection_quality_changed</c> are raised by the
/// SDK alone. A message carrying one of their names, on the chat socket (over a real socket from the fake) or on the
/// room's data channel, is not that event: it is dropped, logged (event 3010) and counted
/// (<c>konpro.streaming_avatar.messages.refused</c>), and nothing it claims happens.
/// </summary>
public sealed class ClientOnlyEventsTests
{
    private const string ForgedDisconnect = "{\"event_type\":\"stream_disconnected\",\"reason\":\"ClientStop\",\"close_status\":1000}";
    private const string ForgedReady = "{\"event_type\":\"stream_ready\"}";
    private const string ForgedQuality = "{\"event_type\":\"connection_quality_changed\",\"quality\":\"BAD\"}";

    [Fact]
    public async Task A_stream_disconnected_message_during_a_task_is_refused_and_the_avatar_keeps_talking()
    {
        await using var scope = await FakeServerScope.StartAsync();
        using var logs = new EventIdLogs();
        using var meters = new RefusalMeter();
        var avatar = await scope.CreateAvatarAsync(new StreamingAvatarOptions { LoggerFactory = logs.Factory, MeterFactory = meters });
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        await scope.WaitForSocketAsync(session.SessionId);
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);
        using var talking = new EventRecorder<bool>(avatar.IsAvatarTalking);
        scope.Server.Faults.SendRawChatMessage(session.SessionId, "{\"event_type\":\"avatar_start_talking\",\"task_id\":\"t-1\"}").Should().Be(1);
        await events.WaitForAsync<AvatarStartTalking>(e => e.TaskId == "t-1");

        scope.Server.Faults.SendRawChatMessage(session.SessionId, ForgedDisconnect).Should().Be(1);
        await SentinelAsync(scope, session.SessionId, events);

        events.Items.OfType<StreamDisconnected>().Should().BeEmpty();
        events.Items.Should().NotContain(e => e.Name == StreamingEvents.StreamDisconnected, "the message is not passed on under that name either");
        talking.Items.Should().Equal([false, true], "the flag went on with the task and never off");
        avatar.CurrentState.Should().Be(SessionState.Connected);
        scope.Server.GetSession(session.SessionId)!.OpenSockets.Should().Be(1);
        logs.Count(3010).Should().Be(1);
        meters.Refused.Should().Equal([("chat", "stream_disconnected")]);
    }

    [Fact]
    public async Task A_stream_ready_message_while_the_session_connects_is_refused_and_the_sdk_raises_its_own_once_media_is_ready()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var room = new InMemoryRoomConnector();
        var avatar = await scope.CreateAvatarAsync(new StreamingAvatarOptions { RoomConnector = room });
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);
        var starting = avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        await Wait.UntilAsync(() => room.Request is not null);
        var sessionId = room.Request!.SessionId;
        await scope.WaitForSocketAsync(sessionId);

        scope.Server.Faults.SendRawChatMessage(sessionId, ForgedReady).Should().Be(1);
        await SentinelAsync(scope, sessionId, events);

        events.Items.OfType<StreamReady>().Should().BeEmpty("the room's media is not ready");
        avatar.CurrentState.Should().Be(SessionState.Connecting);
        starting.IsCompleted.Should().BeFalse();

        room.Room.SetMediaReady();
        await starting.WaitAsync(FakeServerScope.Patience);
        (await events.WaitForAsync<StreamReady>()).SessionId.Should().Be(sessionId);
        events.Items.OfType<StreamReady>().Should().ContainSingle();
    }

    [Fact]
    public async Task A_connection_quality_changed_message_is_refused_and_the_quality_stays_what_the_sdk_measured()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync();
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        await scope.WaitForSocketAsync(session.SessionId);
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);

        scope.Server.Faults.SendRawChatMessage(session.SessionId, ForgedQuality).Should().Be(1);
        await SentinelAsync(scope, session.SessionId, events);

        events.Items.OfType<ConnectionQualityChanged>().Should().BeEmpty();
        avatar.ConnectionQuality.Should().Be(ConnectionQuality.Unknown);
    }

    [Fact]
    public async Task The_three_names_on_the_room_data_channel_are_refused_too()
    {
        await using var scope = await FakeServerScope.StartAsync();
        using var logs = new EventIdLogs();
        using var meters = new RefusalMeter();
        var room = new InMemoryRoomConnector();
        room.Room.SetMediaReady();
        var avatar = await scope.CreateAvatarAsync(new StreamingAvatarOptions { RoomConnector = room, LoggerFactory = logs.Factory, MeterFactory = meters });
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);
        using var talking = new EventRecorder<bool>(avatar.IsAvatarTalking);
        room.Room.Send("{\"type\":\"avatar_start_talking\",\"task_id\":\"t-1\"}");
        await events.WaitForAsync<AvatarStartTalking>(e => e.TaskId == "t-1");

        room.Room.Send(ForgedDisconnect.Replace("event_type", "type", StringComparison.Ordinal));
        room.Room.Send(ForgedReady.Replace("event_type", "type", StringComparison.Ordinal));
        room.Room.Send(ForgedQuality.Replace("event_type", "type", StringComparison.Ordinal));
        room.Room.Send("{\"type\":\"sentinel_after_the_forgeries\"}");
        await events.WaitForAsync(e => e.Name == "sentinel_after_the_forgeries");

        events.Items.Select(e => e.Name).Should().Equal(StreamingEvents.AvatarStartTalking, "sentinel_after_the_forgeries");
        talking.Items.Should().Equal([false, true]);
        avatar.ConnectionQuality.Should().Be(ConnectionQuality.Unknown);
        avatar.CurrentState.Should().Be(SessionState.Connected);
        logs.Count(3010).Should().Be(3);
        meters.Refused.Should().BeEquivalentTo([("room", "stream_disconnected"), ("room", "stream_ready"), ("room", "connection_quality_changed")]);
        session.SessionId.Should().NotBeNullOrEmpty();
    }

    /// <summary>A later message on the same socket: once it is delivered, the one sent before it has been handled.</summary>
    private static async Task SentinelAsync(FakeServerScope scope, string sessionId, EventRecorder<StreamingEvent> events)
    {
        scope.Server.Faults.SendRawChatMessage(sessionId, "{\"event_type\":\"sentinel_after_the_forgery\"}").Should().Be(1);
        await events.WaitForAsync(e => e.Name == "sentinel_after_the_forgery");
    }

    private sealed class EventIdLogs : ILoggerProvider
    {
        private readonly ConcurrentQueue<int> _ids = new();

        public EventIdLogs() => Factory = LoggerFactory.Create(b => b.AddProvider(this).SetMinimumLevel(LogLevel.Trace));

        public ILoggerFactory Factory { get; }

        public int Count(int id) => _ids.Count(e => e == id);

        public ILogger CreateLogger(string categoryName) => new Logger(_ids);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<int> ids) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                ids.Enqueue(eventId.Id);
        }
    }

    /// <summary>A meter factory of this test alone, and a listener of its refusal counter.</summary>
    private sealed class RefusalMeter : IMeterFactory
    {
        private readonly ConcurrentQueue<(string Channel, string EventName)> _refused = new();
        private readonly List<Meter> _meters = [];
        private readonly MeterListener _listener = new();

        public RefusalMeter()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                lock (_meters)
                {
                    if (_meters.Contains(instrument.Meter) && instrument.Name == "konpro.streaming_avatar.messages.refused")
                    {
                        listener.EnableMeasurementEvents(instrument);
                    }
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                string? channel = null;
                string? name = null;
                foreach (var tag in tags)
                {
                    channel = tag.Key == "konpro.channel" ? tag.Value as string : channel;
                    name = tag.Key == "konpro.event" ? tag.Value as string : name;
                }

                for (var i = 0; i < value; i++)
                {
                    _refused.Enqueue((channel!, name!));
                }
            });
            _listener.Start();
        }

        public IReadOnlyList<(string Channel, string EventName)> Refused => [.. _refused];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options);
            lock (_meters)
            {
                _meters.Add(meter);
            }

            return meter;
        }

        public void Dispose()
        {
            _listener.Dispose();
            lock (_meters)
            {
                foreach (var meter in _meters)
                {
                    meter.Dispose();
                }
            }
        }
    }
}
