using System.Reactive;
using KonPro.Streaming.Events;
using KonPro.Streaming.Tests.Realtime.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace KonPro.Streaming.Tests.Events;

/// <summary>
/// The ingest step's promise to whoever awaits a speak handle: when <c>Started</c> or <c>Completed</c> completes,
/// every subscriber of the events has already received the event that moved it (the load run's "one event in a
/// million" was a handle that completed while its <c>avatar_stop_talking</c> was still on its way to the subscriber).
/// </summary>
public sealed class EventIngestTests
{
    [Fact]
    public async Task A_handle_completes_only_after_the_subscribers_have_received_its_stop_event()
    {
        var ingest = new EventIngest(TimeProvider.System, NullLogger.Instance);
        var progress = ingest.Speaks.Track("t1");
        bool? completedWhenDelivered = null;
        bool? startedWhenDelivered = null;
        ingest.Events.AsObservable().Subscribe(Observer.Create<StreamingEvent>(e =>
        {
            switch (e)
            {
                case AvatarStartTalking:
                    startedWhenDelivered = progress.Started.IsCompleted;
                    break;
                case AvatarStopTalking:
                    completedWhenDelivered = progress.Completed.IsCompleted;
                    break;
            }
        }));

        ingest.Ingest(new AvatarStartTalking { TaskId = "t1" }, EventChannel.ChatSocket);
        ingest.Ingest(new AvatarStopTalking { TaskId = "t1", DurationMs = 1200 }, EventChannel.ChatSocket);

        startedWhenDelivered.Should().BeFalse("the handle starts after its subscribers saw the start");
        completedWhenDelivered.Should().BeFalse("the handle completes after its subscribers saw the stop");
        progress.Started.IsCompletedSuccessfully.Should().BeTrue();
        progress.Completed.IsCompletedSuccessfully.Should().BeTrue();
        (await progress.Completed).Should().Be(new SpeakResult("t1", SpeakOutcome.Completed, 1200));
    }

    [Fact]
    public async Task A_stop_ingested_while_another_thread_delivers_completes_the_handle_only_after_that_thread_delivered_it()
    {
        // The interleaving of the lost event, forced: the room's thread is delivering an earlier event (its subscriber
        // is slow) when the chat socket's loop ingests the stop. The loop finds the hub busy and returns at once; the
        // stop reaches the subscriber only when the room's thread gets to it.
        var ingest = new EventIngest(TimeProvider.System, NullLogger.Instance);
        var progress = ingest.Speaks.Track("t1");
        using var inSlowDelivery = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var received = new List<StreamingEvent>();
        ingest.Events.AsObservable().Subscribe(Observer.Create<StreamingEvent>(e =>
        {
            lock (received)
            {
                received.Add(e);
            }

            if (e is UserStart)
            {
                inSlowDelivery.Set();
                release.Wait(TestTimeouts.Wait);
            }
        }));
        ingest.Ingest(new AvatarStartTalking { TaskId = "t1" }, EventChannel.ChatSocket);

        var roomThread = Task.Factory.StartNew(() => ingest.Ingest(new UserStart(), EventChannel.Room), TaskCreationOptions.LongRunning);
        inSlowDelivery.Wait(TestTimeouts.Wait).Should().BeTrue();
        ingest.Ingest(new AvatarStopTalking { TaskId = "t1" }, EventChannel.ChatSocket);

        progress.Completed.IsCompleted.Should().BeFalse("the stop has not reached the subscriber yet");
        release.Set();
        await roomThread.WaitAsync(TestTimeouts.Wait);
        var result = await progress.Completed.WaitAsync(TestTimeouts.Wait);

        result.Outcome.Should().Be(SpeakOutcome.Completed);
        lock (received)
        {
            received.Select(e => e.Name).Should().Equal(StreamingEvents.AvatarStartTalking, StreamingEvents.UserStart, StreamingEvents.AvatarStopTalking);
        }
    }

    [Fact]
    public void A_stop_after_the_stream_completed_still_ends_its_handle()
    {
        var ingest = new EventIngest(TimeProvider.System, NullLogger.Instance);
        ingest.Complete("s1", hadSession: true, DisconnectReason.ClientStop, 1000, null);
        var progress = ingest.Speaks.Track("late");

        ingest.Ingest(new AvatarStopTalking { TaskId = "late" }, EventChannel.ChatSocket);

        progress.Completed.IsCompletedSuccessfully.Should().BeTrue();
    }
}
