using System.Reactive.Concurrency;
using System.Runtime.InteropServices;
using KonPro.Streaming.Events;

namespace KonPro.Streaming.Speaking;

/// <summary>
/// The progress of recent tasks by id, so a handle finds events that arrived before it existed. A task nobody awaits
/// costs no object of its own: its start and end are kept as a value in the table, and the <see cref="SpeakProgress"/>
/// (with its two task sources) is made only when a handle asks for it (<see cref="Track"/>) or a reconnect arms its
/// deadline, already started or ended as its events said.
/// </summary>
internal sealed class SpeakTracker
{
    private const int Capacity = 256;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _byId = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly TimeProvider _time;

    public SpeakTracker(TimeProvider time) => _time = time;

    /// <summary>
    /// The ids the session's speak calls got, which the parsers of the session's channels give the events of those tasks
    /// (the same string, not a copy made from the wire).
    /// </summary>
    public SpokenTaskIds Spoken { get; } = new();

    /// <summary>The progress of <paramref name="taskId"/>, made now (as far as its events have gone) if it is new.</summary>
    public SpeakProgress Track(string taskId)
    {
        lock (_gate)
        {
            return ProgressOf(ref EntryOf(taskId), taskId);
        }
    }

    /// <summary>The task's <c>avatar_start_talking</c> has reached every subscriber.</summary>
    public void MarkStarted(AvatarStartTalking evt)
    {
        SpeakProgress? progress;
        lock (_gate)
        {
            ref var entry = ref EntryOf(evt.TaskId!);
            if (entry.Progress is null && !entry.Ended)
            {
                entry.Started ??= evt;
            }

            progress = entry.Progress;
        }

        progress?.MarkStarted(evt);
    }

    /// <summary>The task's <c>avatar_stop_talking</c> has reached every subscriber.</summary>
    public void MarkCompleted(AvatarStopTalking evt)
    {
        SpeakProgress? progress;
        lock (_gate)
        {
            ref var entry = ref EntryOf(evt.TaskId!);
            entry.End(SpeakOutcome.Completed, evt.DurationMs);
            progress = entry.Progress;
        }

        progress?.MarkEnded(SpeakOutcome.Completed, evt.DurationMs);
    }

    /// <summary>Flags (or unflags) every pending task as being interrupted.</summary>
    public void SetInterruptRequested(bool requested)
    {
        lock (_gate)
        {
            foreach (var taskId in _order)
            {
                ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(_byId, taskId);
                if (entry.Progress is { } progress)
                {
                    if (!progress.IsDone)
                    {
                        progress.InterruptRequested = requested;
                    }
                }
                else if (!entry.Ended)
                {
                    entry.InterruptRequested = requested;
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
        // A pending task gets its progress now, even if nobody awaits it yet: a handle asked for later keeps the wait.
        var pending = Pending(materialize: true);
        foreach (var progress in pending)
        {
            var wait = grace + TimeSpan.FromMilliseconds(progress.PlannedDurationMs ?? 0);
            progress.ArmOutcomeDeadline(scheduler, wait);
        }
    }

    /// <summary>Ends every pending task with <paramref name="outcome"/>.</summary>
    public void EndAll(SpeakOutcome outcome)
    {
        var pending = Pending(materialize: false, endWith: outcome);
        foreach (var progress in pending)
        {
            progress.MarkEnded(outcome, durationMs: null);
        }
    }

    // The progresses of the pending tasks; those without one get it (materialize) or end as endWith.
    private List<SpeakProgress> Pending(bool materialize, SpeakOutcome? endWith = null)
    {
        var pending = new List<SpeakProgress>();
        lock (_gate)
        {
            foreach (var taskId in _order)
            {
                ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(_byId, taskId);
                if (entry.Progress is { IsDone: false } progress)
                {
                    pending.Add(progress);
                }
                else if (entry.Progress is null && !entry.Ended)
                {
                    if (materialize)
                    {
                        pending.Add(ProgressOf(ref entry, taskId));
                    }
                    else if (endWith is { } outcome)
                    {
                        entry.End(outcome, durationMs: null);
                    }
                }
            }
        }

        return pending;
    }

    // The task's entry, added (and the oldest evicted past the capacity) when it is new. Called under the gate.
    private ref Entry EntryOf(string taskId)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_byId, taskId, out var exists);
        if (exists)
        {
            return ref entry;
        }

        _order.Enqueue(taskId);
        if (_order.Count <= Capacity)
        {
            return ref entry;
        }

        while (_order.Count > Capacity && _order.TryDequeue(out var oldest))
        {
            if (_byId.Remove(oldest, out var old) && old.Progress is { IsDone: false } evicted)
            {
                // Far too old to matter, but never leave a waiter hanging.
                evicted.MarkEnded(SpeakOutcome.SessionClosed, durationMs: null);
            }
        }

        // The removal may have moved the table's entries: look the new one up again.
        return ref CollectionsMarshal.GetValueRefOrNullRef(_byId, taskId);
    }

    // The entry's progress, made on first use as far as the task's events have gone. Called under the gate.
    private SpeakProgress ProgressOf(ref Entry entry, string taskId)
    {
        if (entry.Progress is { } progress)
        {
            return progress;
        }

        progress = new SpeakProgress(taskId, _time) { InterruptRequested = entry.InterruptRequested };
        if (entry.Started is { } started)
        {
            progress.MarkStarted(started);
        }

        if (entry.Ended)
        {
            progress.MarkEnded(entry.Outcome, entry.DurationMs);
        }

        entry = new Entry { Progress = progress };
        return progress;
    }

    // A task's progress: its SpeakProgress once someone asked for it; until then what its events said.
    private struct Entry
    {
        public SpeakProgress? Progress;
        public AvatarStartTalking? Started;
        public bool Ended;
        public SpeakOutcome Outcome;
        public long? DurationMs;
        public bool InterruptRequested;

        // As SpeakProgress.MarkEnded: the first end counts, and a stop while an interrupt is on its way is the interrupt's.
        public void End(SpeakOutcome outcome, long? durationMs)
        {
            if (Progress is not null || Ended)
            {
                return;
            }

            Ended = true;
            Outcome = outcome == SpeakOutcome.Completed && InterruptRequested ? SpeakOutcome.Interrupted : outcome;
            DurationMs = durationMs;
        }
    }
}
