using KonPro.Streaming.Api;
using KonPro.Streaming.Testing.Speech;
using KonPro.Streaming.Testing.Chat;
using KonPro.Streaming.Testing.Time;

namespace KonPro.Streaming.Testing.Sessions;

/// <summary>The lifecycle of a fake session.</summary>
internal enum SessionPhase
{
    New,
    Started,
    Closed,
}

/// <summary>One session's state: lifecycle, settings, speaking queue, chat sockets and timers.</summary>
internal sealed class FakeSession
{
    private readonly Lock _gate = new();
    private readonly ScaledClock _clock;
    private readonly List<ChatConnection> _sockets = [];
    private readonly List<SpokenTask> _tasks = [];
    private readonly ITimer? _idleTimer;
    private readonly ITimer _durationTimer;
    private readonly TimeSpan _idleTimeout;

    public FakeSession(FakeSessionSettings settings, ScaledClock clock, KonProFakeServerOptions options, Action<FakeSession, int, string> closeRequested)
    {
        Settings = settings;
        _clock = clock;
        CreatedAt = clock.UtcNow;
        CreatedTimestamp = clock.Timestamp();
        _idleTimeout = TimeSpan.FromSeconds(settings.ActivityIdleTimeout);
        Speaker = new AvatarSpeaker(this, clock, options);
        if (!settings.DisableIdleTimeout)
        {
            _idleTimer = clock.CreateTimer(() => closeRequested(this, ChatCloseStatus.IdleTimeout, ChatCloseStatus.IdleTimeoutReason), _idleTimeout);
        }

        _durationTimer = clock.CreateTimer(() => closeRequested(this, ChatCloseStatus.DurationLimit, ChatCloseStatus.DurationLimitReason), options.SessionDurationLimit);
    }

    public FakeSessionSettings Settings { get; }

    public string Id => Settings.SessionId;

    public DateTimeOffset CreatedAt { get; }

    public long CreatedTimestamp { get; }

    public DateTimeOffset? ClosedAt { get; private set; }

    public SessionPhase Phase { get; private set; } = SessionPhase.New;

    public bool IsListening { get; set; }

    public int? CloseStatus { get; private set; }

    public string? CloseReason { get; private set; }

    public AvatarSpeaker Speaker { get; }

    /// <summary>The session's LiveKit room, when the fake serves rooms.</summary>
    public Room.SessionRoom? Room { get; set; }

    public IReadOnlyList<ChatConnection> Sockets
    {
        get
        {
            lock (_gate)
            {
                return [.. _sockets];
            }
        }
    }

    public SessionStatus Status
    {
        get
        {
            lock (_gate)
            {
                return Phase switch
                {
                    SessionPhase.New => SessionStatus.New,
                    SessionPhase.Closed => SessionStatus.Closed,
                    _ => _sockets.Count > 0 ? SessionStatus.Connected : SessionStatus.Connecting,
                };
            }
        }
    }

    /// <summary>The state word of <c>SESSION_STATE_INVALID</c> messages.</summary>
    public string StateWord => WireNames.Of(Status);

    public bool TryStart()
    {
        lock (_gate)
        {
            if (Phase != SessionPhase.New)
            {
                return false;
            }

            Phase = SessionPhase.Started;
            return true;
        }
    }

    /// <summary>Marks the session closed; false when it already was.</summary>
    public bool TryClose(int status, string reason)
    {
        List<ChatConnection> sockets;
        lock (_gate)
        {
            if (Phase == SessionPhase.Closed)
            {
                return false;
            }

            Phase = SessionPhase.Closed;
            ClosedAt = _clock.UtcNow;
            CloseStatus = status;
            CloseReason = reason;
            IsListening = false;
            sockets = [.. _sockets];
        }

        _idleTimer?.Dispose();
        _durationTimer.Dispose();
        Speaker.Interrupt();
        foreach (var socket in sockets)
        {
            socket.Close(status, reason);
        }

        return true;
    }

    /// <summary>Resets the idle timer (a task, user input or keep-alive).</summary>
    public void Touch()
    {
        lock (_gate)
        {
            if (Phase == SessionPhase.Closed)
            {
                return;
            }
        }

        _idleTimer?.Change(_clock.ToReal(_idleTimeout), Timeout.InfiniteTimeSpan);
    }

    /// <summary>Binds a socket; false when the session has closed meanwhile.</summary>
    public bool TryAttach(ChatConnection connection)
    {
        lock (_gate)
        {
            if (Phase == SessionPhase.Closed)
            {
                return false;
            }

            _sockets.Add(connection);
            return true;
        }
    }

    public void Detach(ChatConnection connection)
    {
        lock (_gate)
        {
            _sockets.Remove(connection);
        }
    }

    /// <summary>
    /// The session's one event sink: every avatar and user event goes out here, to the bound chat sockets and, when the
    /// session has a room, to the room (as the event delivery says).
    /// </summary>
    public void Broadcast(string json)
    {
        if (Room is null || Room.ChatCarries(json))
        {
            foreach (var socket in Sockets)
            {
                socket.SendEvent(json);
            }
        }

        Room?.Publish(json);
    }

    public void Record(SpokenTask task)
    {
        lock (_gate)
        {
            var index = _tasks.FindIndex(t => t.TaskId == task.TaskId);
            if (index >= 0)
            {
                _tasks[index] = task;
            }
            else
            {
                _tasks.Add(task);
            }
        }
    }

    /// <summary>How long the session has lived (until it closed), in model time.</summary>
    public TimeSpan Age => TimeSpan.FromTicks((long)(((ClosedAt ?? _clock.UtcNow) - CreatedAt).Ticks / _clock.Scale));

    public FakeSessionSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new FakeSessionSnapshot(
                Id,
                Phase switch
                {
                    SessionPhase.New => SessionStatus.New,
                    SessionPhase.Closed => SessionStatus.Closed,
                    _ => _sockets.Count > 0 ? SessionStatus.Connected : SessionStatus.Connecting,
                },
                Settings.AvatarId,
                Settings.KnowledgeBaseId,
                IsListening,
                _sockets.Count,
                [.. _tasks],
                CloseStatus,
                CloseReason);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _idleTimer?.Dispose();
        _durationTimer.Dispose();
        await Speaker.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>What <c>new</c> fixed about a session.</summary>
internal sealed record FakeSessionSettings(
    string SessionId,
    string OwnerApiKey,
    string CreatedWith,
    string AvatarId,
    string? VoiceId,
    double VoiceRate,
    string? KnowledgeBaseId,
    string? KnowledgeBasePrompt,
    int ActivityIdleTimeout,
    bool DisableIdleTimeout,
    bool SilenceResponse);
