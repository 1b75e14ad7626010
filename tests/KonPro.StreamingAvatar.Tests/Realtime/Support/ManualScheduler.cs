using System.Reactive.Concurrency;
using System.Reactive.Disposables;

namespace KonPro.Streaming.Tests.Realtime.Support;

/// <summary>
/// A thread-safe virtual-time scheduler: work scheduled from any thread runs only when the test advances the
/// clock, in due-time order, on the test's thread. Code under test that schedules from its own asynchronous
/// loop races a test that advances the clock, so a test first waits (<see cref="WaitForPendingAsync"/>) until
/// the work it means to run is actually queued, and only then advances.
/// </summary>
internal sealed class ManualScheduler(DateTimeOffset start) : IScheduler
{
    private readonly Lock _gate = new();
    private readonly List<Item> _queue = [];
    private DateTimeOffset _now = start;
    private long _sequence;
    private TaskCompletionSource _changed = NewSignal();

    public DateTimeOffset Now
    {
        get
        {
            lock (_gate)
            {
                return _now;
            }
        }
    }

    /// <summary>How many work items wait for the clock.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count(i => !i.Cancelled);
            }
        }
    }

    public IDisposable Schedule<TState>(TState state, Func<IScheduler, TState, IDisposable> action) =>
        Schedule(state, TimeSpan.Zero, action);

    public IDisposable Schedule<TState>(TState state, TimeSpan dueTime, Func<IScheduler, TState, IDisposable> action) =>
        Schedule(state, Now + (dueTime < TimeSpan.Zero ? TimeSpan.Zero : dueTime), action);

    public IDisposable Schedule<TState>(TState state, DateTimeOffset dueTime, Func<IScheduler, TState, IDisposable> action)
    {
        var item = new Item(dueTime, 0, s => action(s, state));
        lock (_gate)
        {
            item.Sequence = _sequence++;
            _queue.Add(item);
            _changed.TrySetResult();
            _changed = NewSignal();
        }

        return Disposable.Create(() => item.Cancelled = true);
    }

    /// <summary>
    /// Waits (in real time, bounded by <see cref="TestTimeouts.Wait"/>) until at least <paramref name="count"/>
    /// work items wait for the clock. Throws <see cref="TimeoutException"/> when they never come.
    /// </summary>
    public async Task WaitForPendingAsync(int count = 1)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Wait;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_queue.Count(i => !i.Cancelled) >= count)
                {
                    return;
                }

                changed = _changed.Task;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"Fewer than {count} work items were scheduled within {TestTimeouts.Wait}.");
            }

            await changed.WaitAsync(left);
        }
    }

    public void AdvanceBy(TimeSpan time)
    {
        DateTimeOffset target;
        lock (_gate)
        {
            target = _now + time;
        }

        while (true)
        {
            Item? next;
            lock (_gate)
            {
                _queue.RemoveAll(i => i.Cancelled);
                next = _queue.Where(i => i.Due <= target).OrderBy(i => i.Due).ThenBy(i => i.Sequence).FirstOrDefault();
                if (next is null)
                {
                    _now = target;
                    return;
                }

                _queue.Remove(next);
                if (next.Due > _now)
                {
                    _now = next.Due;
                }
            }

            next.Action(this);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class Item(DateTimeOffset due, long sequence, Func<IScheduler, IDisposable> action)
    {
        public DateTimeOffset Due { get; } = due;

        public long Sequence { get; set; } = sequence;

        public Func<IScheduler, IDisposable> Action { get; } = action;

        public volatile bool Cancelled;
    }
}
