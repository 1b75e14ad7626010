using System.Reactive.Concurrency;
using KonPro.Streaming.Speaking;

namespace KonPro.Streaming.Tests.Speaking;

/// <summary>The bounded wait of a pending task after a reconnect, in virtual time.</summary>
public sealed class SpeakTrackerTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_task_whose_end_was_lost_ends_unknown_at_the_bound_after_the_first_loss_though_the_socket_drops_every_5_s()
    {
        var scheduler = new HistoricalScheduler();
        var tracker = new SpeakTracker(TimeProvider.System);
        var progress = tracker.Track("t1");
        progress.PlannedDurationMs = 2_000;
        var bound = Grace + TimeSpan.FromSeconds(2);

        // The first reconnect after the end was lost, then a drop and a reconnect every 5 s.
        tracker.BoundPendingAfterReconnect(scheduler, Grace);
        var firstLoss = scheduler.Now;
        while (scheduler.Now - firstLoss + TimeSpan.FromSeconds(5) < bound)
        {
            scheduler.AdvanceBy(TimeSpan.FromSeconds(5));
            tracker.BoundPendingAfterReconnect(scheduler, Grace);
        }

        scheduler.AdvanceTo(firstLoss + bound - TimeSpan.FromMilliseconds(1));
        progress.IsDone.Should().BeFalse("the bound is the planned duration plus the grace, not less");
        scheduler.AdvanceBy(TimeSpan.FromMilliseconds(1));

        progress.Completed.IsCompletedSuccessfully.Should().BeTrue("the deadline counts from the first loss, not from the latest reconnect");
        (await progress.Completed).Outcome.Should().Be(SpeakOutcome.Unknown);
    }

    [Fact]
    public async Task A_task_that_ends_before_its_deadline_keeps_its_outcome_and_its_timer_is_disposed()
    {
        var scheduler = new HistoricalScheduler();
        var tracker = new SpeakTracker(TimeProvider.System);
        var progress = tracker.Track("t1");
        tracker.BoundPendingAfterReconnect(scheduler, Grace);

        progress.MarkEnded(SpeakOutcome.Completed, 900);
        scheduler.AdvanceBy(Grace + TimeSpan.FromSeconds(1));

        (await progress.Completed).Should().Be(new SpeakResult("t1", SpeakOutcome.Completed, 900));
    }

    [Fact]
    public async Task A_task_started_after_a_reconnect_gets_its_own_deadline_at_the_next_one()
    {
        var scheduler = new HistoricalScheduler();
        var tracker = new SpeakTracker(TimeProvider.System);
        var early = tracker.Track("early");
        tracker.BoundPendingAfterReconnect(scheduler, Grace);
        scheduler.AdvanceBy(TimeSpan.FromSeconds(5));
        var late = tracker.Track("late");
        tracker.BoundPendingAfterReconnect(scheduler, Grace);

        scheduler.AdvanceBy(Grace - TimeSpan.FromSeconds(5));
        early.Completed.IsCompletedSuccessfully.Should().BeTrue();
        (await early.Completed).Outcome.Should().Be(SpeakOutcome.Unknown);
        late.IsDone.Should().BeFalse("its first loss was 5 s after the early task's");
        scheduler.AdvanceBy(TimeSpan.FromSeconds(5));
        late.Completed.IsCompletedSuccessfully.Should().BeTrue();
        (await late.Completed).Outcome.Should().Be(SpeakOutcome.Unknown);
    }
}
