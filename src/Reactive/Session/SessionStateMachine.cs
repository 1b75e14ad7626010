using KonPro.Streaming.Events;
using Microsoft.Extensions.Logging;

namespace KonPro.Streaming.Session;

/// <summary>
/// The session's state and its transitions, the reason it closed, and the state stream. State subscribers are
/// called outside the gate (the hub queues changes made under it and delivers them after).
/// </summary>
internal sealed class SessionStateMachine
{
    private readonly Lock _gate = new();
    private readonly EventHub<SessionState> _hub;
    private readonly ILogger _logger;
    private SessionState _state = SessionState.Inactive;
    private DisconnectReason? _reason;
    private string? _sessionId;

    public SessionStateMachine(ILogger logger)
    {
        _logger = logger;
        _hub = new EventHub<SessionState>(replayLatest: true, (e, s) => Log.SubscriberThrew(logger, e, "SessionState " + s), hasInitial: true, SessionState.Inactive);
    }

    /// <summary>The state: replays the current one, then each change; completes after <see cref="SessionState.Closed"/>.</summary>
    public IObservable<SessionState> Changes => _hub.AsObservable();

    /// <summary>The current state.</summary>
    public SessionState Current
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>Why the session closed (set once, by the first close).</summary>
    public DisconnectReason? DisconnectReason
    {
        get
        {
            lock (_gate)
            {
                return _reason;
            }
        }
    }

    /// <summary>The session's id for log lines, once created.</summary>
    public string? SessionId
    {
        set
        {
            lock (_gate)
            {
                _sessionId = value;
            }
        }
    }

    /// <summary>Inactive to Creating, or a clear exception naming the state.</summary>
    public void BeginCreating()
    {
        lock (_gate)
        {
            if (_state != SessionState.Inactive)
            {
                throw new InvalidOperationException($"NewSessionAsync needs an instance without a session (state Inactive); the state is {_state}. Use a new StreamingAvatar for another session.");
            }

            SetLocked(SessionState.Creating);
        }

        _hub.Drain();
    }

    /// <summary>Moves from <paramref name="from"/> to <paramref name="to"/>; false (and no change) when the state is another.</summary>
    public bool TryMove(SessionState from, SessionState to)
    {
        bool moved;
        lock (_gate)
        {
            moved = _state == from;
            if (moved)
            {
                SetLocked(to);
            }
        }

        _hub.Drain();
        return moved;
    }

    /// <summary>Records why the session is ending, unless a reason was recorded first.</summary>
    public void NoteReason(DisconnectReason reason)
    {
        lock (_gate)
        {
            _reason ??= reason;
        }
    }

    /// <summary>Any state but Closed to Disconnecting.</summary>
    public void BeginDisconnecting()
    {
        lock (_gate)
        {
            if (_state != SessionState.Closed)
            {
                SetLocked(SessionState.Disconnecting);
            }
        }

        _hub.Drain();
    }

    /// <summary>To Closed (with the first reason recorded) and the stream completes; returns the reason.</summary>
    public DisconnectReason Close(DisconnectReason reason)
    {
        lock (_gate)
        {
            _reason ??= reason;
            reason = _reason.Value;
            if (_state != SessionState.Closed)
            {
                SetLocked(SessionState.Closed);
            }
        }

        _hub.Drain();
        _hub.OnCompleted();
        return reason;
    }

    /// <summary>Throws a clear exception naming the call and the state unless the session is started.</summary>
    public void RequireStarted(string operation)
    {
        var state = Current;
        if (state is not (SessionState.Connecting or SessionState.Connected or SessionState.Reconnecting))
        {
            throw new InvalidOperationException(
                $"{operation} needs a started session (state Connecting, Connected or Reconnecting); the state is {state}. Call CreateStartAvatarAsync first.");
        }
    }

    /// <summary>Throws a clear exception naming the call and the state unless the session is connected.</summary>
    public void RequireConnected(string operation)
    {
        var state = Current;
        if (state != SessionState.Connected)
        {
            throw new InvalidOperationException($"{operation} needs a connected session (state Connected); the state is {state}.");
        }
    }

    private void SetLocked(SessionState state)
    {
        var old = _state;
        if (old == state)
        {
            return;
        }

        _state = state;
        if (_sessionId is null)
        {
            Log.StateChangedBeforeCreated(_logger, old, state);
        }
        else
        {
            Log.StateChanged(_logger, _sessionId, old, state);
        }

        _hub.Enqueue(state);
    }
}
