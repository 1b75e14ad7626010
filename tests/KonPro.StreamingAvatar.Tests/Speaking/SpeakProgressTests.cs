using KonPro.Streaming.Speaking;
using KonPro.Streaming.Tests.Support;

namespace KonPro.Streaming.Tests.Speaking;

/// <summary>
/// A task's progress makes its two task sources only when someone asks for them (issue 22, item 8): a task nobody awaits
/// costs one object, and a handle asked late, or while the events arrive, still reads the task's whole course.
/// </summary>
public sealed class SpeakProgressTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_task_nobody_awaits_costs_its_progress_alone_from_the_speak_call_to_its_end()
    {
        // What SpeakAsync and the event path do for a task whose handle is never looked at, past the tracker's capacity
        // so its table is at its steady size (ids and events made beforehand: they are the caller's and the parser's).
        const int Tasks = 1000;
        var tracker = new SpeakTracker(TimeProvider.System);
        var ids = Enumerable.Range(0, 300 + Tasks).Select(i => "task-" + i).ToArray();
        var starts = ids.Select(id => new AvatarStartTalking { TaskId = id, ReceivedAt = At }).ToArray();
        var stops = ids.Select(id => new AvatarStopTalking { TaskId = id, DurationMs = 900, ReceivedAt = At }).ToArray();
        for (var i = 0; i < 300; i++)
        {
            Speak(i);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 300; i < ids.Length; i++)
        {
            Speak(i);
        }

        var perTask = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Tasks;

        // The progress alone is 144 bytes. With its two task sources and their tasks made up front, and the end's result
        // made whether or not anyone asked, it was 352.
        perTask.Should().BeLessThan(180);

        void Speak(int i)
        {
            var progress = tracker.Track(ids[i]);
            progress.PlannedDurationMs = 1200;
            tracker.MarkStarted(starts[i]);
            tracker.MarkCompleted(stops[i]);
        }
    }

    [Fact]
    public async Task A_handle_looked_at_only_after_its_task_ended_over_the_fake_reads_the_start_and_the_end()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync();
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        await scope.WaitForSocketAsync(session.SessionId);
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);

        var handle = await avatar.SpeakAsync(new SpeakRequest { Text = "Short one.", TaskType = TaskType.Repeat, TaskMode = TaskMode.Async });
        var stop = await events.WaitForAsync(e => e is AvatarStopTalking && e.TaskId == handle.TaskId).WaitAsync(FakeServerScope.Patience);

        // The start reached the handle's progress before the stop reached any subscriber; the stop reaches it once it has
        // reached them all, so its end is awaited (it may be a moment behind this subscriber).
        handle.Started.IsCompletedSuccessfully.Should().BeTrue("the start came before the end, before anyone asked");
        (await handle.Started).Should().BeSameAs(events.Items.OfType<AvatarStartTalking>().Single(e => e.TaskId == handle.TaskId));
        (await handle.Completed.WaitAsync(FakeServerScope.Patience))
            .Should().Be(new SpeakResult(handle.TaskId, SpeakOutcome.Completed, ((AvatarStopTalking)stop).DurationMs));
    }

    [Fact]
    public async Task A_handle_asked_after_its_task_ended_reads_the_start_and_the_end()
    {
        var progress = new SpeakProgress("t1", TimeProvider.System);
        var start = new AvatarStartTalking { TaskId = "t1", ReceivedAt = At };

        progress.MarkStarted(start);
        progress.MarkEnded(SpeakOutcome.Completed, 900);

        progress.Started.IsCompletedSuccessfully.Should().BeTrue();
        (await progress.Started).Should().BeSameAs(start);
        (await progress.Completed).Should().Be(new SpeakResult("t1", SpeakOutcome.Completed, 900));
        new SpeakHandle("t1", 1200, progress).ToString().Should().Be("SpeakHandle { TaskId = t1, Status = Completed }");
    }

    [Fact]
    public async Task A_handle_asked_after_its_task_ended_without_starting_is_cancelled_at_the_start_and_keeps_the_outcome()
    {
        var progress = new SpeakProgress("t1", TimeProvider.System) { InterruptRequested = true };

        progress.MarkEnded(SpeakOutcome.Completed, null);
        progress.MarkStarted(new AvatarStartTalking { TaskId = "t1", ReceivedAt = At });

        progress.Started.IsCanceled.Should().BeTrue("a start after the end does not count");
        (await progress.Completed).Outcome.Should().Be(SpeakOutcome.Interrupted, "a stop while an interrupt was on its way is the interrupt's");
        progress.HasStarted.Should().BeFalse();
    }

    [Fact]
    public async Task A_handle_asked_before_the_events_completes_with_them_and_only_the_first_end_counts()
    {
        var progress = new SpeakProgress("t1", TimeProvider.System);
        var started = progress.Started;
        var completed = progress.Completed;
        var handle = new SpeakHandle("t1", null, progress);
        handle.ToString().Should().Be("SpeakHandle { TaskId = t1, Status = Queued }");

        progress.MarkStarted(new AvatarStartTalking { TaskId = "t1", ReceivedAt = At });
        handle.ToString().Should().Be("SpeakHandle { TaskId = t1, Status = Speaking }");
        progress.MarkEnded(SpeakOutcome.SessionClosed, null);
        progress.MarkEnded(SpeakOutcome.Completed, 900);

        (await started).TaskId.Should().Be("t1");
        (await completed).Should().Be(new SpeakResult("t1", SpeakOutcome.SessionClosed, null));
        progress.Completed.Should().BeSameAs(completed, "the task source is made once");
        handle.ToString().Should().Be("SpeakHandle { TaskId = t1, Status = SessionClosed }");
    }

    [Fact]
    public async Task Asking_while_the_start_and_the_end_race_never_loses_either_and_agrees_with_their_order()
    {
        // Three threads per task: the start, the end and a reader of both task sources, released together. Whatever the
        // interleaving, the end is always delivered, and the start is a result exactly when it came before the end.
        const int Tasks = 2000;
        using var barrier = new Barrier(3);
        var progresses = Enumerable.Range(0, Tasks).Select(i => new SpeakProgress("t" + i, TimeProvider.System)).ToArray();
        var read = new (Task<AvatarStartTalking> Started, Task<SpeakResult> Completed)[Tasks];

        var starter = Task.Run(() =>
        {
            foreach (var progress in progresses)
            {
                barrier.SignalAndWait();
                progress.MarkStarted(new AvatarStartTalking { TaskId = progress.TaskId, ReceivedAt = At });
            }
        });
        var ender = Task.Run(() =>
        {
            foreach (var progress in progresses)
            {
                barrier.SignalAndWait();
                progress.MarkEnded(SpeakOutcome.Completed, 900);
            }
        });
        var reader = Task.Run(() =>
        {
            for (var i = 0; i < Tasks; i++)
            {
                barrier.SignalAndWait();
                read[i] = (progresses[i].Started, progresses[i].Completed);
            }
        });
        await Task.WhenAll(starter, ender, reader).WaitAsync(TimeSpan.FromMinutes(2));

        for (var i = 0; i < Tasks; i++)
        {
            var progress = progresses[i];
            read[i].Completed.IsCompletedSuccessfully.Should().BeTrue("task {0}'s end was delivered", i);
            (await read[i].Completed).Should().Be(new SpeakResult(progress.TaskId, SpeakOutcome.Completed, 900));
            read[i].Started.IsCompleted.Should().BeTrue("task {0} ended, so its start is decided", i);
            read[i].Started.IsCompletedSuccessfully.Should().Be(progress.HasStarted, "task {0}'s start counts only if it came first", i);
            progress.Started.Should().BeSameAs(read[i].Started);
        }
    }
}
