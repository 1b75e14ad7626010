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
    public override string ToString() => $"SpeakHandle {{ TaskId = {TaskId}, Status = {(Completed.IsCompleted ? Completed.Result.Outcome.ToString() : Started.IsCompleted ? "Speaking" : "Queued")} }}";
}

/// <summary>The progress of one task, fed by events, whether or not a handle exists yet.</summary>
internal sealed class SpeakProgress
{
    private readonly TaskCompletionSource<AvatarStartTalking> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<SpeakResult> _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IDisposable? _outcomeDeadline;
    private int _outcomeDeadlineArmed;
    private Histogram<double>? _latency;
    private DateTimeOffset _sentAt;
    private int _latencyRecorded;

    public SpeakProgress(string taskId, TimeProvider timeProvider)
    {
        TaskId = taskId;
        TimeProvider = timeProvider;
    }

    public string TaskId { get; }

    public TimeProvider TimeProvider { get; }

    public Task<AvatarStartTalking> Started => _started.Task;

    public Task<SpeakResult> Completed => _completed.Task;

    public bool IsDone => _completed.Task.IsCompleted;

    /// <summary>How long the server planned the speech to last, when it said.</summary>
    public long? PlannedDurationMs { get; set; }

    /// <summary>Set while an interrupt is on its way: a stop that arrives meanwhile is the interrupt's doing.</summary>
    public bool InterruptRequested { get; set; }

    public void MarkStarted(AvatarStartTalking evt)
    {
        if (_started.TrySetResult(evt) && Volatile.Read(ref _latency) is not null)
        {
            RecordLatency(evt);
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
        if (_started.Task.IsCompletedSuccessfully)
        {
            RecordLatency(_started.Task.Result);
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

        if (_completed.TrySetResult(new SpeakResult(TaskId, outcome, durationMs)))
        {
            _started.TrySetCanceled();
            Interlocked.Exchange(ref _outcomeDeadline, null)?.Dispose();
        }
    }
}
