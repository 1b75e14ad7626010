using System.Reactive.Concurrency;

namespace KonPro.Streaming.Speaking;

/// <summary>The progress of recent tasks by id, so a handle finds events that arrived before it existed.</summary>
internal sealed class SpeakTracker
{
    private const int Capacity = 256;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SpeakProgress> _byId = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly TimeProvider _time;

    public SpeakTracker(TimeProvider time) => _time = time;

    public SpeakProgress Track(string taskId)
    {
        lock (_gate)
        {
            if (_byId.TryGetValue(taskId, out var progress))
            {
                return progress;
            }

            progress = new SpeakProgress(taskId, _time);
            _byId[taskId] = progress;
            _order.Enqueue(taskId);
            while (_order.Count > Capacity && _order.TryDequeue(out var oldest))
            {
                if (_byId.Remove(oldest, out var old) && !old.IsDone)
                {
                    // Far too old to matter, but never leave a waiter hanging.
                    old.MarkEnded(SpeakOutcome.SessionClosed, durationMs: null);
                }
            }

            return progress;
        }
    }

    /// <summary>Flags (or unflags) every pending task as being interrupted.</summary>
    public void SetInterruptRequested(bool requested)
    {
        lock (_gate)
        {
            foreach (var progress in _byId.Values)
            {
                if (!progress.IsDone)
                {
                    progress.InterruptRequested = requested;
                }
            }
        }
    }

    /// <summary>
    /// The chat socket reconnected: an event of a pending task may have been lost while it was down, so each pending
    /// task gets a bounded wait (its planned duration plus <paramref name="grace"/>, on <paramref name="scheduler"/>)
    /// after which its handle ends as <see cref="SpeakOutcome.Unknown"/>, unless its events end it first. The wait
    /// counts from the first reconnect the task was pending across; a later one does not restart it.
    /// </summary>
    public void BoundPendingAfterReconnect(IScheduler scheduler, TimeSpan grace)
    {
        SpeakProgress[] pending;
        lock (_gate)
        {
            pending = [.. _byId.Values.Where(p => !p.IsDone)];
        }

        foreach (var progress in pending)
        {
            var wait = grace + TimeSpan.FromMilliseconds(progress.PlannedDurationMs ?? 0);
            progress.ArmOutcomeDeadline(scheduler, wait);
        }
    }

    public void EndAll(SpeakOutcome outcome)
    {
        SpeakProgress[] pending;
        lock (_gate)
        {
            pending = [.. _byId.Values.Where(p => !p.IsDone)];
        }

        foreach (var progress in pending)
        {
            progress.MarkEnded(outcome, durationMs: null);
        }
    }
}
