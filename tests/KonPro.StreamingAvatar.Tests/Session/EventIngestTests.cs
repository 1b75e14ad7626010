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

    [Fact]
    public void An_event_costs_the_ingest_step_no_allocation_not_even_a_start_and_stop_of_a_task_nobody_awaits()
    {
        // Issue 22, item 5: the tracker made a progress (two task sources) for every started task, awaited or not,
        // and each start and stop queued a closure behind it in the hub (about 300 B a start).
        var ingest = new EventIngest(TimeProvider.System, NullLogger.Instance);
        var seen = 0;
        ingest.Events.AsObservable().Subscribe(Observer.Create<StreamingEvent>(_ => seen++));
        var turns = Enumerable.Range(0, 600).Select(i => Turn($"task-{i}")).ToArray();
        IngestAll(ingest, turns.AsSpan(0, 300));

        var before = GC.GetAllocatedBytesForCurrentThread();
        IngestAll(ingest, turns.AsSpan(300));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        seen.Should().Be(600 * 5);
        allocated.Should().Be(0);
    }

    [Fact]
    public async Task A_handle_asked_for_after_its_task_started_and_stopped_has_both_as_the_events_said()
    {
        var ingest = new EventIngest(TimeProvider.System, NullLogger.Instance);
        var start = new AvatarStartTalking { TaskId = "t1" };
        ingest.Ingest(start, EventChannel.ChatSocket);
        ingest.Ingest(new AvatarStopTalking { TaskId = "t1", DurationMs = 700 }, EventChannel.ChatSocket);
        ingest.Ingest(new AvatarStartTalking { TaskId = "t2" }, EventChannel.ChatSocket);

        var ended = ingest.Speaks.Track("t1");
        var started = ingest.Speaks.Track("t2");

        (await ended.Started).Should().BeSameAs(start);
        (await ended.Completed).Should().Be(new SpeakResult("t1", SpeakOutcome.Completed, 700));
        started.Started.IsCompletedSuccessfully.Should().BeTrue();
        started.IsDone.Should().BeFalse();
        ingest.Speaks.Track("t2").Should().BeSameAs(started, "one task, one progress");
    }

    [Fact]
    public async Task A_stop_while_an_interrupt_is_on_its_way_is_the_interrupts_even_for_a_task_nobody_awaited_yet()
    {
        var ingest = new EventIngest(TimeProvider.System, NullLogger.Instance);
        ingest.Ingest(new AvatarStartTalking { TaskId = "t1" }, EventChannel.ChatSocket);
        ingest.Speaks.SetInterruptRequested(true);
        ingest.Ingest(new AvatarStopTalking { TaskId = "t1", DurationMs = 300 }, EventChannel.ChatSocket);
        ingest.Ingest(new AvatarStartTalking { TaskId = "t2" }, EventChannel.ChatSocket);
        ingest.Speaks.EndAll(SpeakOutcome.Interrupted);
        ingest.Ingest(new AvatarStopTalking { TaskId = "t2", DurationMs = 50 }, EventChannel.ChatSocket);

        (await ingest.Speaks.Track("t1").Completed).Should().Be(new SpeakResult("t1", SpeakOutcome.Interrupted, 300));
        (await ingest.Speaks.Track("t2").Completed).Should().Be(new SpeakResult("t2", SpeakOutcome.Interrupted, null), "the first end counts");
    }

    [Fact]
    public async Task A_task_pending_across_a_reconnect_keeps_its_bounded_wait_for_a_handle_asked_for_later()
    {
        var scheduler = new System.Reactive.Concurrency.HistoricalScheduler();
        var ingest = new EventIngest(TimeProvider.System, NullLogger.Instance);
        ingest.Ingest(new AvatarStartTalking { TaskId = "t1" }, EventChannel.ChatSocket);

        ingest.Speaks.BoundPendingAfterReconnect(scheduler, TimeSpan.FromSeconds(10));
        scheduler.AdvanceBy(TimeSpan.FromSeconds(4));
        var progress = ingest.Speaks.Track("t1");
        progress.IsDone.Should().BeFalse();
        scheduler.AdvanceBy(TimeSpan.FromSeconds(6));

        (await progress.Completed).Outcome.Should().Be(SpeakOutcome.Unknown, "the wait counted from the reconnect, not from the handle");
    }

    [Fact]
    public void The_talking_flags_follow_the_same_rules_as_the_operators_and_change_before_the_event_that_implies_them()
    {
        // One definition of each flag: the facade's IsUserTalking and IsAvatarTalking (kept by the ingest step) and the
        // IsUserTalking and IsAvatarTalking operators over the same events give the same values, and a subscriber of an
        // event already sees the flags it implies, stream_disconnected included.
        var ingest = new EventIngest(TimeProvider.System, NullLogger.Instance);
        var delivered = new List<StreamingEvent>();
        var userWhenDelivered = new List<bool>();
        var avatarWhenDelivered = new List<bool>();
        var user = false;
        var avatar = false;
        ingest.UserTalking.AsObservable().Subscribe(Observer.Create<bool>(v => user = v));
        ingest.AvatarTalking.AsObservable().Subscribe(Observer.Create<bool>(v => avatar = v));
        ingest.Events.AsObservable().Subscribe(Observer.Create<StreamingEvent>(e =>
        {
            delivered.Add(e);
            userWhenDelivered.Add(user);
            avatarWhenDelivered.Add(avatar);
        }));

        StreamingEvent[] events =
        [
            new UserStart(), new UserStart(), new UserStop(), new AvatarStartTalking { TaskId = "t1" }, new UserStart(),
            new AvatarStartTalking { TaskId = "t2" }, new AvatarStopTalking { TaskId = "t1" },
        ];
        foreach (var evt in events)
        {
            ingest.Ingest(evt, EventChannel.ChatSocket);
        }

        ingest.Complete("s1", hadSession: true, DisconnectReason.ClientStop, closeStatus: 1000, description: null);

        delivered.Should().HaveCount(events.Length + 1);
        delivered[^1].Should().BeOfType<StreamDisconnected>();
        userWhenDelivered.Should().Equal(AfterEach(delivered, d => d.IsUserTalking()));
        avatarWhenDelivered.Should().Equal(AfterEach(delivered, d => d.IsAvatarTalking()));
        userWhenDelivered[^2].Should().BeTrue("the user was talking until the session ended");
        userWhenDelivered[^1].Should().BeFalse("stream_disconnected makes the user's flag false before its subscribers see it");
    }

    // The operator's value after each event of the sequence.
    private static List<bool> AfterEach(List<StreamingEvent> events, Func<IObservable<StreamingEvent>, IObservable<bool>> flag)
    {
        var values = new List<bool>();
        using var source = new System.Reactive.Subjects.Subject<StreamingEvent>();
        var latest = false;
        using var subscription = flag(source).Subscribe(v => latest = v);
        foreach (var evt in events)
        {
            source.OnNext(evt);
            values.Add(latest);
        }

        return values;
    }

    private static void IngestAll(EventIngest ingest, ReadOnlySpan<StreamingEvent[]> turns)
    {
        foreach (var turn in turns)
        {
            foreach (var evt in turn)
            {
                ingest.Ingest(evt, EventChannel.ChatSocket);
            }
        }
    }

    private static StreamingEvent[] Turn(string taskId) =>
    [
        new AvatarStartTalking { TaskId = taskId },
        new AvatarTalkingMessage { TaskId = taskId, Message = "Hello" },
        new AvatarEndMessage { TaskId = taskId },
        new AvatarStopTalking { TaskId = taskId, DurationMs = 900 },
        new UserStart(),
    ];

    [Fact]
    public void An_event_ingested_while_no_one_delivers_does_not_go_through_the_hubs_queue()
    {
        var ingest = new EventIngest(TimeProvider.System, NullLogger.Instance);

        for (var i = 0; i < 10; i++)
        {
            ingest.Ingest(new AvatarTalkingMessage { TaskId = "t1", Message = "word " + i }, EventChannel.ChatSocket);
        }

        ingest.Events.HasQueue.Should().BeFalse("the ingesting thread delivered each event itself, in the gate's order");
    }

    [Fact]
    public void A_flag_changed_while_no_one_delivers_does_not_go_through_its_hubs_queue()
    {
        var ingest = new EventIngest(TimeProvider.System, NullLogger.Instance);

        IngestAll(ingest, [Turn("t1"), Turn("t2")]);
        ingest.Ingest(new AvatarStartTalking { TaskId = "t3" }, EventChannel.ChatSocket);

        ingest.AvatarTalking.HasQueue.Should().BeFalse("the ingesting thread delivered each change itself, in the gate's order");
        ingest.UserTalking.HasQueue.Should().BeFalse();
        var avatar = new List<bool>();
        var user = new List<bool>();
        ingest.AvatarTalking.AsObservable().Subscribe(Observer.Create<bool>(avatar.Add));
        ingest.UserTalking.AsObservable().Subscribe(Observer.Create<bool>(user.Add));
        avatar.Should().ContainSingle().Which.Should().BeTrue("a later subscriber gets the latest change: t3 started");
        user.Should().ContainSingle().Which.Should().BeTrue("the last turn's user_start");
    }

    [Fact]
    public async Task Both_channels_ingesting_at_once_deliver_every_event_once_one_at_a_time()
    {
        // The chat socket's loop and the room reader's ingest the same events at once (each its copy), batch by batch so
        // that every copy's twin is still in the deduplicator's ring; the gate must keep the ring, the flags and the
        // hub's order whole: each event reaches the subscriber exactly once, and never two at a time.
        const int Batches = 1000;
        const int PerBatch = 64;
        var ingest = new EventIngest(TimeProvider.System, NullLogger.Instance);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        int inside = 0, overlaps = 0;
        using var subscription = ingest.Events.AsObservable().Subscribe(evt =>
        {
            if (Interlocked.Increment(ref inside) > 1)
            {
                Interlocked.Increment(ref overlaps);
            }

            var key = evt is AvatarTalkingMessage m ? m.Message : evt.Name;
            seen[key] = seen.GetValueOrDefault(key) + 1;
            Interlocked.Decrement(ref inside);
        });
        // The avatar's flag goes true at each start and false at each stop, once each (a copy changes nothing), one
        // change at a time and in the gate's order: any reordering would show two equal values in a row.
        var flags = new List<bool>();
        int flagInside = 0, flagOverlaps = 0;
        using var flagSubscription = ingest.AvatarTalking.AsObservable().Subscribe(value =>
        {
            if (Interlocked.Increment(ref flagInside) > 1)
            {
                Interlocked.Increment(ref flagOverlaps);
            }

            flags.Add(value);
            Interlocked.Decrement(ref flagInside);
        });
        using var barrier = new Barrier(2);

        void Channel(EventChannel channel)
        {
            for (var batch = 0; batch < Batches; batch++)
            {
                for (var i = 0; i < PerBatch; i++)
                {
                    var n = (batch * PerBatch) + i;
                    StreamingEvent evt = (n % 16) switch
                    {
                        0 => new AvatarStartTalking { TaskId = "t" + (n / 16) },
                        15 => new AvatarStopTalking { TaskId = "t" + (n / 16), DurationMs = n },
                        _ => new AvatarTalkingMessage { TaskId = "t" + (n / 16), Message = "word " + n },
                    };
                    ingest.Ingest(evt, channel);
                }

                barrier.SignalAndWait(TestTimeouts.Wait);
            }
        }

        var chat = Task.Factory.StartNew(() => Channel(EventChannel.ChatSocket), TaskCreationOptions.LongRunning);
        var room = Task.Factory.StartNew(() => Channel(EventChannel.Room), TaskCreationOptions.LongRunning);
        await Task.WhenAll(chat, room).WaitAsync(TestTimeouts.Wait);

        overlaps.Should().Be(0, "the hub delivers one event at a time");
        seen.Where(s => s.Key.StartsWith("word ", StringComparison.Ordinal)).Should().HaveCount(Batches * PerBatch * 14 / 16)
            .And.OnlyContain(s => s.Value == 1, "each copy pairs with its twin once");
        seen[StreamingEvents.AvatarStartTalking].Should().Be(Batches * PerBatch / 16);
        seen[StreamingEvents.AvatarStopTalking].Should().Be(Batches * PerBatch / 16);
        flagOverlaps.Should().Be(0);
        flags.Should().HaveCount(1 + (Batches * PerBatch / 8), "the replayed false, then a change at every start and stop");
        flags.Select((value, i) => value == (i % 2 == 1)).Should().AllSatisfy(alternates => alternates.Should().BeTrue());
    }
}
