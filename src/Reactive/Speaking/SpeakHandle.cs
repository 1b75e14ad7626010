using System.Diagnostics.Metrics;
using System.Reactive.Concurrency;
using KonPro.Streaming.Events;

namespace KonPro.Streaming.Speaking;

/// <summary>How a spoken task ended.</summary>
public enum SpeakOutcome
{
    /// <summary>The avatar finished speaking the task.</summary>
    Completed,

    /// <summary>The task was cut short by <c>InterruptAsync</c> (or never started before the interrupt).</summary>
    Interrupted,

    /// <summary>The session closed (or the avatar was disposed) before the task finished.</summary>
    SessionClosed,

    /// <summary>
    /// The chat socket reconnected while the task was pending and the task's end did not arrive within its planned
    /// duration plus <see cref="StreamingAvatarOptions.SpeakOutcomeTimeout"/> after the first such reconnect (later
    /// reconnects do not extend the wait): its end may have been sent while the socket was down, so whether the avatar
    /// finished it is unknown.
    /// </summary>
    Unknown,
}

/// <summary>The end of a spoken task.</summary>
/// <param name="TaskId">The task's id.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="DurationMs">How long the avatar spoke, in milliseconds, when the server said.</param>
public sealed record SpeakResult(string TaskId, SpeakOutcome Outcome, long? DurationMs);

/// <summary>
/// A task the avatar was asked to speak (returned by <c>SpeakAsync</c>). <see cref="Started"/> completes at the
/// task's <see cref="AvatarStartTalking"/> event; <see cref="Completed"/> at its <see cref="AvatarStopTalking"/>,
/// as <see cref="SpeakOutcome.Interrupted"/> when <c>InterruptAsync</c> cut it, as
/// <see cref="SpeakOutcome.SessionClosed"/> when the session ended first, or as <see cref="SpeakOutcome.Unknown"/>
/// when its end may have been lost during a reconnect (a bounded wait, see
/// <see cref="StreamingAvatarOptions.SpeakOutcomeTimeout"/>). So <see cref="Completed"/> always ends; neither task ever faults.
/// </summary>
public sealed class SpeakHandle
{
    private readonly SpeakProgress _progress;

    internal SpeakHandle(string taskId, long? plannedDurationMs, SpeakProgress progress)
    {
        TaskId = taskId;
        PlannedDurationMs = plannedDurationMs;
        _progress = progress;
    }

    /// <summary>The server's id of the task.</summary>
    public string TaskId { get; }

    /// <summary>How long the server planned the speech to last (<c>duration_ms</c> of the answer), when it said.</summary>
    public long? PlannedDurationMs { get; }

    /// <summary>
    /// Completes with the <see cref="AvatarStartTalking"/> event when the avatar begins this task; is cancelled when
    /// the task ended (interrupted, session closed) without ever starting.
    /// </summary>
    public Task<AvatarStartTalking> Started => _progress.Started;

    /// <summary>Completes when the task ended, with how it ended. Never faults.</summary>
    public Task<SpeakResult> Completed => _progress.Completed;

    /// <summary>Waits for the task to end, for at most <paramref name="timeout"/>.</summary>
    /// <param name="timeout">The longest wait.</param>
    /// <param name="cancellationToken">Cancels the wait (not the task; use <c>InterruptAsync</c> for that).</param>
    /// <returns>How the task ended.</returns>
    /// <exception cref="TimeoutException">The task did not end in time.</exception>
    /// <exception cref="OperationCanceledException">The wait was cancelled.</exception>
    public Task<SpeakResult> WaitForCompletionAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        Completed.WaitAsync(timeout, _progress.TimeProvider, cancellationToken);

    /// <inheritdoc />
    public override string ToString() => $"SpeakHandle {{ TaskId = {TaskId}, Status = {(_progress.IsDone ? _progress.Outcome.ToString() : _progress.HasStarted ? "Speaking" : "Queued")} }}";
}

/// <summary>
/// The progress of one task, fed by events, whether or not a handle exists yet. Its two task sources are made only when
/// someone asks for <see cref="Started"/> or <see cref="Completed"/> (a caller that never looks at the handle, or a task
/// nobody awaits, costs this one object), and they are then set from what the task's events already said.
/// </summary>
/// <remarks>
/// The task's course is one state, moved forward by compare-and-swap (pending, started, ended without starting, ended
/// after starting), so a task source made while an event arrives reads the same course as the event's writer: the start
/// counts only when it came before the end, as it does with sources made up front.
/// </remarks>
internal sealed class SpeakProgress
{
    private const int Pending = 0;
    private const int StartedState = 1;
    private const int EndedUnstarted = 2;
    private const int EndedStarted = 3;

    private int _state;
    private AvatarStartTalking? _startedEvent;
    private SpeakOutcome _outcome;
    private long? _durationMs;
    private TaskCompletionSource<AvatarStartTalking>? _started;
    private TaskCompletionSource<SpeakResult>? _completed;
    private IDisposable? _outcomeDeadline;
    private int _outcomeDeadlineArmed;
    private Histogram<double>? _latency;
    private DateTimeOffset _sentAt;
    private int _latencyRecorded;
    private int _ending;

    public SpeakProgress(string taskId, TimeProvider timeProvider)
    {
        TaskId = taskId;
        TimeProvider = timeProvider;
    }

    public string TaskId { get; }

    public TimeProvider TimeProvider { get; }

    /// <summary>Completes at the task's start; cancelled when it ended without starting. Made on first use.</summary>
    public Task<AvatarStartTalking> Started
    {
        get
        {
            var source = Volatile.Read(ref _started) ?? Made(ref _started);
            // A full fence in Made (or in the writer that made it), then the state read once: see the remarks.
            switch (Volatile.Read(ref _state))
            {
                case StartedState or EndedStarted:
                    source.TrySetResult(_startedEvent!);
                    break;
                case EndedUnstarted:
                    source.TrySetCanceled();
                    break;
            }

            return source.Task;
        }
    }

    /// <summary>Completes with the task's end. Made on first use.</summary>
    public Task<SpeakResult> Completed
    {
        get
        {
            var source = Volatile.Read(ref _completed) ?? Made(ref _completed);
            if (!source.Task.IsCompleted && Volatile.Read(ref _state) >= EndedUnstarted)
            {
                source.TrySetResult(new SpeakResult(TaskId, _outcome, _durationMs));
            }

            return source.Task;
        }
    }

    public bool IsDone => Volatile.Read(ref _state) >= EndedUnstarted;

    /// <summary>Whether the task has started (and has not ended without starting).</summary>
    public bool HasStarted => Volatile.Read(ref _state) is StartedState or EndedStarted;

    /// <summary>The task's outcome once <see cref="IsDone"/>.</summary>
    public SpeakOutcome Outcome => _outcome;

    /// <summary>How long the server planned the speech to last, when it said.</summary>
    public long? PlannedDurationMs { get; set; }

    /// <summary>Set while an interrupt is on its way: a stop that arrives meanwhile is the interrupt's doing.</summary>
    public bool InterruptRequested { get; set; }

    public void MarkStarted(AvatarStartTalking evt)
    {
        // The event is written before the state that publishes it; only the first start of a pending task counts.
        if (Volatile.Read(ref _state) != Pending)
        {
            return;
        }

        Interlocked.CompareExchange(ref _startedEvent, evt, null);
        if (Interlocked.CompareExchange(ref _state, StartedState, Pending) != Pending)
        {
            return;
        }

        Volatile.Read(ref _started)?.TrySetResult(_startedEvent!);
        if (Volatile.Read(ref _latency) is not null)
        {
            RecordLatency(_startedEvent!);
        }
    }

    /// <summary>
    /// Records, once, the time from <paramref name="sentAt"/> (the speak call) to the avatar starting to talk in
    /// <paramref name="latency"/>: when the task starts, or at once when it already has. Nothing when it never starts.
    /// </summary>
    public void RecordLatencyOnStart(Histogram<double> latency, DateTimeOffset sentAt)
    {
        _sentAt = sentAt;
        // A full fence, so that this and MarkStarted cannot both miss the other.
        Interlocked.Exchange(ref _latency, latency);
        if (HasStarted)
        {
            RecordLatency(_startedEvent!);
        }
    }

    private void RecordLatency(AvatarStartTalking started)
    {
        if (Interlocked.Exchange(ref _latencyRecorded, 1) == 0)
        {
            _latency!.Record(Math.Max(0, (started.ReceivedAt - _sentAt).TotalSeconds));
        }
    }

    /// <summary>
    /// Arms, once, the timer that ends the task as <see cref="SpeakOutcome.Unknown"/> after <paramref name="wait"/>: the
    /// deadline counts from the first reconnect after which the task's end may have been lost, and a later reconnect
    /// leaves it as it is (restarting it on every reconnect would keep a handle pending for as long as the socket keeps
    /// dropping). Nothing when the task has ended or a deadline is already armed; the timer is disposed when the task ends.
    /// </summary>
    /// <param name="scheduler">The scheduler the deadline runs on.</param>
    /// <param name="wait">How long from now the task may still end on its own.</param>
    public void ArmOutcomeDeadline(IScheduler scheduler, TimeSpan wait)
    {
        if (IsDone || Interlocked.Exchange(ref _outcomeDeadlineArmed, 1) != 0)
        {
            return;
        }

        Interlocked.Exchange(ref _outcomeDeadline, scheduler.Schedule(wait, () => MarkEnded(SpeakOutcome.Unknown, durationMs: null)));
        if (IsDone)
        {
            // Ended while the timer was being armed: MarkEnded found no timer to dispose.
            Interlocked.Exchange(ref _outcomeDeadline, null)?.Dispose();
        }
    }

    public void MarkEnded(SpeakOutcome outcome, long? durationMs)
    {
        if (outcome == SpeakOutcome.Completed && InterruptRequested)
        {
            outcome = SpeakOutcome.Interrupted;
        }

        // The first end counts: one caller wins the right to write the outcome, writes it, and only then publishes it
        // by moving the state on (a start may move it meanwhile, from pending only, so the loop turns at most twice).
        if (IsDone || Interlocked.CompareExchange(ref _ending, 1, 0) != 0)
        {
            return;
        }

        _outcome = outcome;
        _durationMs = durationMs;
        int state, ended;
        do
        {
            state = Volatile.Read(ref _state);
            ended = state == Pending ? EndedUnstarted : EndedStarted;
        }
        while (Interlocked.CompareExchange(ref _state, ended, state) != state);

        if (ended == EndedUnstarted)
        {
            Volatile.Read(ref _started)?.TrySetCanceled();
        }

        Volatile.Read(ref _completed)?.TrySetResult(new SpeakResult(TaskId, outcome, durationMs));
        Interlocked.Exchange(ref _outcomeDeadline, null)?.Dispose();
    }

    // Makes the task source a reader asked for, or takes the one another reader made first (a full fence either way).
    private static TaskCompletionSource<T> Made<T>(ref TaskCompletionSource<T>? field)
    {
        var made = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        return Interlocked.CompareExchange(ref field, made, null) ?? made;
    }
}
