using System.Reactive.Linq;
using KonPro.Streaming.Tests.Support;

namespace KonPro.Streaming.Tests.Session;

/// <summary>
/// The room's messages are parsed beside the room subscription and handed to the ingest step on a loop of the reader's
/// own: the room's thread (LiveKit's FFI dispatcher) only queues them, so no subscriber runs on it and none holds it up.
/// </summary>
public sealed class RoomEventReaderTests
{
    [Fact]
    public async Task A_room_delivered_event_reaches_its_subscriber_off_the_rooms_thread_and_a_blocking_subscriber_does_not_hold_up_that_thread()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var (avatar, connector) = await StartWithRoomAsync(scope);
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);
        using var release = new ManualResetEventSlim();
        var subscriberThread = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var blocking = avatar.Events.OfType<UnknownStreamingEvent>().Where(e => e.Name == "room_probe").Subscribe(_ =>
        {
            subscriberThread.TrySetResult(Environment.CurrentManagedThreadId);
            release.Wait(FakeServerScope.Patience * 2); // blocks until the test has seen the room's thread go on
        });

        // The room's own thread, as LiveKit's dispatcher: it delivers two messages, one after the other.
        var roomThread = new Thread(() =>
        {
            connector.Room.Send("""{"type":"room_probe"}""");
            connector.Room.Send("""{"type":"room_after_probe"}""");
        })
        { IsBackground = true, Name = "room dispatcher" };
        try
        {
            roomThread.Start();
            var subscriberThreadId = await subscriberThread.Task.WaitAsync(FakeServerScope.Patience);

            roomThread.Join(FakeServerScope.Patience).Should().BeTrue("the room's thread only queues its messages: a subscriber that blocks does not hold it up");
            subscriberThreadId.Should().NotBe(roomThread.ManagedThreadId, "a subscriber never runs on the room's thread");
        }
        finally
        {
            release.Set();
        }

        // Released, the subscriber lets the loop go on: the second message follows, in order.
        await events.WaitForAsync<UnknownStreamingEvent>(e => e.Name == "room_after_probe");
        events.Items.OfType<UnknownStreamingEvent>().Select(e => e.Name).Should().Equal("room_probe", "room_after_probe");
    }

    [Fact]
    public async Task The_rooms_end_is_seen_after_the_messages_it_delivered_before_it()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var (avatar, connector) = await StartWithRoomAsync(scope);
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);

        connector.Room.Send("""{"type":"room_last_word"}""");
        connector.Room.Close();
        await events.WaitForCompletionAsync();

        var names = events.Items.Select(e => e.Name).ToList();
        names.Should().Contain("room_last_word");
        names.IndexOf("room_last_word").Should().BeLessThan(names.IndexOf(StreamingEvents.StreamDisconnected));
    }

    private static async Task<(StreamingAvatar Avatar, InMemoryRoomConnector Connector)> StartWithRoomAsync(FakeServerScope scope)
    {
        var connector = new InMemoryRoomConnector();
        connector.Room.SetMediaReady();
        var avatar = await scope.CreateAvatarAsync(new StreamingAvatarOptions { RoomConnector = connector });
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        return (avatar, connector);
    }
}
