using KonPro.StreamingAvatar.Api;

namespace KonPro.StreamingAvatar;

public partial class StreamingAvatar
{
    /// <summary>
    /// Asks the avatar to speak (<c>task</c>), always sending the task type and mode. Returns a handle whose
    /// <see cref="SpeakHandle.Started"/> and <see cref="SpeakHandle.Completed"/> follow the task's events.
    /// With <see cref="TaskMode.Sync"/> the call returns when the avatar has finished; with <see cref="TaskMode.Async"/>
    /// as soon as the task is queued.
    /// </summary>
    /// <param name="request">The text (1 to 1,000 characters; see <see cref="SpeakRequest.SplitText"/>), type and mode.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The task's handle.</returns>
    /// <exception cref="ArgumentException">The text is empty or too long (nothing was sent).</exception>
    /// <exception cref="InvalidOperationException">The session is not started.</exception>
    /// <exception cref="KonProApiException">The server refused.</exception>
    public virtual async Task<SpeakHandle> SpeakAsync(SpeakRequest request, CancellationToken cancellationToken = default)
    {
        RequestValidation.Validate(request);
        var sessionId = RequireStarted(nameof(SpeakAsync));
        var body = RequestMapping.ToWire(sessionId, request);
        var sentAt = _time.GetUtcNow();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        var response = await _rest.CallAsync("SendTask", (api, ct) => api.SendTaskAsync(body, ct), r => (r.Code, r.Message), linked.Token).ConfigureAwait(false);
        var taskId = response.Data.Task_id;
        var progress = _speaks.Track(taskId);
        progress.PlannedDurationMs = response.Data.Duration_ms > 0 ? response.Data.Duration_ms : null;
        if (IsClosed)
        {
            progress.MarkEnded(SpeakOutcome.SessionClosed, durationMs: null);
        }

        _ = RecordSpeakLatencyAsync(progress, sentAt);
        return new SpeakHandle(taskId, response.Data.Duration_ms > 0 ? response.Data.Duration_ms : null, progress);
    }

    /// <summary>Interrupts what the avatar is saying (<c>interrupt</c>); every pending <see cref="SpeakHandle"/> completes as <see cref="SpeakOutcome.Interrupted"/>.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the server accepted the interrupt.</returns>
    /// <exception cref="InvalidOperationException">The session is not started.</exception>
    /// <exception cref="KonProApiException">The server refused.</exception>
    public virtual async Task InterruptAsync(CancellationToken cancellationToken = default)
    {
        var sessionId = RequireStarted(nameof(InterruptAsync));
        _speaks.SetInterruptRequested(true);
        try
        {
            await SessionCallAsync("InterruptTask", sessionId, (api, body, ct) => api.InterruptTaskAsync(body, ct), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _speaks.SetInterruptRequested(false);
            throw;
        }

        _speaks.EndAll(SpeakOutcome.Interrupted);
    }

    /// <summary>Puts the avatar in listening mode (<c>start_listening</c>).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the server accepted the call.</returns>
    /// <exception cref="InvalidOperationException">The session is not started.</exception>
    /// <exception cref="KonProApiException">The server refused.</exception>
    public virtual Task StartListeningAsync(CancellationToken cancellationToken = default) =>
        SessionCallAsync("StartListening", RequireStarted(nameof(StartListeningAsync)), (api, body, ct) => api.StartListeningAsync(body, ct), cancellationToken);

    /// <summary>Ends listening mode (<c>stop_listening</c>).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the server accepted the call.</returns>
    /// <exception cref="InvalidOperationException">The session is not started.</exception>
    /// <exception cref="KonProApiException">The server refused.</exception>
    public virtual Task StopListeningAsync(CancellationToken cancellationToken = default) =>
        SessionCallAsync("StopListening", RequireStarted(nameof(StopListeningAsync)), (api, body, ct) => api.StopListeningAsync(body, ct), cancellationToken);

    /// <summary>Resets the session's idle timer (<c>keep_alive</c>). See <see cref="StreamingAvatarOptions.AutoKeepAlive"/> to do it automatically.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the server accepted the call.</returns>
    /// <exception cref="InvalidOperationException">The session is not started.</exception>
    /// <exception cref="KonProApiException">The server refused.</exception>
    public virtual Task KeepAliveAsync(CancellationToken cancellationToken = default) =>
        SessionCallAsync("KeepAlive", RequireStarted(nameof(KeepAliveAsync)), (api, body, ct) => api.KeepAliveAsync(body, ct), cancellationToken);

    private bool IsClosed
    {
        get
        {
            lock (_gate)
            {
                return _state == SessionState.Closed;
            }
        }
    }

    private async Task SessionCallAsync(
        string operation,
        string sessionId,
        Func<IKonProApiClient, SessionIdRequest, CancellationToken, Task<StatusResponse>> call,
        CancellationToken cancellationToken)
    {
        var body = new SessionIdRequest { Session_id = sessionId };
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        await _rest.CallAsync(operation, (api, ct) => call(api, body, ct), r => (r.Code, r.Message), linked.Token).ConfigureAwait(false);
    }

    private async Task RecordSpeakLatencyAsync(SpeakProgress progress, DateTimeOffset sentAt)
    {
        try
        {
            var started = await progress.Started.ConfigureAwait(false);
            _telemetry.SpeakLatency.Record(Math.Max(0, (started.ReceivedAt - sentAt).TotalSeconds));
        }
        catch (OperationCanceledException)
        {
            // The task never started: no latency to record.
        }
    }
}
