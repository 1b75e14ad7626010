namespace KonPro.Streaming.Speaking;

/// <summary>
/// The speak and interrupt calls of a started session, with their speak handles. Each checks the session's state
/// first, with a clear message. They see the session through a narrow <see cref="ISpeakingContext"/>; the session owns
/// them.
/// </summary>
internal sealed class SpeakCommands
{
    private readonly ISpeakingContext _context;
    private readonly SessionCalls _calls;
    private readonly TimeProvider _time;
    private readonly KonProTelemetry _telemetry;

    public SpeakCommands(ISpeakingContext context, SessionCalls calls, TimeProvider time, KonProTelemetry telemetry)
    {
        _context = context;
        _calls = calls;
        _time = time;
        _telemetry = telemetry;
    }

    public async Task<SpeakHandle> SpeakAsync(SpeakRequest request, CancellationToken cancellationToken)
    {
        var sessionId = _context.RequireStarted(nameof(StreamingAvatar.SpeakAsync));
        var body = SpeakMapping.ToWire(sessionId, request);
        var sentAt = _time.GetUtcNow();
        var response = await _calls.CallAsync("SendTask", sessionId, body, static (api, body, ct) => api.SendTaskAsync(body, ct), static r => (r.Code, r.Message), cancellationToken).ConfigureAwait(false);
        var taskId = response.Data.TaskId;

        // Before anything else: the task's events parsed from now on carry this string (SpokenTaskIds).
        _context.Speaks.Spoken.Add(taskId);
        var planned = response.Data.DurationMs > 0 ? response.Data.DurationMs : (long?)null;
        var progress = _context.Speaks.Track(taskId);
        progress.PlannedDurationMs = planned;
        if (_context.State == SessionState.Closed)
        {
            progress.MarkEnded(SpeakOutcome.SessionClosed, durationMs: null);
        }

        progress.RecordLatencyOnStart(_telemetry.SpeakLatency, sentAt);
        return new SpeakHandle(taskId, planned, progress);
    }

    public async Task InterruptAsync(CancellationToken cancellationToken)
    {
        var sessionId = _context.RequireStarted(nameof(StreamingAvatar.InterruptAsync));
        _context.Speaks.SetInterruptRequested(true);
        try
        {
            await _calls.SessionCallAsync("InterruptTask", sessionId, static (api, body, ct) => api.InterruptTaskAsync(body, ct), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _context.Speaks.SetInterruptRequested(false);
            throw;
        }

        _context.Speaks.EndAll(SpeakOutcome.Interrupted);
    }
}
