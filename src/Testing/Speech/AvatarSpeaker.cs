using System.Threading.Channels;
using KonPro.Streaming.Api;
using KonPro.Streaming.Testing.Sessions;
using KonPro.Streaming.Testing.Time;

namespace KonPro.Streaming.Testing.Speech;

/// <summary>
/// Speaks a session's tasks one after another, in order: avatar_start_talking, avatar_talking_message chunks
/// paced by the words-per-minute model, avatar_end_message, avatar_stop_talking. An interrupt stops the
/// current speech within one chunk and drops the queue, and so does the session's close. Subscribed to its session
/// first (see <see cref="FakeSession.GetOrSubscribe"/>), so its last events reach the chat sockets before they close.
/// </summary>
internal sealed class AvatarSpeaker : ISessionEventSink, IAsyncDisposable
{
    private readonly FakeSession _session;
    private readonly ScaledClock _clock;
    private readonly KonProFakeServerOptions _options;
    private readonly Channel<SpeechJob> _queue = Channel.CreateUnbounded<SpeechJob>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _gate = new();
    private readonly List<SpeechJob> _pending = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private SpeechJob? _current;

    public AvatarSpeaker(FakeSession session, ScaledClock clock, KonProFakeServerOptions options)
    {
        _session = session;
        _clock = clock;
        _options = options;
        _loop = Task.Run(RunAsync);
    }

    public SpeechJob Enqueue(string taskId, TaskType type, string requestText, string spokenText, double rate)
    {
        var plan = SpeechPlan.For(spokenText, _options.WordsPerMinute, rate, _options.WordsPerChunk);
        var job = new SpeechJob(taskId, type, requestText, spokenText, plan);
        lock (_gate)
        {
            _pending.Add(job);
        }

        _session.Record(job.Snapshot());
        _queue.Writer.TryWrite(job);
        return job;
    }

    /// <inheritdoc />
    public void OnEvent(in SessionEvent sessionEvent)
    {
        // The speaker writes events; it reads none.
    }

    /// <inheritdoc />
    public void OnStarted()
    {
        // The speaker speaks what it is given; the start changes nothing for it.
    }

    /// <inheritdoc />
    public void OnClosed(int status, string reason) => Interrupt();

    /// <summary>Stops the current speech within one chunk and drops every queued task.</summary>
    public void Interrupt()
    {
        List<SpeechJob> dropped;
        SpeechJob? current;
        lock (_gate)
        {
            dropped = [.. _pending];
            _pending.Clear();
            current = _current;
        }

        foreach (var job in dropped)
        {
            if (job.TryFinish(0, SpokenTaskState.Interrupted))
            {
                _session.Record(job.Snapshot());
            }
        }

        current?.Cancel();
    }

    public async ValueTask DisposeAsync()
    {
        Interrupt();
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The loop ends with the speaker.
        }

        _stopping.Dispose();
    }

    private async Task RunAsync()
    {
        await foreach (var job in _queue.Reader.ReadAllAsync(_stopping.Token).ConfigureAwait(false))
        {
            lock (_gate)
            {
                if (!_pending.Remove(job))
                {
                    continue; // dropped by an interrupt while queued
                }

                _current = job;
            }

            try
            {
                await SpeakAsync(job).ConfigureAwait(false);
            }
            finally
            {
                lock (_gate)
                {
                    _current = null;
                }
            }
        }
    }

    private async Task SpeakAsync(SpeechJob job)
    {
        job.State = SpokenTaskState.Speaking;
        _session.Record(job.Snapshot());
        _session.Touch();
        _session.Publish(new SessionEvent(SessionEventKind.AvatarStartTalking, job.TaskId));
        var spoken = TimeSpan.Zero;
        var interrupted = false;
        foreach (var (text, duration) in job.Plan.Chunks)
        {
            if (job.IsCancelled)
            {
                interrupted = true;
                break;
            }

            _session.Publish(new SessionEvent(SessionEventKind.AvatarTalkingMessage, job.TaskId, text));
            _session.Touch(); // a speaking avatar is an active session
            var started = _clock.Timestamp();
            try
            {
                await _clock.DelayAsync(duration, job.Cancellation).ConfigureAwait(false);
                spoken += duration;
            }
            catch (OperationCanceledException)
            {
                var partial = _clock.ModelElapsedSince(started);
                spoken += partial < duration ? partial : duration;
                interrupted = true;
                break;
            }
        }

        var ms = (long)spoken.TotalMilliseconds;
        if (!interrupted)
        {
            _session.Publish(new SessionEvent(SessionEventKind.AvatarEndMessage, job.TaskId));
        }

        _session.Publish(new SessionEvent(SessionEventKind.AvatarStopTalking, job.TaskId, DurationMs: ms));
        _session.Touch();
        job.TryFinish(ms, interrupted ? SpokenTaskState.Interrupted : SpokenTaskState.Completed);
        _session.Record(job.Snapshot());
    }
}

/// <summary>One queued speaking task; <see cref="Done"/> completes with the time spoken.</summary>
internal sealed class SpeechJob(string taskId, TaskType type, string requestText, string spokenText, SpeechPlan plan)
{
    private readonly TaskCompletionSource<long> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _cancel = new();

    public string TaskId { get; } = taskId;

    public SpeechPlan Plan { get; } = plan;

    public SpokenTaskState State { get; set; } = SpokenTaskState.Queued;

    public Task<long> Done => _done.Task;

    public bool IsCancelled => _cancel.IsCancellationRequested;

    public CancellationToken Cancellation => _cancel.Token;

    public long DurationMs { get; private set; }

    public void Cancel() => _cancel.Cancel();

    public bool TryFinish(long durationMs, SpokenTaskState state)
    {
        if (!_done.TrySetResult(durationMs))
        {
            return false;
        }

        DurationMs = durationMs;
        State = state;
        return true;
    }

    public SpokenTask Snapshot() => new(TaskId, type, requestText, spokenText, DurationMs, State);
}
