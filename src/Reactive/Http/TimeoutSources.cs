using System.Collections.Concurrent;

namespace KonPro.Streaming;

/// <summary>
/// The cancellation sources of the first attempts' timeouts, reused from call to call on the system clock
/// (<see cref="CancellationTokenSource.TryReset"/> keeps a source's timer), and one per call on any other
/// <see cref="TimeProvider"/>, whose timers a source cannot reset.
/// </summary>
internal sealed class TimeoutSources
{
    private const int Capacity = 64;

    private readonly ConcurrentQueue<CancellationTokenSource> _idle = new();
    private readonly TimeProvider _time;
    private readonly bool _reusable;
    private int _count;

    public TimeoutSources(TimeProvider time)
    {
        _time = time;
        _reusable = ReferenceEquals(time, TimeProvider.System);
    }

    /// <summary>A source that is not cancelled, its timer not armed.</summary>
    public CancellationTokenSource Rent()
    {
        while (_reusable && _idle.TryDequeue(out var source))
        {
            Interlocked.Decrement(ref _count);
            // A timer that fired between the owner's reset and now leaves the source cancelled: it is not reused.
            if (!source.IsCancellationRequested)
            {
                return source;
            }

            source.Dispose();
        }

        return new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
    }

    /// <summary>Gives a source back once its call is over; a cancelled one (or one beyond the capacity) is disposed.</summary>
    public void Return(CancellationTokenSource source)
    {
        if (_reusable && source.TryReset())
        {
            if (Interlocked.Increment(ref _count) <= Capacity)
            {
                _idle.Enqueue(source);
                return;
            }

            Interlocked.Decrement(ref _count);
        }

        source.Dispose();
    }
}
