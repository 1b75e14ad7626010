using System.Diagnostics;
using System.Reactive.Concurrency;
using KonPro.Streaming.Api;
using KonPro.Streaming.Events;
using KonPro.Streaming.Realtime;
using KonPro.Streaming.Rooms;
using KonPro.Streaming.Speaking;
using KonPro.Streaming.Voice;
using Microsoft.Extensions.Logging;

namespace KonPro.Streaming.Session;

/// <summary>
/// One session, behind the <see cref="StreamingAvatar"/> facade: its lifecycle (new, start, stop) and the ONE close
/// path every disconnect goes through (a stop, a failed start, a dropped socket, a closed room, dispose). It owns
/// the state machine, the transports, the ingest step, keep-alive and voice chat; the calls that drive a started
/// session are <see cref="SessionCommands"/> and, for speaking, <see cref="Speaking.SpeakCommands"/>.
/// </summary>
internal sealed class SessionEngine : ISessionContext, ISpeakingContext, IAsyncDisposable
{
    /// <summary>The facade's full name, the object name of <see cref="ObjectDisposedException"/> (a test holds it to the type's).</summary>
    internal const string StreamingAvatarFullName = "KonPro.Streaming.StreamingAvatar";

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan NewSessionTimeout = TimeSpan.FromSeconds(60);

    private readonly Lock _gate = new();
    private (DateTimeOffset Start, DisconnectReason Reason)? _gap;
    private int _gapAttempts;
    private readonly KonProRestClient _rest;
    private readonly StreamingAvatarOptions _options;
    private readonly ILogger _logger;
    private readonly IScheduler _scheduler;
    private readonly TimeProvider _time;
    private readonly KonProTelemetry _telemetry;
    private readonly SecretRedactor _redactor;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly SessionTransports _transports;
    private readonly KeepAliveTimer _keepAlive;
    private readonly VoiceChat _voice;

    private StartAvatarResponse? _session;
    private StartAvatarRequest? _request;
    private ChatSocketStatus.Closed? _chatClosedDuringStart;
    private Task? _closeTask;
    private int _disposed;

    public SessionEngine(
        KonProRestClient rest,
        StreamingAvatarOptions options,
        ILogger logger,
        KonProTelemetry telemetry,
        SecretRedactor redactor,
        IWebSocketConnector connector)
    {
        _rest = rest;
        _options = options;
        _logger = logger;
        _scheduler = options.Scheduler ?? DefaultScheduler.Instance;
        _time = options.TimeProvider ?? TimeProvider.System;
        _telemetry = telemetry;
        _redactor = redactor;
        State = new SessionStateMachine(logger);
        Ingest = new EventIngest(_time, logger);
        _transports = new SessionTransports(rest.BaseUri, rest.Credential.Secret, options, connector, Ingest, _scheduler, _time, logger, OnChatStatus, OnRoomClosed)
        {
            Telemetry = telemetry,
        };
        _keepAlive = new KeepAliveTimer(_scheduler, AutoKeepAliveAsync);
        _voice = new VoiceChat(_transports.SendAudioAsync, _scheduler, logger);
        var calls = new SessionCalls(rest, _lifetime.Token);
        Commands = new SessionCommands(this, calls, _transports, _lifetime.Token);
        SpeakCommands = new SpeakCommands(this, calls, _time, telemetry);
    }

    public SessionStateMachine State { get; }

    public EventIngest Ingest { get; }

    public VoiceChat Voice => _voice;

    /// <inheritdoc />
    SessionState ISpeakingContext.State => State.Current;

    /// <inheritdoc />
    SpeakTracker ISpeakingContext.Speaks => Ingest.Speaks;

    /// <summary>The joined room, if any.</summary>
    public IAvatarRoom? Room => _transports.Room;

    /// <summary>The clock for timestamps and durations.</summary>
    public TimeProvider Time => _time;

    /// <summary>The calls that drive a started session, but for speaking.</summary>
    public SessionCommands Commands { get; }

    /// <summary>The speak and interrupt calls.</summary>
    public SpeakCommands SpeakCommands { get; }

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    public StartAvatarResponse? Session
    {
        get
        {
            lock (_gate)
            {
                return _session;
            }
        }
    }

    public async Task<StartAvatarResponse> NewSessionAsync(StartAvatarRequest request, NewSessionRequest wire, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        State.BeginCreating();

        // A bring-your-own LiveKit token is a credential the server may echo in an error.
        _redactor.Add(request.LiveKitSettings?.Token);

        // The call is not cancelled with the caller's token: if the caller gives up after the server created the
        // session, the answer still arrives (bounded by a timeout) and the session is stopped, so nothing is left open.
        // The room connector gets ready (a native core starts) while the server creates the session.
        _transports.PrepareRoom();
        var call = CreateSessionCallAsync(wire);
        StartAvatarResponse session;
        try
        {
            var response = await call.WaitAsync(cancellationToken).ConfigureAwait(false);
            AddSecrets(response);
            session = ToSession(response);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !call.IsFaulted && !call.IsCanceled)
        {
            // Closed before the caller sees the cancellation; the session the server created, or may still create, is
            // stopped when its answer is in (also when that answer came in at the moment the caller gave up).
            _ = StopWhenCreatedAsync(call);
            await CloseAsync(DisconnectReason.StartFailed, callServer: false).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }
        catch
        {
            // Whatever failed (a refusal, a network error, an answer that is not a complete session), no session
            // exists on this instance: it is reusable.
            State.TryMove(SessionState.Creating, SessionState.Inactive);
            throw;
        }

        lock (_gate)
        {
            _session = session;
            _request = request;
        }

        State.SessionId = session.SessionId;
        Log.SessionCreated(_logger, session.SessionId);
        if (IsDisposed || State.Current != SessionState.Creating)
        {
            // Disposed or stopped while the server created the session: leave nothing open. A close that began before
            // the session existed could not stop it on the server, so that is done here.
            bool closeBegan;
            lock (_gate)
            {
                closeBegan = _closeTask is not null;
            }

            Log.StoppingAfterFailedStart(_logger, session.SessionId);
            if (closeBegan)
            {
                await StopOnServerAsync(session.SessionId).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            await CloseAsync(DisconnectReason.StartFailed, callServer: true).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            ThrowIfDisposed();
            throw new OperationCanceledException("The avatar was stopped while the session was being created; the session was stopped.");
        }

        // The room exists from now on: joining it overlaps the start (a close from here on leaves it, see SessionTransports).
        _transports.BeginRoomJoin(session);
        return session;
    }

    public async Task StartSessionAsync(CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        StartAvatarResponse session;
        StartAvatarRequest request;
        lock (_gate)
        {
            if (_session is null || _request is null || State.Current != SessionState.Creating)
            {
                throw new InvalidOperationException($"StartSessionAsync needs a session created by NewSessionAsync and not started yet; the state is {State.Current}.");
            }

            session = _session;
            request = _request;
        }

        if (!State.TryMove(SessionState.Creating, SessionState.Starting))
        {
            throw new InvalidOperationException($"StartSessionAsync needs a session created by NewSessionAsync and not started yet; the state is {State.Current}.");
        }

        var started = _time.GetTimestamp();
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
            var body = new SessionIdRequest { SessionId = session.SessionId };
            await _rest.CallAsync("StartSession", (api, ct) => api.StartSessionAsync(body, ct), r => (r.Code, r.Message), linked.Token, session.SessionId).ConfigureAwait(false);
            State.TryMove(SessionState.Starting, SessionState.Connecting);
            using var activity = StartActivity("KonPro Connect", session.SessionId);
            try
            {
                await ConnectAsync(session, request, linked.Token).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                activity?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
                throw;
            }
        }
        catch (Exception exception)
        {
            Log.StoppingAfterFailedStart(_logger, session.SessionId);
            await CloseAsync(DisconnectReason.StartFailed, callServer: true).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (IsDisposed && !cancellationToken.IsCancellationRequested)
            {
                throw new ObjectDisposedException(nameof(StreamingAvatar), exception);
            }

            throw;
        }

        _telemetry.TimeToStreamReady.Record(_time.GetElapsedTime(started).TotalSeconds);
        if (_options.AutoKeepAlive)
        {
            _keepAlive.Start(KeepAliveTimer.Interval(request.ActivityIdleTimeout, _options.KeepAliveInterval));
        }
    }

    /// <summary>Stops the session (idempotent: later and concurrent calls share the same close).</summary>
    public Task StopAsync()
    {
        if (State.Current is SessionState.Inactive && Session is null)
        {
            return Task.CompletedTask;
        }

        return CloseAsync(DisconnectReason.ClientStop, callServer: State.Current != SessionState.Closed);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await StopAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // disposal never throws; the failure was logged
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.StopFailed(_logger, Session?.SessionId, _redactor.Redact(exception.Message) ?? string.Empty);
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        await CloseAsync(DisconnectReason.ClientStop, callServer: false).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _lifetime.Dispose();
    }

    public StartAvatarRequest? Request
    {
        get
        {
            lock (_gate)
            {
                return _request;
            }
        }
    }

    /// <summary>
    /// The one close path: every disconnect (a stop, a failed start, a dropped socket, a closed room, dispose) goes
    /// through it, with its reason and whether to call <c>stop</c> on the server. The first call does the work; later
    /// calls share it. Stops voice chat and keep-alive, then calls <c>stop</c> (bounded) and meanwhile closes the chat
    /// socket and the room (which the server's stop ends; see <see cref="SessionTransports.Close"/>). Once the stop has
    /// finished and neither transport delivers anything more, it closes this side (state Closed, handles ended,
    /// <c>stream_disconnected</c>, streams completed); it ends once the transports are released too. A failed server stop
    /// is rethrown only to a client stop (the caller asked for it); the local side is closed anyway.
    /// </summary>
    private Task CloseAsync(DisconnectReason reason, bool callServer, int? closeStatus = null, string? description = null)
    {
        lock (_gate)
        {
            _closeTask ??= CloseCoreAsync(reason, callServer, closeStatus, description);
            return _closeTask;
        }
    }

    private async Task CloseCoreAsync(DisconnectReason reason, bool callServer, int? closeStatus, string? description)
    {
        // Off the caller's thread and lock: a socket's loop or a state subscriber may have started it.
        await Task.Yield();
        State.NoteReason(reason);
        State.BeginDisconnecting();
        _transports.StopReconnecting();
        await _voice.StopAsync().ConfigureAwait(false);
        await _transports.StopRoomMicrophoneAsync().ConfigureAwait(false);
        _keepAlive.Stop();
        var sessionId = Session?.SessionId;

        // The server's stop and the transports' close overlap: the chat socket closes while the stop is in flight, and
        // the room ends by the server's stop (or is left at once when there is none). Each part catches its own
        // failure, so one failing does not keep the others from finishing; the stop goes out first.
        var stopped = callServer && sessionId is not null ? TryStopOnServerAsync(sessionId) : Task.FromResult<Exception?>(null);
        var closing = _transports.Close(AcceptedAsync(stopped, callServer && sessionId is not null));

        // stream_disconnected once nothing more can arrive (the chat socket closed, the room's stream over); after an
        // accepted stop the room may still be closing its connections, and the close ends once it has been released.
        await closing.Delivered.ConfigureAwait(false);
        var failure = await stopped.ConfigureAwait(false);
        var final = State.Close(reason);
        if (Session is not null)
        {
            if (closeStatus is { } status)
            {
                Log.Disconnected(_logger, sessionId, final, status);
            }
            else
            {
                Log.DisconnectedWithoutCloseStatus(_logger, sessionId, final);
            }
        }

        Ingest.Complete(sessionId, Session is not null, final, closeStatus, description);
        await closing.Closed.ConfigureAwait(false);
        if (failure is not null && reason == DisconnectReason.ClientStop)
        {
            throw failure;
        }
    }

    private async Task ConnectAsync(StartAvatarResponse session, StartAvatarRequest request, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.StreamReadyTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await _transports.OpenAsync(session, request, linked.Token).ConfigureAwait(false);
            if (_transports.Room is { } room)
            {
                await room.MediaReady.WaitAsync(linked.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The stream was not ready within {_options.StreamReadyTimeout.TotalSeconds} s (StreamingAvatarOptions.StreamReadyTimeout).");
        }

        ThrowIfClosedDuringStart();
        if (!State.TryMove(SessionState.Connecting, SessionState.Connected))
        {
            throw new InvalidOperationException($"The session left the Connecting state while connecting (state {State.Current}).");
        }

        // A close that arrived between the check and the move saw Connecting and left it to the start to fail.
        ThrowIfClosedDuringStart();

        Ingest.StreamReady(session.SessionId);
    }

    private void ThrowIfClosedDuringStart()
    {
        lock (_gate)
        {
            if (_chatClosedDuringStart is { } closed)
            {
                throw new InvalidOperationException(
                    $"The chat socket closed while the session was starting: {closed.Reason} (close status {closed.CloseStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}).");
            }
        }
    }

    private void OnChatStatus(ChatSocketStatus status)
    {
        switch (status)
        {
            case ChatSocketStatus.Open { Reconnected: true }:
                // Armed before the state says Connected, so whoever drives a virtual clock on seeing it finds the timers armed.
                Ingest.Speaks.BoundPendingAfterReconnect(_scheduler, _options.SpeakOutcomeTimeout);
                // The gap marker goes out before the new connection delivers anything (the socket's loop publishes this
                // status before it receives again): a subscriber sees it between the events it separates.
                PublishGap();
                if (State.TryMove(SessionState.Reconnecting, SessionState.Connected))
                {
                    _telemetry.Reconnects.Add(1);
                }

                break;
            case ChatSocketStatus.Reconnecting reconnecting:
                // The socket's statuses come one at a time from its loop, so the gap's fields need no lock.
                _gap ??= (_time.GetUtcNow(), reconnecting.Reason);
                _gapAttempts = reconnecting.Attempt;
                State.TryMove(SessionState.Connected, SessionState.Reconnecting);
                break;
            case ChatSocketStatus.Closed closed:
                OnTransportClosed(closed.Reason, closed.CloseStatus, closed.Description);
                break;
        }
    }

    // The chat socket is open again after a drop: events sent while it was down may be missing, which subscribers
    // learn from a stream_reconnected with the gap's bounds, and the meter from the gap's duration.
    private void PublishGap()
    {
        if (_gap is not { } gap)
        {
            return;
        }

        _gap = null;
        var now = _time.GetUtcNow();
        _telemetry.EventGapDuration.Record(Math.Max(0, (now - gap.Start).TotalSeconds));
        Ingest.Ingest(
            new StreamReconnected
            {
                SessionId = Session?.SessionId,
                ReceivedAt = now,
                GapStart = gap.Start,
                GapEnd = now,
                Reason = gap.Reason,
                Attempts = _gapAttempts,
            },
            EventChannel.Client);
    }

    /// <summary>The room ended on its own (not because the session is stopping): the stream is gone, so the session closes.</summary>
    private void OnRoomClosed(Exception? error)
    {
        if (error is not null)
        {
            Log.RoomFailed(_logger, _redactor.Redact(error.Message) ?? error.GetType().Name);
        }

        // The room's own disconnect reason, mapped, with LiveKit's raw reason kept in the description.
        if (_transports.RoomDisconnection is { } disconnection)
        {
            OnTransportClosed(disconnection.Reason, closeStatus: null, description: "room_closed: " + disconnection.RawReason);
        }
        else
        {
            OnTransportClosed(DisconnectReason.ServerClosed, closeStatus: null, description: "room_closed");
        }
    }

    private void OnTransportClosed(DisconnectReason reason, int? closeStatus, string? description)
    {
        var state = State.Current;
        if (state is SessionState.Disconnecting or SessionState.Closed)
        {
            return;
        }

        State.NoteReason(reason);
        if (state is SessionState.Creating or SessionState.Starting or SessionState.Connecting)
        {
            // The start in progress sees the closed socket and fails (and closes the session).
            lock (_gate)
            {
                _chatClosedDuringStart ??= new ChatSocketStatus.Closed(reason, closeStatus, description);
            }

            return;
        }

        // The server (or the network) ended the transport for good; stop a session that may still live on the server.
        var mayStillLive = reason is DisconnectReason.NetworkLost or DisconnectReason.ServerClosed;
        _ = CloseAsync(reason, mayStillLive, closeStatus, description);
    }

    public string RequireStarted(string operation)
    {
        ThrowIfDisposed();
        State.RequireStarted(operation);
        return Session?.SessionId ?? throw new InvalidOperationException($"{operation} needs a started session.");
    }

    private void ThrowIfDisposed()
    {
        if (IsDisposed)
        {
            // The facade's full name, spelled out: typeof(StreamingAvatar) would make Session/ depend on Client/.
            throw new ObjectDisposedException(StreamingAvatarFullName);
        }
    }

    /// <summary>Every credential of a new session (room and agent tokens, the realtime endpoint) is masked from then on.</summary>
    private void AddSecrets(NewSessionResponse response)
    {
        _redactor.Add(response.Data?.AccessToken);
        _redactor.Add(response.Data?.LiveKitAgentToken);
        _redactor.Add(response.Data?.RealtimeEndpoint);
    }

    private static StartAvatarResponse ToSession(NewSessionResponse response)
    {
        var data = response.Data;
        if (string.IsNullOrEmpty(data?.SessionId))
        {
            throw new KonProApiException("The answer to NewSession carries no session (no data.session_id); no session was created on this instance.");
        }

        return new StartAvatarResponse(data.SessionId, data.AccessToken, data.Url)
        {
            IsPaid = data.IsPaid ?? false,
            SessionDurationLimit = TimeSpan.FromSeconds(data.SessionDurationLimit),
            RealtimeEndpoint = data.RealtimeEndpoint,
            AgentAccessToken = data.LiveKitAgentToken,
        };
    }

    /// <summary>An internal span of this session (a child of the caller's current span), when anyone listens.</summary>
    private Activity? StartActivity(string name, string sessionId)
    {
        var activity = _telemetry.ActivitySource.StartActivity(name, ActivityKind.Internal);
        activity?.SetTag(KonProDiagnostics.SessionIdTag, sessionId);
        return activity;
    }

    private async Task<NewSessionResponse> CreateSessionCallAsync(NewSessionRequest wire)
    {
        using var timeout = new CancellationTokenSource(NewSessionTimeout, _time);
        return await _rest.CallAsync("NewSession", (api, ct) => api.NewSessionAsync(wire, ct), r => (r.Code, r.Message), timeout.Token, sessionIdOf: r => r.Data?.SessionId).ConfigureAwait(false);
    }

    /// <summary>A cancelled new whose answer arrives anyway: stop the session the server created.</summary>
    private async Task StopWhenCreatedAsync(Task<NewSessionResponse> call)
    {
        try
        {
            var response = await call.ConfigureAwait(false);
            AddSecrets(response);
            var session = ToSession(response);
            Log.StoppingAfterFailedStart(_logger, session.SessionId);
            await StopOnServerAsync(session.SessionId).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // nothing was created, or the stop failed and was logged
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>Calls <c>stop</c> (bounded); a session the server already closed counts as stopped.</summary>
    /// <summary>Whether the server accepted the stop (false when it was not called or failed).</summary>
    private static async Task<bool> AcceptedAsync(Task<Exception?> stopped, bool called) => called && await stopped.ConfigureAwait(false) is null;

    /// <summary>Calls <c>stop</c> on the server for the close path; returns its failure (logged) instead of throwing it.</summary>
    private async Task<Exception?> TryStopOnServerAsync(string sessionId)
    {
        try
        {
            await StopOnServerAsync(sessionId).ConfigureAwait(false);
            return null;
        }
#pragma warning disable CA1031 // the local side is closed whatever the server said; a client stop sees the failure
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.StopFailed(_logger, sessionId, _redactor.Redact(exception.Message) ?? string.Empty);
            return exception;
        }
    }

    private async Task StopOnServerAsync(string sessionId)
    {
        try
        {
            using var timeout = new CancellationTokenSource(StopTimeout, _time);
            var body = new SessionIdRequest { SessionId = sessionId };
            await _rest.CallAsync("StopSession", (api, ct) => api.StopSessionAsync(body, ct), r => (r.Code, r.Message), timeout.Token, sessionId).ConfigureAwait(false);
        }
        catch (KonProSessionClosedException)
        {
            // Already closed on the server: what stop wanted.
        }
    }

    private async Task AutoKeepAliveAsync()
    {
        // A timer's tick belongs to no caller's operation: each automatic keep-alive is a trace of its own.
        Activity.Current = null;
        try
        {
            await Commands.KeepAliveAsync(_lifetime.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // a failed automatic keep-alive is logged; the next tick tries again
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.KeepAliveFailed(_logger, Session?.SessionId, _redactor.Redact(exception.Message) ?? string.Empty);
        }
    }

}
