using KonPro.Streaming.Testing.Sessions;

namespace KonPro.Streaming.Testing.Tests.Sessions;

/// <summary>
/// A session's outbox: the session writes typed events and its close to the channels subscribed to it (chat sockets,
/// room, speaker) and knows none of them.
/// </summary>
public sealed class SessionOutboxTests
{
    [Fact]
    public async Task Events_reach_each_subscribed_channel_in_the_order_they_were_written()
    {
        var session = Support.Sessions.New();
        var heard = new List<string>();
        session.GetOrSubscribe(_ => new Recorder("chat", heard));
        session.GetOrSubscribe(_ => new OtherRecorder("room", heard));

        session.Publish(new SessionEvent(SessionEventKind.AvatarStartTalking, "task-1"));
        session.Publish(new SessionEvent(SessionEventKind.AvatarTalkingMessage, "task-1", "Hello"));

        heard.Should().Equal(
            "chat avatar_start_talking task-1",
            "room avatar_start_talking task-1",
            "chat avatar_talking_message task-1 Hello",
            "room avatar_talking_message task-1 Hello");
        await session.DisposeAsync();
    }

    [Fact]
    public async Task A_channel_subscribed_first_hears_the_close_before_the_others_and_each_hears_it_once()
    {
        var session = Support.Sessions.New();
        var heard = new List<string>();
        session.GetOrSubscribe(_ => new Recorder("chat", heard));
        session.GetOrSubscribe(_ => new OtherRecorder("speaker", heard), first: true);

        session.TryClose(1000, "session_stopped").Should().BeTrue();
        session.TryClose(4001, "idle_timeout").Should().BeFalse();

        heard.Should().Equal("speaker closed 1000 session_stopped", "chat closed 1000 session_stopped");
        await session.DisposeAsync();
    }

    [Fact]
    public async Task The_start_reaches_each_subscribed_channel_once_before_the_close()
    {
        var session = Support.Sessions.New();
        var heard = new List<string>();
        session.GetOrSubscribe(_ => new Recorder("chat", heard));
        session.GetOrSubscribe(_ => new OtherRecorder("room", heard));

        session.TryStart().Should().BeTrue();
        session.TryStart().Should().BeFalse();
        session.TryClose(1000, "session_stopped").Should().BeTrue();

        heard.Should().Equal("chat started", "room started", "chat closed 1000 session_stopped", "room closed 1000 session_stopped");
        await session.DisposeAsync();
    }

    [Fact]
    public async Task A_channel_is_subscribed_once_and_found_by_its_type()
    {
        var session = Support.Sessions.New();
        var created = 0;
        var first = session.GetOrSubscribe(_ => { created++; return new Recorder("chat", []); });
        var again = session.GetOrSubscribe(_ => { created++; return new Recorder("chat", []); });

        again.Should().BeSameAs(first);
        created.Should().Be(1);
        session.Find<Recorder>().Should().BeSameAs(first);
        session.Find<OtherRecorder>().Should().BeNull();
        await session.DisposeAsync();
    }

    [Fact]
    public async Task Writing_an_event_to_the_outbox_allocates_nothing()
    {
        var session = Support.Sessions.New();
        session.GetOrSubscribe(_ => new Counter());
        var sessionEvent = new SessionEvent(SessionEventKind.AvatarTalkingMessage, "task-1", "Hello");
        session.Publish(sessionEvent); // the first call compiles the path

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            session.Publish(sessionEvent);
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0);
        session.Find<Counter>()!.Count.Should().Be(1001);
        await session.DisposeAsync();
    }

    [Theory]
    [InlineData(nameof(SessionEventKind.AvatarTalkingMessage), FakeEventDelivery.ChatOnly, true, false)]
    [InlineData(nameof(SessionEventKind.AvatarTalkingMessage), FakeEventDelivery.ChatAndRoom, true, true)]
    [InlineData(nameof(SessionEventKind.AvatarTalkingMessage), FakeEventDelivery.RoomOnly, false, true)]
    [InlineData(nameof(SessionEventKind.UserTalkingMessage), FakeEventDelivery.RoomOnly, false, true)]
    [InlineData(nameof(SessionEventKind.UserStart), FakeEventDelivery.RoomOnly, true, false)]
    [InlineData(nameof(SessionEventKind.UserStop), FakeEventDelivery.ChatAndRoom, true, false)]
    [InlineData(nameof(SessionEventKind.UserStop), FakeEventDelivery.ChatOnly, true, false)]
    public void The_delivery_decides_which_channel_carries_an_event(string kind, FakeEventDelivery delivery, bool chat, bool room)
    {
        var sessionEvent = new SessionEvent(Enum.Parse<SessionEventKind>(kind), "task-1");

        sessionEvent.GoesToChat(delivery).Should().Be(chat);
        sessionEvent.GoesToRoom(delivery).Should().Be(room);
    }

    private class Recorder(string name, List<string> heard) : ISessionEventSink
    {
        public void OnEvent(in SessionEvent sessionEvent) =>
            heard.Add($"{name} {sessionEvent.Name} {sessionEvent.TaskId}{(sessionEvent.Message is null ? string.Empty : " " + sessionEvent.Message)}");

        public void OnStarted() => heard.Add($"{name} started");

        public void OnClosed(int status, string reason) => heard.Add($"{name} closed {status} {reason}");
    }

    private sealed class OtherRecorder(string name, List<string> heard) : Recorder(name, heard);

    private sealed class Counter : ISessionEventSink
    {
        public int Count { get; private set; }

        public void OnEvent(in SessionEvent sessionEvent) => Count++;

        public void OnStarted()
        {
        }

        public void OnClosed(int status, string reason)
        {
        }
    }
}
