using System.Reactive.Linq;
using System.Reactive.Subjects;

namespace KonPro.Streaming.Tests.Operators;

public sealed class BargeInTests
{
    private readonly Timeline _t = new();

    [Fact]
    public void The_user_speaking_over_the_avatar_interrupts_it_once_per_turn()
    {
        var calls = new List<int>();
        var source = _t.Source(5000,
            (0, Ev.UserStart()),                // avatar silent: nothing
            (100, Ev.UserStop()),
            (200, Ev.Start("t1")),
            (300, Ev.UserStart()),              // interrupts t1
            (350, Ev.UserStop()),
            (400, Ev.UserStart()),              // same turn: not again
            (500, Ev.Stop("t1", 300)),
            (600, Ev.Start("t2")),
            (700, Ev.UserStart()));             // new turn: again

        var result = _t.Run(source.BargeIn(_ =>
        {
            calls.Add((int)(_t.Scheduler.Now - Timeline.Epoch).TotalMilliseconds);
            return Task.CompletedTask;
        }));

        calls.Should().Equal(300, 700);
        result.Items.Should().Equal(new BargeIn("t1", Timeline.At(300), null), new BargeIn("t2", Timeline.At(700), null));
        result.CompletedAtMs.Should().Be(5000);
    }

    [Fact]
    public void A_failed_interrupt_is_reported_as_data()
    {
        var failure = new HttpRequestException("interrupt failed");
        var result = _t.Run(_t.Source(1000, (0, Ev.Start("t")), (10, Ev.UserStart())).BargeIn(_ => Task.FromException(failure)));

        result.Items.Should().ContainSingle().Which.Error.Should().BeSameAs(failure);
        result.Error.Should().BeNull();
        result.CompletedAtMs.Should().Be(1000);
    }

    [Fact]
    public async Task Completion_waits_for_the_call_in_progress_and_unsubscribing_cancels_it()
    {
        var subject = new Subject<StreamingEvent>();
        var release = new TaskCompletionSource();
        var results = new List<BargeIn>();
        var completed = new TaskCompletionSource();
        using (subject.BargeIn(_ => release.Task).Subscribe(results.Add, () => completed.SetResult()))
        {
            subject.OnNext(Ev.Start("t"));
            subject.OnNext(Ev.UserStart());
            subject.OnCompleted();
            completed.Task.IsCompleted.Should().BeFalse("the interrupt is still running");

            release.SetResult();
            await completed.Task.WaitAsync(TimeSpan.FromSeconds(30));
            results.Should().ContainSingle().Which.TaskId.Should().Be("t");
        }

        var second = new Subject<StreamingEvent>();
        CancellationToken seen = default;
        var subscription = second.BargeIn(ct =>
        {
            seen = ct;
            return Task.Delay(Timeout.Infinite, ct);
        }).Subscribe(_ => { });
        second.OnNext(Ev.Start(null));
        second.OnNext(Ev.UserStart());
        subscription.Dispose();
        seen.IsCancellationRequested.Should().BeTrue();
    }
}
