using KonPro.Streaming.Api;
using KonPro.Streaming.Voice;

namespace KonPro.Streaming.Session;

/// <summary>
/// The calls that drive a started session: speak and interrupt (with their speak handles), listening, keep-alive,
/// typed messages, voice chat and push-to-talk. Each checks the session's state first, with a clear message.
/// </summary>
internal sealed class SessionCommands
{
    private readonly SessionEngine _engine;
    private readonly KonProRestClient _rest;
    private readonly SessionTransports _transports;
    private readonly TimeProvider _time;
    private readonly KonProTelemetry _telemetry;
    private readonly CancellationToken _lifetime;
    private SessionIdRequest? _sessionBody;

    public SessionCommands(SessionEngine engine, KonProRestClient rest, SessionTransports transports, TimeProvider time, KonProTelemetry telemetry, CancellationToken lifetime)
    {
        _engine = engine;
        _rest = rest;
        _transports = transports;
        _time = time;
        _telemetry = telemetry;
        _lifetime = lifetime;
    }

    public async Task<SpeakHandle> SpeakAsync(SpeakRequest request, CancellationToken cancellationToken)
    {
        var sessionId = _engine.RequireStarted(nameof(StreamingAvatar.SpeakAsync));
        var body = RequestMapping.ToWire(sessionId, request);
        var sentAt = _time.GetUtcNow();
        var response = await _rest.CallAsync("SendTask", body, static (api, body, ct) => api.SendTaskAsync(body, ct), static r => (r.Code, r.Message), cancellationToken, sessionId, alsoCancelledBy: _lifetime).ConfigureAwait(false);
        var taskId = response.Data.Task_id;
        var planned = response.Data.Duration_ms > 0 ? response.Data.Duration_ms : (long?)null;
        var progress = _engine.Ingest.Speaks.Track(taskId);
        progress.PlannedDurationMs = planned;
        if (_engine.State.Current == SessionState.Closed)
        {
            progress.MarkEnded(SpeakOutcome.SessionClosed, durationMs: null);
        }

        progress.RecordLatencyOnStart(_telemetry.SpeakLatency, sentAt);
        return new SpeakHandle(taskId, planned, progress);
    }

    public async Task InterruptAsync(CancellationToken cancellationToken)
    {
        var sessionId = _engine.RequireStarted(nameof(StreamingAvatar.InterruptAsync));
        _engine.Ingest.Speaks.SetInterruptRequested(true);
        try
        {
            await SessionCallAsync("InterruptTask", sessionId, (api, body, ct) => api.InterruptTaskAsync(body, ct), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _engine.Ingest.Speaks.SetInterruptRequested(false);
            throw;
        }

        _engine.Ingest.Speaks.EndAll(SpeakOutcome.Interrupted);
    }

    public Task StartListeningAsync(CancellationToken cancellationToken) =>
        SessionCallAsync("StartListening", _engine.RequireStarted(nameof(StreamingAvatar.StartListeningAsync)), (api, body, ct) => api.StartListeningAsync(body, ct), cancellationToken);

    public Task StopListeningAsync(CancellationToken cancellationToken) =>
        SessionCallAsync("StopListening", _engine.RequireStarted(nameof(StreamingAvatar.StopListeningAsync)), (api, body, ct) => api.StopListeningAsync(body, ct), cancellationToken);

    public Task KeepAliveAsync(CancellationToken cancellationToken) =>
        SessionCallAsync("KeepAlive", _engine.RequireStarted(nameof(StreamingAvatar.KeepAliveAsync)), (api, body, ct) => api.KeepAliveAsync(body, ct), cancellationToken);

    public async Task SendMessageAsync(string text, CancellationToken cancellationToken)
    {
        _engine.RequireStarted(nameof(StreamingAvatar.SendMessageAsync));
        _engine.State.RequireConnected(nameof(StreamingAvatar.SendMessageAsync));
        var room = _transports.Room;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime);
        if (room is not null && _engine.Request?.VoiceChatTransport == VoiceChatTransport.LiveKit)
        {
            await room.PublishAsync(text, linked.Token).ConfigureAwait(false);
        }
        else
        {
            await _transports.SendTextAsync(text, linked.Token).ConfigureAwait(false);
        }
    }

    public async Task StartVoiceChatAsync(StartVoiceChatRequest request, CancellationToken cancellationToken)
    {
        var sessionId = _engine.RequireStarted(nameof(StreamingAvatar.StartVoiceChatAsync));
        _engine.State.RequireConnected(nameof(StreamingAvatar.StartVoiceChatAsync));
        if (!_transports.HasChat)
        {
            throw new InvalidOperationException($"StartVoiceChatAsync needs a connected session (state Connected); the state is {_engine.State.Current}.");
        }

        _engine.Voice.Prepare(request.IsInputAudioMuted, _engine.Request?.EnablePushToTalk == true);
        if (request.UseSilencePrompt is { } wanted && wanted != _transports.SilencePrompt)
        {
            await _transports.ReopenChatAsync(_engine.Session!, _engine.Request!, wanted, cancellationToken).ConfigureAwait(false);
        }

        await SessionCallAsync("StartListening", sessionId, (api, body, ct) => api.StartListeningAsync(body, ct), cancellationToken).ConfigureAwait(false);
        if (_engine.State.Current != SessionState.Connected || !_transports.HasChat)
        {
            throw new InvalidOperationException($"Voice chat could not start: the state is {_engine.State.Current}.");
        }

        // With the LiveKit voice-chat transport and a joined room, the user's audio is a microphone track in the room.
        var roomMicrophone = _engine.Request?.VoiceChatTransport == VoiceChatTransport.LiveKit
            ? await _transports.StartRoomMicrophoneAsync(cancellationToken).ConfigureAwait(false)
            : null;
        await _engine.Voice.StartAsync(request.AudioSource, roomMicrophone, cancellationToken).ConfigureAwait(false);
    }

    public async Task CloseVoiceChatAsync(CancellationToken cancellationToken)
    {
        var stopped = await _engine.Voice.StopAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        await _transports.StopRoomMicrophoneAsync().ConfigureAwait(false);
        var sessionId = _engine.State.Current is SessionState.Connected or SessionState.Reconnecting ? _engine.Session?.SessionId : null;
        if (stopped && sessionId is not null)
        {
            await SessionCallAsync("StopListening", sessionId, (api, body, ct) => api.StopListeningAsync(body, ct), cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task PushToTalkAsync(bool held, CancellationToken cancellationToken)
    {
        var operation = held ? nameof(StreamingAvatar.PushToTalkStartAsync) : nameof(StreamingAvatar.PushToTalkStopAsync);
        _engine.RequireStarted(operation);
        if (_engine.Request?.EnablePushToTalk != true)
        {
            throw new InvalidOperationException($"{operation} needs a session started with StartAvatarRequest.EnablePushToTalk = true.");
        }

        var room = _transports.Room;
        if (room is null && !_engine.Voice.IsActive)
        {
            throw new InvalidOperationException($"{operation} needs a joined room (StreamingAvatarOptions.RoomConnector) or running voice chat (StartVoiceChatAsync).");
        }

        _engine.Voice.SetPushToTalkHeld(held);
        if (room is not null)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime);
            await room.PublishAsync(held ? RoomDataMessages.PushToTalkStart : RoomDataMessages.PushToTalkStop, linked.Token).ConfigureAwait(false);
        }
    }

    // Not async: the REST client's pooled call is the only frame, and the session's lifetime cancels it without a linked source.
    private Task SessionCallAsync(
        string operation,
        string sessionId,
        Func<IKonProApiClient, SessionIdRequest, CancellationToken, Task<StatusResponse>> call,
        CancellationToken cancellationToken)
    {
        // The body names only the session: one per session, serialized again by every call of the keep-alive family.
        var body = _sessionBody;
        if (body is null || !string.Equals(body.Session_id, sessionId, StringComparison.Ordinal))
        {
            _sessionBody = body = new SessionIdRequest { Session_id = sessionId };
        }

        return _rest.CallAsync(operation, body, call, static r => (r.Code, r.Message), cancellationToken, sessionId, alsoCancelledBy: _lifetime).AsTask();
    }
}
