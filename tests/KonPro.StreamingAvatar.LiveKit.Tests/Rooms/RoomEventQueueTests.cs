using System.Text;
using Microsoft.Extensions.Logging.Abstractions;

namespace KonPro.Streaming.LiveKit.Tests.Rooms;

/// <summary>
/// The room's own events go from the FFI dispatcher to their subscribers through a queue with a loop of its own: the
/// dispatcher (here, a thread of the test's own) only queues, in order, and a slow subscriber neither holds it up nor
/// makes the queue grow without bound.
/// </summary>
public sealed class RoomEventQueueTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Deliveries_run_off_the_thread_that_posts_them_in_order_and_a_blocking_subscriber_does_not_hold_that_thread_up()
    {
        var queue = new RoomEventQueue(NullLogger.Instance);
        var seen = new List<string>();
        var threads = new HashSet<int>();
        using var release = new ManualResetEventSlim();
        var firstHeard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Record(string what)
        {
            lock (seen)
            {
                seen.Add(what);
                threads.Add(Environment.CurrentManagedThreadId);
            }
        }

        using var data = queue.DataMessages.Subscribe(
            m =>
            {
                Record("data " + Encoding.UTF8.GetString(m.Payload.Span));
                if (firstHeard.TrySetResult())
                {
                    release.Wait(Bound); // stuck on the first message until the test saw the posting thread finish
                }
            },
            () => Record("data end"));
        using var tracks = queue.Tracks.Subscribe(t => Record($"track {t.TrackSid} {t.Subscribed}"));
        using var quality = queue.ConnectionQuality.Subscribe(q => Record("quality " + q));

        // The room's thread, as LiveKit's dispatcher: every kind of event, one after the other.
        var dispatcher = new Thread(() =>
        {
            queue.PostData(Message("first"));
            queue.PostTrack(new AvatarRoomTrack("avatar", "TR_video", AvatarTrackKind.Video, Subscribed: true));
            queue.PostQuality(ConnectionQuality.Good);
            queue.PostReady(ready);
            queue.PostData(Message("second"));
            queue.PostDataEnd();
        })
        { IsBackground = true, Name = "room dispatcher" };
        try
        {
            dispatcher.Start();
            await firstHeard.Task.WaitAsync(Bound);

            dispatcher.Join(Bound).Should().BeTrue("the dispatcher only queues: a subscriber that blocks does not hold it up");
            ready.Task.IsCompleted.Should().BeFalse("media ready waits behind the events queued before it");
        }
        finally
        {
            release.Set();
        }

        await ready.Task.WaitAsync(Bound);
        await queue.CompleteAsync().WaitAsync(Bound);
        seen.Should().Equal(
            "quality Unknown", // a subscriber first gets the latest quality, on its own thread
            "data first",
            "track TR_video True",
            "quality Good",
            "data second",
            "data end");
        threads.Should().NotContain(dispatcher.ManagedThreadId, "no subscriber runs on the thread that delivered the event");
    }

    [Fact]
    public async Task A_stuck_subscriber_keeps_the_newest_data_messages_the_oldest_are_dropped_and_counted_and_only_the_latest_quality_waits()
    {
        var queue = new RoomEventQueue(NullLogger.Instance, dataCapacity: 3);
        var seen = new List<string>();
        using var release = new ManualResetEventSlim();
        var stuck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var data = queue.DataMessages.Subscribe(m =>
        {
            seen.Add(Encoding.UTF8.GetString(m.Payload.Span));
            if (stuck.TrySetResult())
            {
                release.Wait(Bound);
            }
        });
        using var quality = queue.ConnectionQuality.Subscribe(q => seen.Add(q.ToString()));

        queue.PostData(Message("0"));
        await stuck.Task.WaitAsync(Bound);
        for (var i = 1; i <= 10; i++)
        {
            queue.PostData(Message(i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        queue.PostQuality(ConnectionQuality.Bad);
        queue.PostQuality(ConnectionQuality.Good);
        queue.PostQuality(ConnectionQuality.Bad);
        release.Set();
        await queue.CompleteAsync().WaitAsync(Bound);

        seen.Should().Equal("Unknown", "0", "8", "9", "10", "Bad");
        queue.DroppedDataMessages.Should().Be(7);
    }

    [Fact]
    public async Task A_subscriber_that_throws_skips_one_event_and_one_that_completes_the_queue_from_its_handler_does_not_wait_for_itself()
    {
        var queue = new RoomEventQueue(NullLogger.Instance);
        var seen = new List<string>();
        var tracksCompleted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task? completing = null;
        using var allQueued = new ManualResetEventSlim();
        using var data = queue.DataMessages.Subscribe(m =>
        {
            var text = Encoding.UTF8.GetString(m.Payload.Span);
            if (text == "hold")
            {
                // Holds the loop until every message below is queued, so "queued before the end" is queued before
                // the handler of "dispose" completes the queue, however the threads are scheduled.
                allQueued.Wait(Bound);
                return;
            }

            if (text == "bad")
            {
                throw new InvalidOperationException("subscriber bug");
            }

            seen.Add(text);
            if (text == "dispose")
            {
                // As a subscriber that disposes the room from its handler: it must not wait for its own return.
                completing = queue.CompleteAsync();
            }
        });
        using var tracks = queue.Tracks.Subscribe(_ => { }, () => tracksCompleted.TrySetResult());

        queue.PostData(Message("hold"));
        queue.PostData(Message("bad"));
        queue.PostData(Message("good"));
        queue.PostData(Message("dispose"));
        queue.PostData(Message("queued before the end"));
        allQueued.Set();

        await tracksCompleted.Task.WaitAsync(Bound);
        completing!.IsCompleted.Should().BeTrue();
        await queue.CompleteAsync().WaitAsync(Bound); // the loop has ended: nothing can be delivered after this
        queue.PostData(Message("after the end"));
        seen.Should().Equal("good", "dispose", "queued before the end");
    }

    private static AvatarRoomDataMessage Message(string text) =>
        new(Encoding.UTF8.GetBytes(text), AvatarRoomDataSender.Avatar, "avatar", null);
}
