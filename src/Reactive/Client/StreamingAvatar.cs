using System.Reactive.Concurrency;
using System.Reactive.Linq;
using KonPro.StreamingAvatar.Api;
using KonPro.StreamingAvatar.Events;
using KonPro.StreamingAvatar.Speaking;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Reason = KonPro.StreamingAvatar.DisconnectReason;

namespace KonPro.StreamingAvatar;

/// <summary>
/// One interactive streaming avatar session: create and start it, make the avatar speak, talk to it by text or
/// voice, and observe what happens as typed events. The .NET counterpart of the reference SDK's
/// <c>StreamingAvatar</c>. Thread-safe. One instance drives one session; dispose it when done.
/// </summary>
/// <remarks>
/// <para>Lifecycle: <see cref="CreateStartAvatarAsync"/> (or <see cref="NewSessionAsync"/> then
/// <see cref="StartSessionAsync"/>) creates the session, starts it and connects the chat socket; the calls that
/// drive the avatar need a started session; <see cref="StopAvatarAsync"/> stops it. <see cref="State"/> tells where
/// the session is. Every input is validated before anything goes over the wire.</para>
/// <para>Without a <see cref="StreamingAvatarOptions.RoomConnector"/> the SDK runs on the chat socket alone:
/// events, typed messages and voice chat work, there is no audio or video of the avatar.</para>
/// </remarks>
/// <example>
/// <code>
/// await using var avatar = new StreamingAvatar(new StreamingAvatarApiConfig { Token = sessionToken });
/// using var words = avatar.AvatarTalkingMessage.Subscribe(m => Console.Write(m.Message));
/// await avatar.CreateStartAvatarAsync(new StartAvatarRequest { Quality = AvatarQuality.High, Language = "en" });
/// var task = await avatar.SpeakAsync(new SpeakRequest { Text = "Hello!", TaskType = TaskType.Repeat, TaskMode = TaskMode.Async });
/// await task.WaitForCompletionAsync(TimeSpan.FromSeconds(30));
/// await avatar.StopAvatarAsync();
/// </code>
/// </example>
public partial class StreamingAvatar : IAsyncDisposable
{
    private static readonly TimeSpan StopOnFailureTimeout = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private readonly KonProRestClient _rest = null!;
    private readonly StreamingAvatarOptions _options = null!;
    private readonly ILogger _logger = NullLogger.Instance;
    private readonly IScheduler _scheduler = DefaultScheduler.Instance;
    private readonly TimeProvider _time = TimeProvider.System;
    private readonly KonProTelemetry _telemetry = null!;
    private readonly SecretRedactor _redactor = new();
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Func<ChatChannelRequest, IChatChannel> _chatFactory = null!;

    private SessionState _state = SessionState.Inactive;
    private StartAvatarResponse? _session;
    private StartAvatarRequest? _request;
    private IChatChannel? _chat;
    private IAvatarRoom? _room;
    private IDisposable? _keepAlive;
    private IDisposable? _chatSubscriptions;
    private IDisposable? _roomSubscription;
    private Reason? _disconnectReason;
    private ChatChannelStatus.Closed? _chatClosed;
    private bool _socketSilencePrompt;
    private Task? _stopTask;
    private int _disposed;

    /// <summary>Creates an avatar client with its own <see cref="HttpClient"/> and default options.</summary>
    /// <param name="config">The base URL and credential.</param>
    /// <exception cref="ArgumentException">The config has no credential, both, or a bad base URL.</exception>
    public StreamingAvatar(StreamingAvatarApiConfig config)
        : this(config, httpClient: null, options: null)
    {
    }

    /// <summary>
    /// Creates an avatar client on a shared <see cref="HttpClient"/> (never modified: the credential is put on each
    /// request, not on its default headers; it is not disposed with this client) with logging, scheduler and other options.
    /// </summary>
    /// <param name="config">The base URL and credential.</param>
    /// <param name="httpClient">The HTTP client to send through; a private one when null.</param>
    /// <param name="options">Logging, time, keep-alive, reconnect and room options; defaults when null.</param>
    /// <exception cref="ArgumentException">The config has no credential, both, or a bad base URL.</exception>
    public StreamingAvatar(StreamingAvatarApiConfig config, HttpClient? httpClient, StreamingAvatarOptions? options = null)
        : this(config, httpClient, options, chatFactory: null)
    {
    }

    /// <summary>Creates an avatar client with a replaceable chat channel (the seam tests use).</summary>
    internal StreamingAvatar(
        StreamingAvatarApiConfig config,
        HttpClient? httpClient,
        StreamingAvatarOptions? options,
        Func<ChatChannelRequest, IChatChannel>? chatFactory)
    {
        ArgumentNullException.ThrowIfNull(config);
        var baseUri = config.GetBaseUri();
        var credential = config.GetCredential();
        _options = options ?? new StreamingAvatarOptions();
        _options.ReconnectPolicy?.Validate();
        _logger = _options.LoggerFactory?.CreateLogger<StreamingAvatar>() ?? NullLogger<StreamingAvatar>.Instance;
        _scheduler = _options.Scheduler ?? DefaultScheduler.Instance;
        _time = _options.TimeProvider ?? TimeProvider.System;
        _telemetry = new KonProTelemetry(_options.MeterFactory);
        _rest = new KonProRestClient(httpClient, baseUri, credential, _logger, _telemetry, _time, _redactor, _options.Retry);
        _chatFactory = chatFactory ?? CreateChatChannel;
        _events = new EventHub<StreamingEvent>(replayLatest: false, OnSubscriberError);
        _stateHub = new EventHub<SessionState>(replayLatest: true, OnStateSubscriberError, hasInitial: true, SessionState.Inactive);
        _avatarTalking = new EventHub<bool>(replayLatest: true, OnStateSubscriberError, hasInitial: true, false);
        _userTalking = new EventHub<bool>(replayLatest: true, OnStateSubscriberError, hasInitial: true, false);
        _dedup = new EventDeduplicator(_time);
        _speaks = new SpeakTracker(_time);
    }

    /// <summary>For mocking: a subclass overrides the members it uses; nothing else works on such an instance.</summary>
    protected StreamingAvatar()
    {
        _events = new EventHub<StreamingEvent>(replayLatest: false, (_, _) => { });
        _stateHub = new EventHub<SessionState>(replayLatest: true, (_, _) => { }, hasInitial: true, SessionState.Inactive);
        _avatarTalking = new EventHub<bool>(replayLatest: true, (_, _) => { }, hasInitial: true, false);
        _userTalking = new EventHub<bool>(replayLatest: true, (_, _) => { }, hasInitial: true, false);
        _dedup = new EventDeduplicator(TimeProvider.System);
        _speaks = new SpeakTracker(TimeProvider.System);
    }

    /// <summary>The id of the session, once <see cref="NewSessionAsync"/> (or <see cref="CreateStartAvatarAsync"/>) created it.</summary>
    public virtual string? SessionId
    {
        get
        {
            lock (_gate)
            {
                return _session?.SessionId;
            }
        }
    }

    /// <summary>The created session (its room URL, access token and limits), once created.</summary>
    public virtual StartAvatarResponse? SessionInfo
    {
        get
        {
            lock (_gate)
            {
                return _session;
            }
        }
    }

    /// <summary>The current state of the session (see <see cref="State"/> to observe changes).</summary>
    public virtual SessionState CurrentState
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>Why the session ended, once it is <see cref="SessionState.Closed"/>.</summary>
    public virtual Reason? DisconnectReason
    {
        get
        {
            lock (_gate)
            {
                return _disconnectReason;
            }
        }
    }

    /// <summary>Creates a session, starts it and connects its chat socket (and room); returns when the stream is ready.</summary>
    /// <param name="request">What to start; validated before anything is sent.</param>
    /// <param name="cancellationToken">Cancels the start; a session the server already created is then stopped.</param>
    /// <returns>The created session.</returns>
    /// <exception cref="ArgumentException">A field of <paramref name="request"/> is out of range (nothing was sent).</exception>
    /// <exception cref="InvalidOperationException">This instance already has a session.</exception>
    /// <exception cref="KonProApiException">The server refused.</exception>
    public virtual async Task<StartAvatarResponse> CreateStartAvatarAsync(StartAvatarRequest request, CancellationToken cancellationToken = default)
    {
        var session = await NewSessionAsync(request, cancellationToken).ConfigureAwait(false);
        await StartSessionAsync(cancellationToken).ConfigureAwait(false);
        return session;
    }

    /// <summary>Creates a session (<c>new</c>) without starting it. The state stays <see cref="SessionState.Creating"/> until <see cref="StartSessionAsync"/>.</summary>
    /// <param name="request">What to create; validated before anything is sent.</param>
    /// <param name="cancellationToken">Cancels the call; a session the server created anyway is stopped.</param>
    /// <returns>The created session.</returns>
    /// <exception cref="ArgumentException">A field of <paramref name="request"/> is out of range (nothing was sent).</exception>
    /// <exception cref="InvalidOperationException">This instance already has a session.</exception>
    /// <exception cref="KonProApiException">The server refused.</exception>
    public virtual async Task<StartAvatarResponse> NewSessionAsync(StartAvatarRequest request, CancellationToken cancellationToken = default)
    {
        RequestValidation.Validate(request);
        var wire = RequestMapping.ToWire(request);
        lock (_gate)
        {
            ThrowIfDisposed();
            if (_state != SessionState.Inactive)
            {
                throw new InvalidOperationException($"NewSessionAsync needs an instance without a session (state Inactive); the state is {_state}. Use a new StreamingAvatar for another session.");
            }

            SetStateLocked(SessionState.Creating);
        }

        DrainState();

        // The call is not cancelled with the caller's token: if the caller gives up after the server created the
        // session, the answer still arrives (bounded by a timeout) and the session is stopped, so nothing is left open.
        var call = CreateSessionCallAsync(wire);
        StartAvatarResponse session;
        try
        {
            var response = await call.WaitAsync(cancellationToken).ConfigureAwait(false);
            var data = response.Data;
            if (string.IsNullOrEmpty(data?.Session_id))
            {
                throw new KonProApiException("The answer to NewSession carries no session (no data.session_id); no session was created on this instance.");
            }

            session = new StartAvatarResponse(data.Session_id, data.Access_token, data.Url)
            {
                IsPaid = data.Is_paid ?? false,
                SessionDurationLimit = TimeSpan.FromSeconds(data.Session_duration_limit),
                RealtimeEndpoint = data.Realtime_endpoint,
            };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !call.IsCompleted)
        {
            CloseLocally(Reason.StartFailed, closeStatus: null, description: null);
            _ = StopWhenCreatedAsync(call);
            throw;
        }
        catch
        {
            // Whatever failed (a refusal, a network error, an answer that is not a complete session), no session
            // exists on this instance: it is reusable.
            lock (_gate)
            {
                if (_state == SessionState.Creating)
                {
                    SetStateLocked(SessionState.Inactive);
                }
            }

            DrainState();
            throw;
        }

        _redactor.Add(session.AccessToken);
        var stopNow = false;
        lock (_gate)
        {
            _session = session;
            _request = request;
            stopNow = _disposed != 0 || _state != SessionState.Creating;
        }

        Log.SessionCreated(_logger, session.SessionId);
        if (stopNow)
        {
            // Disposed or stopped while the server created the session: leave nothing open.
            await FailStartAsync(session.SessionId).ConfigureAwait(false);
            ThrowIfDisposed();
            throw new OperationCanceledException("The avatar was stopped while the session was being created; the session was stopped.");
        }

        return session;
    }

    /// <summary>Starts the created session (<c>start</c>) and connects its chat socket (and room); returns when the stream is ready.</summary>
    /// <param name="cancellationToken">Cancels the start; the session is then stopped.</param>
    /// <returns>A task that completes when the stream is ready (<see cref="StreamReady"/> was raised).</returns>
    /// <exception cref="InvalidOperationException">No session was created, or it was already started.</exception>
    /// <exception cref="KonProApiException">The server refused.</exception>
    /// <exception cref="TimeoutException">The stream was not ready within <see cref="StreamingAvatarOptions.StreamReadyTimeout"/>.</exception>
    public virtual async Task StartSessionAsync(CancellationToken cancellationToken = default)
    {
        StartAvatarResponse session;
        StartAvatarRequest request;
        lock (_gate)
        {
            ThrowIfDisposed();
            if (_session is null || _request is null || _state != SessionState.Creating)
            {
                throw new InvalidOperationException($"StartSessionAsync needs a session created by NewSessionAsync and not started yet; the state is {_state}.");
            }

            session = _session;
            request = _request;
            SetStateLocked(SessionState.Starting);
        }

        DrainState();
        var started = _time.GetTimestamp();
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
            var body = new SessionIdRequest { Session_id = session.SessionId };
            await _rest.CallAsync("StartSession", (api, ct) => api.StartSessionAsync(body, ct), r => (r.Code, r.Message), linked.Token).ConfigureAwait(false);
            TransitionIf(SessionState.Starting, SessionState.Connecting);
            await ConnectAsync(session, request, linked.Token).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            await FailStartAsync(session.SessionId).ConfigureAwait(false);
            if (_disposed != 0 && !cancellationToken.IsCancellationRequested)
            {
                throw new ObjectDisposedException(nameof(StreamingAvatar), exception);
            }

            throw;
        }

        _telemetry.TimeToStreamReady.Record(_time.GetElapsedTime(started).TotalSeconds);
        StartKeepAlive(request);
    }

    /// <summary>
    /// Stops the session (<c>stop</c>), stops voice chat, closes the chat socket and the room, and completes every
    /// stream. Idempotent: later and concurrent calls wait for the same stop. Does nothing without a session.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting (the stop itself goes on).</param>
    /// <returns>A task that completes when the session is closed.</returns>
    /// <exception cref="KonProApiException">The server refused the stop (the local side is closed anyway).</exception>
    public virtual Task StopAvatarAsync(CancellationToken cancellationToken = default)
    {
        Task stop;
        lock (_gate)
        {
            if (_stopTask is null)
            {
                if (_state is SessionState.Inactive or SessionState.Closed && _session is null)
                {
                    return Task.CompletedTask;
                }

                _stopTask = StopOffLockAsync(callServer: _state != SessionState.Closed);
            }

            stop = _stopTask;
        }

        return stop.WaitAsync(cancellationToken);
    }

    /// <summary>Stops the session (if any) and releases everything; safe to call twice, or while a call is in flight (which then fails).</summary>
    /// <returns>A task that completes when everything is released.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await StopAvatarAsync(CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // disposal never throws; the failure was logged
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.StopFailed(_logger, SessionId, _redactor.Redact(exception.Message) ?? string.Empty);
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        CloseLocally(Reason.ClientStop, closeStatus: null, description: null);
        // Null only on a mocking instance.
        _rest?.Dispose();
        _telemetry?.Dispose();
        _lifetime.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc />
    public override string ToString() => $"StreamingAvatar {{ SessionId = {SessionId}, State = {CurrentState} }}";

    private async Task<NewSessionResponse> CreateSessionCallAsync(NewSessionRequest wire)
    {
        using var timeout = new CancellationTokenSource(StopOnFailureTimeout * 6, _time);
        return await _rest.CallAsync("NewSession", (api, ct) => api.NewSessionAsync(wire, ct), r => (r.Code, r.Message), timeout.Token).ConfigureAwait(false);
    }

    private async Task StopWhenCreatedAsync(Task<NewSessionResponse> call)
    {
        try
        {
            var response = await call.ConfigureAwait(false);
            _redactor.Add(response.Data.Access_token);
            await FailStartAsync(response.Data.Session_id).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // nothing was created, or the stop failed and was logged
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed != 0, this);

    /// <summary>Runs the stop off the caller's lock, so state subscribers are never called while it is held.</summary>
    private async Task StopOffLockAsync(bool callServer)
    {
        await Task.Yield();
        await StopCoreAsync(Reason.ClientStop, callServer).ConfigureAwait(false);
    }

    private async Task StopCoreAsync(Reason reason, bool callServer)
    {
        string? sessionId;
        lock (_gate)
        {
            sessionId = _session?.SessionId;
            if (_state != SessionState.Closed)
            {
                SetStateLocked(SessionState.Disconnecting);
            }
        }

        DrainState();
        Exception? failure = null;
        await StopVoiceChatCoreAsync().ConfigureAwait(false);
        StopKeepAlive();
        if (callServer && sessionId is not null)
        {
            try
            {
                using var timeout = new CancellationTokenSource(StopOnFailureTimeout, _time);
                var body = new SessionIdRequest { Session_id = sessionId };
                await _rest.CallAsync("StopSession", (api, ct) => api.StopSessionAsync(body, ct), r => (r.Code, r.Message), timeout.Token).ConfigureAwait(false);
            }
            catch (KonProSessionClosedException)
            {
                // Already closed on the server: what stop wanted.
            }
#pragma warning disable CA1031 // the local side is closed whatever the server said; the failure is rethrown below
            catch (Exception exception)
#pragma warning restore CA1031
            {
                Log.StopFailed(_logger, sessionId, _redactor.Redact(exception.Message) ?? string.Empty);
                failure = exception;
            }
        }

        await CloseTransportsAsync().ConfigureAwait(false);
        CloseLocally(reason, closeStatus: null, description: null);
        if (failure is not null)
        {
            throw failure;
        }
    }

    private async Task FailStartAsync(string sessionId)
    {
        Log.StoppingAfterFailedStart(_logger, sessionId);
        StopKeepAlive();
        try
        {
            using var timeout = new CancellationTokenSource(StopOnFailureTimeout, _time);
            var body = new SessionIdRequest { Session_id = sessionId };
            await _rest.CallAsync("StopSession", (api, ct) => api.StopSessionAsync(body, ct), r => (r.Code, r.Message), timeout.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // best effort: the start already failed, and that failure is what the caller sees
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.StopFailed(_logger, sessionId, _redactor.Redact(exception.Message) ?? string.Empty);
        }

        await CloseTransportsAsync().ConfigureAwait(false);
        CloseLocally(Reason.StartFailed, closeStatus: null, description: null);
    }

    private async Task CloseTransportsAsync()
    {
        IChatChannel? chat;
        IAvatarRoom? room;
        IDisposable? subscriptions;
        IDisposable? roomSubscription;
        lock (_gate)
        {
            chat = _chat;
            room = _room;
            subscriptions = _chatSubscriptions;
            roomSubscription = _roomSubscription;
            _chat = null;
            _room = null;
            _chatSubscriptions = null;
            _roomSubscription = null;
        }

        if (chat is not null)
        {
            try
            {
                using var timeout = new CancellationTokenSource(StopOnFailureTimeout, _time);
                await chat.CloseAsync(timeout.Token).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // closing is best effort; the socket is disposed next
            catch (Exception)
#pragma warning restore CA1031
            {
            }

            await chat.DisposeAsync().ConfigureAwait(false);
        }

        subscriptions?.Dispose();
        roomSubscription?.Dispose();
        if (room is not null)
        {
            try
            {
                await room.DisposeAsync().ConfigureAwait(false);
            }
#pragma warning disable CA1031 // a room that fails to leave is not the caller's problem
            catch (Exception exception)
#pragma warning restore CA1031
            {
                Log.RoomFailed(_logger, _redactor.Redact(exception.Message) ?? string.Empty);
            }
        }
    }

    /// <summary>Ends the session on this side: state Closed with a reason, pending speak handles ended, every stream completed.</summary>
    private void CloseLocally(Reason reason, int? closeStatus, string? description)
    {
        string? sessionId;
        bool hadSession;
        lock (_gate)
        {
            if (_state == SessionState.Closed && _events.IsCompleted)
            {
                return;
            }

            hadSession = _session is not null;
            sessionId = _session?.SessionId;
            _disconnectReason ??= reason;
            reason = _disconnectReason.Value;
            if (_state != SessionState.Closed)
            {
                SetStateLocked(SessionState.Closed);
            }
        }

        DrainState();
        StopKeepAlive();
        _speaks.EndAll(SpeakOutcome.SessionClosed);
        if (hadSession)
        {
            Log.Disconnected(_logger, sessionId, reason, closeStatus);
            _events.OnNext(new StreamDisconnected
            {
                SessionId = sessionId,
                ReceivedAt = _time.GetUtcNow(),
                Reason = reason,
                CloseStatus = closeStatus,
                CloseDescription = description,
            });
        }

        _avatarTalking.OnNextIfChanged(false);
        _userTalking.OnNextIfChanged(false);
        _events.OnCompleted();
        _avatarTalking.OnCompleted();
        _userTalking.OnCompleted();
        _stateHub.OnCompleted();
    }

    private void SetStateLocked(SessionState state)
    {
        var old = _state;
        if (old == state)
        {
            return;
        }

        _state = state;
        Log.StateChanged(_logger, _session?.SessionId, old, state);
        _stateHub.Enqueue(state);
    }

    private bool TransitionIf(SessionState from, SessionState to)
    {
        bool changed;
        lock (_gate)
        {
            changed = _state == from;
            if (changed)
            {
                SetStateLocked(to);
            }
        }

        DrainState();
        return changed;
    }

    private void DrainState() => _stateHub.Drain();

    /// <summary>The session id of a started session, or a clear exception naming the call and the state.</summary>
    private string RequireStarted(string operation)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            if (_session is null || _state is not (SessionState.Connecting or SessionState.Connected or SessionState.Reconnecting))
            {
                throw new InvalidOperationException(
                    $"{operation} needs a started session (state Connecting, Connected or Reconnecting); the state is {_state}. Call CreateStartAvatarAsync first.");
            }

            return _session.SessionId;
        }
    }

    private void StartKeepAlive(StartAvatarRequest request)
    {
        if (!_options.AutoKeepAlive)
        {
            return;
        }

        var interval = KeepAliveSchedule.Interval(request.ActivityIdleTimeout, _options.KeepAliveInterval);
        var subscription = Observable.Interval(interval, _scheduler).Subscribe(tick => _ = AutoKeepAliveAsync());
        lock (_gate)
        {
            if (_state is SessionState.Closed or SessionState.Disconnecting)
            {
                subscription.Dispose();
                return;
            }

            _keepAlive?.Dispose();
            _keepAlive = subscription;
        }
    }

    private void StopKeepAlive()
    {
        IDisposable? keepAlive;
        lock (_gate)
        {
            keepAlive = _keepAlive;
            _keepAlive = null;
        }

        keepAlive?.Dispose();
    }

    private async Task AutoKeepAliveAsync()
    {
        try
        {
            await KeepAliveAsync(_lifetime.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // a failed automatic keep-alive is logged; the next tick tries again
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.KeepAliveFailed(_logger, SessionId, _redactor.Redact(exception.Message) ?? string.Empty);
        }
    }
}

/// <summary>The automatic keep-alive interval: safely below the idle timeout.</summary>
internal static class KeepAliveSchedule
{
    public const int DefaultIdleTimeoutSeconds = 120;

    public static TimeSpan Interval(int? activityIdleTimeoutSeconds, TimeSpan? requested)
    {
        var idle = TimeSpan.FromSeconds(activityIdleTimeoutSeconds ?? DefaultIdleTimeoutSeconds);
        var safe = idle / 2;
        return requested is { } wanted && wanted > TimeSpan.Zero && wanted < safe ? wanted : safe;
    }
}
