using System.Collections.Concurrent;
using System.Reactive.Linq;
using KonPro.Streaming.Events;
using KonPro.Streaming.Session;
using Microsoft.Extensions.Logging.Abstractions;
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

    [Fact]
    public async Task The_avatars_media_going_and_coming_back_is_reported_once_each_way_on_the_loop_after_the_messages_before_it()
    {
        var room = new InMemoryRoom();
        var ingest = new EventIngest(TimeProvider.System, NullLogger.Instance);
        using var events = new EventRecorder<StreamingEvent>(ingest.Events.AsObservable());
        var changes = new ConcurrentQueue<(bool Present, string[] Seen)>();
        using var reader = RoomEventReader.Start(
            room, "session", ingest, TimeProvider.System, NullLogger.Instance, refused: null, onEnded: _ => { },
            onAvatarMedia: present => changes.Enqueue((present, [.. events.Items.Select(e => e.Name)])));

        room.SubscribeAvatarTracks();
        room.Send("""{"type":"room_before_departure"}""");
        room.AvatarLeaves();
        room.SubscribeAvatarTracks();
        room.AvatarLeaves();
        await Wait.UntilAsync(() => changes.Count == 4);

        changes.Select(c => c.Present).Should().Equal([true, false, true, false], "two tracks come and go together: one report each way");
        changes.ElementAt(1).Seen.Should().Equal(["room_before_departure"], "the departure is reported after what the room delivered before it");
    }

    [Fact]
    public async Task Once_the_reader_stops_ingesting_what_was_queued_before_is_still_delivered_and_the_rooms_end_still_reported()
    {
        var room = new InMemoryRoom();
        var ingest = new EventIngest(TimeProvider.System, NullLogger.Instance);
        using var events = new EventRecorder<StreamingEvent>(ingest.Events.AsObservable());
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var reader = RoomEventReader.Start(room, "session", ingest, TimeProvider.System, NullLogger.Instance, refused: null, onEnded: _ => ended.TrySetResult());

        room.Send("""{"type":"room_queued_before"}""");
        await reader.StopIngestingAsync().WaitAsync(FakeServerScope.Patience);
        room.Send("""{"type":"room_after_stop"}""");
        room.SetQuality(ConnectionQuality.Bad);
        room.End();
        await ended.Task.WaitAsync(FakeServerScope.Patience);

        events.Items.Select(e => e.Name).Should().Equal(["room_queued_before"], "nothing the room delivers after the stop reaches the session");
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
