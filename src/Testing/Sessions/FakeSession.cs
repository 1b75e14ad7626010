using KonPro.Streaming.Api;
using KonPro.Streaming.Testing.Time;

namespace KonPro.Streaming.Testing.Sessions;

/// <summary>The lifecycle of a fake session.</summary>
internal enum SessionPhase
{
    New,
    Started,
    Closed,
}

/// <summary>
/// One session's state: lifecycle, settings, its tasks, how many chat sockets are bound, and timers. What happens in it
/// goes out as typed events through its outbox (<see cref="Publish"/>) to the channels subscribed to it (the chat
/// sockets, the room), each of which renders them; the session knows none of them.
/// </summary>
internal sealed class FakeSession
{
    private readonly Lock _gate = new();
    private readonly ScaledClock _clock;
    private readonly List<SpokenTask> _tasks = [];
    private ISessionEventSink[] _sinks = [];
    private int _openSockets;
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

    /// <summary>
    /// Where the session's events go (the chat socket, the room's data channel): <see cref="FakeEventDelivery.ChatOnly"/>
    /// until the session gets a room, then as the options say.
    /// </summary>
    public FakeEventDelivery Delivery { get; set; } = FakeEventDelivery.ChatOnly;

    /// <summary>How many chat sockets are bound to the session now.</summary>
    public int OpenSockets => Volatile.Read(ref _openSockets);

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
                    _ => _openSockets > 0 ? SessionStatus.Connected : SessionStatus.Connecting,
                };
            }
        }
    }

    /// <summary>The state word of <c>SESSION_STATE_INVALID</c> messages.</summary>
    public string StateWord => WireNames.Of(Status);

    /// <summary>Marks the session started and tells every channel subscribed to it; false when it was not new.</summary>
    public bool TryStart()
    {
        ISessionEventSink[] sinks;
        lock (_gate)
        {
            if (Phase != SessionPhase.New)
            {
                return false;
            }

            Phase = SessionPhase.Started;
            sinks = _sinks;
        }

        foreach (var sink in sinks)
        {
            sink.OnStarted();
        }

        return true;
    }

    /// <summary>Marks the session closed and tells every channel subscribed to it; false when it already was.</summary>
    public bool TryClose(int status, string reason)
    {
        ISessionEventSink[] sinks;
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
            sinks = _sinks;
        }

        _idleTimer?.Dispose();
        _durationTimer.Dispose();
        foreach (var sink in sinks)
        {
            sink.OnClosed(status, reason);
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

    /// <summary>Counts one more bound chat socket; false when the session has closed meanwhile.</summary>
    public bool TryAttachSocket()
    {
        lock (_gate)
        {
            if (Phase == SessionPhase.Closed)
            {
                return false;
            }

            _openSockets++;
            return true;
        }
    }

    /// <summary>Counts one bound chat socket less.</summary>
    public void DetachSocket()
    {
        lock (_gate)
        {
            _openSockets--;
        }
    }

    /// <summary>
    /// The session's outbox: every avatar and user event goes out here, to each subscribed channel in the order they
    /// subscribed. Reads the subscribers without a lock and allocates nothing.
    /// </summary>
    public void Publish(in SessionEvent sessionEvent)
    {
        foreach (var sink in Volatile.Read(ref _sinks))
        {
            sink.OnEvent(sessionEvent);
        }
    }

    /// <summary>The subscribed channel of type <typeparamref name="T"/>, or null.</summary>
    public T? Find<T>()
        where T : class, ISessionEventSink
    {
        foreach (var sink in Volatile.Read(ref _sinks))
        {
            if (sink is T found)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>
    /// The subscribed channel of type <typeparamref name="T"/>, subscribing the one <paramref name="create"/> makes when
    /// there is none. <paramref name="first"/> puts it before the others, so that it hears of events and of the close
    /// first (the speaker: the avatar's last events still reach the chat sockets before they close). <paramref name="create"/>
    /// runs under the lock that moves the phase, so a channel that reads <see cref="Phase"/> there either sees a start or
    /// close that came before, or hears of it afterwards; never both, never neither.
    /// </summary>
    public T GetOrSubscribe<T>(Func<FakeSession, T> create, bool first = false)
        where T : class, ISessionEventSink
    {
        lock (_gate)
        {
            if (Find<T>() is { } existing)
            {
                return existing;
            }

            var created = create(this);
            Volatile.Write(ref _sinks, first ? [created, .. _sinks] : [.. _sinks, created]);
            return created;
        }
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
                    _ => _openSockets > 0 ? SessionStatus.Connected : SessionStatus.Connecting,
                },
                Settings.AvatarId,
                Settings.KnowledgeBaseId,
                IsListening,
                _openSockets,
                [.. _tasks],
                CloseStatus,
                CloseReason);
        }
    }

    /// <summary>Stops the timers and disposes the subscribed channels that hold resources (the speaker's loop).</summary>
    public async ValueTask DisposeAsync()
    {
        _idleTimer?.Dispose();
        _durationTimer.Dispose();
        foreach (var sink in Volatile.Read(ref _sinks))
        {
            if (sink is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync().ConfigureAwait(false);
            }
        }
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
