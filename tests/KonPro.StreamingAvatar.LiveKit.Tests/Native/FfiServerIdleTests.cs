using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using KonPro.Streaming.LiveKit.Native;

namespace KonPro.Streaming.LiveKit.Tests.Native;

/// <summary>
/// The FFI server's idle timeout against the real native library, in virtual time (a <see cref="HistoricalScheduler"/>):
/// a lease taken within it reuses the running server, after it the server is shut down, process exit shuts an idle one
/// down, and a timer that loses a race with a new lease or a newer release does nothing.
/// </summary>
[Collection(FfiCollection.Name)]
public sealed class FfiServerIdleTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_lease_taken_within_the_idle_timeout_reuses_the_running_server()
    {
        await FfiCollection.WaitUntilStoppedAsync();
        var scheduler = new HistoricalScheduler();
        var starts = FfiClient.Starts;
        var first = await FfiClient.AcquireAsync();
        first.Release(Idle, scheduler);
        scheduler.AdvanceBy(Idle - TimeSpan.FromMilliseconds(1));
        FfiClient.IsRunning.Should().BeTrue("the idle timeout has not passed");

        var second = await FfiClient.AcquireAsync();
        try
        {
            second.Should().BeSameAs(first);
            FfiClient.Starts.Should().Be(starts + 1, "the second lease found the server running");
            scheduler.AdvanceBy(Idle * 2);
            FfiClient.IsRunning.Should().BeTrue("the first release's timer was called off by the second lease");
            using var source = second.Own(second.Request(FfiClientTests.NewAudioSource()).NewAudioSource.Source.Handle);
            source.IsInvalid.Should().BeFalse("the reused server answers");
        }
        finally
        {
            second.Release(Idle, scheduler);
        }

        scheduler.AdvanceBy(Idle);
        FfiClient.IsRunning.Should().BeFalse("the idle timeout after the last release passed");
        await FfiClient.WhenShutDownAsync().WaitAsync(Bound);
    }

    [Fact]
    public async Task After_the_idle_timeout_the_server_is_shut_down_and_the_next_lease_starts_a_new_one()
    {
        await FfiCollection.WaitUntilStoppedAsync();
        var scheduler = new HistoricalScheduler();
        var starts = FfiClient.Starts;
        var first = await FfiClient.AcquireAsync();

        first.Release(Idle, scheduler);
        FfiClient.IsRunning.Should().BeTrue("it stays up, idle");
        scheduler.AdvanceBy(Idle);
        FfiClient.IsRunning.Should().BeFalse();
        await FfiClient.WhenShutDownAsync().WaitAsync(Bound);
        first.Release(Idle, scheduler); // a server already shut down ignores a stray release

        var second = await FfiClient.AcquireAsync();
        try
        {
            second.Should().NotBeSameAs(first);
            FfiClient.Starts.Should().Be(starts + 2);
        }
        finally
        {
            second.Release();
            await FfiClient.WhenShutDownAsync().WaitAsync(Bound);
        }
    }

    [Fact]
    public async Task A_timer_of_an_earlier_release_does_not_cut_a_later_idle_period_short()
    {
        await FfiCollection.WaitUntilStoppedAsync();
        var scheduler = new HistoricalScheduler();
        var client = await FfiClient.AcquireAsync();
        client.Release(Idle, scheduler); // due at 5 s
        scheduler.AdvanceBy(TimeSpan.FromSeconds(1));
        (await FfiClient.AcquireAsync()).Should().BeSameAs(client);
        scheduler.AdvanceBy(TimeSpan.FromSeconds(1));
        client.Release(Idle, scheduler); // due at 7 s

        scheduler.AdvanceTo(scheduler.Now + TimeSpan.FromSeconds(3.5));
        FfiClient.IsRunning.Should().BeTrue("5.5 s: only 3.5 s since the last release");
        scheduler.AdvanceBy(TimeSpan.FromSeconds(1.5));
        FfiClient.IsRunning.Should().BeFalse("7 s: the last release's idle timeout passed");
        await FfiClient.WhenShutDownAsync().WaitAsync(Bound);
    }

    [Fact]
    public async Task A_timer_that_fires_after_its_server_was_leased_again_does_nothing()
    {
        // A scheduler whose timers cannot be called off: the timer runs when the test says, as one already firing
        // while a lease is taken would.
        await FfiCollection.WaitUntilStoppedAsync();
        var timers = new ManualScheduler();
        var client = await FfiClient.AcquireAsync();
        client.Release(Idle, timers);
        (await FfiClient.AcquireAsync()).Should().BeSameAs(client);

        timers.FireAll();
        FfiClient.IsRunning.Should().BeTrue("a lease holds the server");

        client.Release(Idle, timers);
        FfiClient.IsRunning.Should().BeTrue("idle, within the idle timeout");
        timers.FireAll();
        FfiClient.IsRunning.Should().BeFalse("the last release's timer fired");
        await FfiClient.WhenShutDownAsync().WaitAsync(Bound);
        timers.Scheduled.Should().Be(2);
    }

    [Fact]
    public async Task Zero_shuts_down_at_once_and_infinite_keeps_the_server_until_it_is_shut_down_idle()
    {
        await FfiCollection.WaitUntilStoppedAsync();
        var scheduler = new HistoricalScheduler();
        (await FfiClient.AcquireAsync()).Release(TimeSpan.Zero, scheduler);
        FfiClient.IsRunning.Should().BeFalse();
        await FfiClient.WhenShutDownAsync().WaitAsync(Bound);

        (await FfiClient.AcquireAsync()).Release(Timeout.InfiniteTimeSpan, scheduler);
        scheduler.AdvanceBy(TimeSpan.FromDays(30));
        FfiClient.IsRunning.Should().BeTrue();

        await FfiClient.ShutDownIfIdleAsync().WaitAsync(Bound);
        FfiClient.IsRunning.Should().BeFalse();
    }

    [Fact]
    public async Task Process_exit_shuts_an_idle_server_down_leaves_a_held_one_to_its_rooms_and_then_the_last_release_shuts_down_at_once()
    {
        await FfiCollection.WaitUntilStoppedAsync();
        var scheduler = new HistoricalScheduler();
        try
        {
            (await FfiClient.AcquireAsync()).Release(Timeout.InfiniteTimeSpan, scheduler);
            FfiClient.OnProcessExit();
            FfiClient.IsRunning.Should().BeFalse("an idle server is shut down on exit");
            FfiClient.WhenShutDownAsync().IsCompleted.Should().BeTrue("the exit handler waits for the shutdown");

            FfiClient.ProcessExiting = false;
            var held = await FfiClient.AcquireAsync();
            FfiClient.OnProcessExit();
            FfiClient.IsRunning.Should().BeTrue("a room still holds it");
            held.Release(Idle, scheduler);
            FfiClient.IsRunning.Should().BeFalse("once the process is exiting, the last release does not wait");
            await FfiClient.WhenShutDownAsync().WaitAsync(Bound);
        }
        finally
        {
            FfiClient.ProcessExiting = false;
        }
    }

    [Fact]
    public async Task Leases_taken_and_released_from_many_threads_around_short_idle_timeouts_always_get_a_working_server()
    {
        // Real time on purpose: 1 ms idle timeouts fire on the thread pool while other threads take and release leases,
        // so timers race leases and shutdowns race starts. Nothing here is timed; every lease must get a server that
        // answers, and nothing may be left running or owned at the end.
        await FfiCollection.WaitUntilStoppedAsync();
        var handles = FfiClient.LiveHandles;
        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                var client = await FfiClient.AcquireAsync();
                try
                {
                    using var source = client.Own(client.Request(FfiClientTests.NewAudioSource()).NewAudioSource.Source.Handle);
                    source.IsInvalid.Should().BeFalse();
                }
                finally
                {
                    client.Release(TimeSpan.FromMilliseconds(1), DefaultScheduler.Instance);
                }
            }
        }));

        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(120));

        await FfiCollection.WaitUntilStoppedAsync();
        FfiClient.IsRunning.Should().BeFalse();
        FfiClient.LiveHandles.Should().Be(handles);
    }

    /// <summary>Keeps every scheduled action until <see cref="FireAll"/>; disposing what it returns cancels nothing.</summary>
    [Fact]
    public async Task The_connectors_prepare_starts_the_server_and_leaves_it_up_for_the_idle_timeout_so_the_join_reuses_it()
    {
        await FfiCollection.WaitUntilStoppedAsync();
        var scheduler = new HistoricalScheduler();
        var starts = FfiClient.Starts;
        var connector = new LiveKitRoomConnector(new LiveKitRoomOptions { FfiServerIdleTimeout = Idle, Scheduler = scheduler });

        await connector.PrepareAsync().WaitAsync(Bound);

        FfiClient.IsRunning.Should().BeTrue("prepare started the server and left it up, idle");
        FfiClient.Starts.Should().Be(starts + 1);
        var lease = await FfiClient.AcquireAsync();
        try
        {
            FfiClient.Starts.Should().Be(starts + 1, "what a join takes next is the prepared server");
        }
        finally
        {
            lease.Release(Idle, scheduler);
        }

        scheduler.AdvanceBy(Idle);
        FfiClient.IsRunning.Should().BeFalse("nothing took the prepared server within the idle timeout");
        await FfiClient.WhenShutDownAsync().WaitAsync(Bound);
    }

    [Fact]
    public async Task With_no_idle_timeout_prepare_starts_nothing_that_would_stop_again_at_once()
    {
        await FfiCollection.WaitUntilStoppedAsync();
        var starts = FfiClient.Starts;
        var connector = new LiveKitRoomConnector(new LiveKitRoomOptions { FfiServerIdleTimeout = TimeSpan.Zero });

        await connector.PrepareAsync().WaitAsync(Bound);

        FfiClient.Starts.Should().Be(starts);
        FfiClient.IsRunning.Should().BeFalse();
    }

    private sealed class ManualScheduler : IScheduler
    {
        private readonly List<Action> _due = [];

        public DateTimeOffset Now => DateTimeOffset.UnixEpoch;

        public int Scheduled { get; private set; }

        public IDisposable Schedule<TState>(TState state, Func<IScheduler, TState, IDisposable> action) => Schedule(state, TimeSpan.Zero, action);

        public IDisposable Schedule<TState>(TState state, TimeSpan dueTime, Func<IScheduler, TState, IDisposable> action)
        {
            Scheduled++;
            _due.Add(() => action(this, state));
            return Disposable.Empty;
        }

        public IDisposable Schedule<TState>(TState state, DateTimeOffset dueTime, Func<IScheduler, TState, IDisposable> action) => Schedule(state, TimeSpan.Zero, action);

        public void FireAll()
        {
            var due = _due.ToList();
            _due.Clear();
            foreach (var action in due)
            {
                action();
            }
        }
    }
}
