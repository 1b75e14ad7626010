using System.Reactive.Concurrency;
using System.Reactive.Disposables;

namespace KonPro.StreamingAvatar.Tests.Realtime.Support;

/// <summary>
/// A thread-safe virtual-time scheduler: work scheduled from any thread runs only when the test advances the
/// clock, in due-time order, on the test's thread.
/// </summary>
internal sealed class ManualScheduler(DateTimeOffset start) : IScheduler
{
    private readonly Lock _gate = new();
    private readonly List<Item> _queue = [];
    private DateTimeOffset _now = start;
    private long _sequence;

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
        }

        return Disposable.Create(() => item.Cancelled = true);
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

    private sealed class Item(DateTimeOffset due, long sequence, Func<IScheduler, IDisposable> action)
    {
        public DateTimeOffset Due { get; } = due;

        public long Sequence { get; set; } = sequence;

        public Func<IScheduler, IDisposable> Action { get; } = action;

        public volatile bool Cancelled;
    }
}
