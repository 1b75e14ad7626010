using System.Reactive.Linq;
using KonPro.StreamingAvatar.Events;
using KonPro.StreamingAvatar.Speaking;
using Microsoft.Extensions.Logging;

namespace KonPro.StreamingAvatar;

/// <remarks>
/// <para><b>The observable contract.</b> <see cref="Events"/> is hot and multicast: a subscriber sees the events
/// that arrive after it subscribed, in arrival order, with no replay. <see cref="State"/>,
/// <see cref="IsAvatarTalking"/> and <see cref="IsUserTalking"/> replay their current value to each new subscriber,
/// then push changes. Values are delivered one at a time, never concurrently, on the thread that received them
/// (the chat socket's receive loop, the room's thread, the thread of the call that changed the state, or a
/// thread-pool thread for a stop or a drop); never while the client holds a lock of its own. Do not block in a handler. A subscriber (or an <see cref="On"/> handler) that throws is logged and skipped: it keeps
/// its subscription and the others still get the value. A malformed message is logged and dropped; an event that
/// arrives on both the chat socket and the room's data channel is delivered once. Every stream completes (never
/// faults) when the session closes or the avatar is disposed; <see cref="Events"/> ends with a
/// <see cref="StreamDisconnected"/> event that carries the reason.</para>
/// </remarks>
public partial class StreamingAvatar
{
    private readonly EventHub<StreamingEvent> _events;
    private readonly EventHub<SessionState> _stateHub;
    private readonly EventHub<bool> _avatarTalking;
    private readonly EventHub<bool> _userTalking;
    private readonly Lock _ingestGate = new();
    private readonly EventDeduplicator _dedup;
    private readonly AvatarTalkingTracker _avatarTalkingTracker = new();
    private readonly SpeakTracker _speaks;
    private readonly Dictionary<(string Name, Action<StreamingEvent> Handler), Stack<IDisposable>> _handlers = [];
    private ConnectionQuality _connectionQuality = ConnectionQuality.Unknown;

    /// <summary>
    /// Every event of the session, typed (see <see cref="StreamingEvent"/>): hot, multicast, in arrival order,
    /// duplicates dropped; completes when the session closes or the avatar is disposed. See the class remarks for the full contract.
    /// </summary>
    public virtual IObservable<StreamingEvent> Events => _events.AsObservable();

    /// <summary>The session's state: replays the current value, then each change; completes after <see cref="SessionState.Closed"/>.</summary>
    public virtual IObservable<SessionState> State => _stateHub.AsObservable();

    /// <summary>
    /// Whether the avatar is speaking: true from a task's <see cref="AvatarStartTalking"/> until every started task had its
    /// <see cref="AvatarStopTalking"/> (the same definition as the
    /// <see cref="StreamingEventObservableExtensions.IsAvatarTalking"/> operator over <see cref="Events"/>); replays the current value.
    /// </summary>
    public virtual IObservable<bool> IsAvatarTalking => _avatarTalking.AsObservable();

    /// <summary>Whether the user is speaking (between <see cref="UserStart"/> and <see cref="UserStop"/>); replays the current value.</summary>
    public virtual IObservable<bool> IsUserTalking => _userTalking.AsObservable();

    /// <summary>The latest connection quality (from <see cref="ConnectionQualityChanged"/>; <see cref="ConnectionQuality.Unknown"/> until one arrives).</summary>
    public virtual ConnectionQuality ConnectionQuality
    {
        get
        {
            lock (_gate)
            {
                return _connectionQuality;
            }
        }
    }

    /// <summary>The avatar began speaking a task. Hot; completes with <see cref="Events"/>.</summary>
    public IObservable<AvatarStartTalking> AvatarStartTalking => Events.OfType<AvatarStartTalking>();

    /// <summary>The avatar stopped speaking a task. Hot; completes with <see cref="Events"/>.</summary>
    public IObservable<AvatarStopTalking> AvatarStopTalking => Events.OfType<AvatarStopTalking>();

    /// <summary>Chunks of the words the avatar speaks. Hot; completes with <see cref="Events"/>.</summary>
    public IObservable<AvatarTalkingMessage> AvatarTalkingMessage => Events.OfType<AvatarTalkingMessage>();

    /// <summary>The avatar sent a task's last chunk. Hot; completes with <see cref="Events"/>.</summary>
    public IObservable<AvatarEndMessage> AvatarEndMessage => Events.OfType<AvatarEndMessage>();

    /// <summary>User voice activity began. Hot; completes with <see cref="Events"/>.</summary>
    public IObservable<UserStart> UserStart => Events.OfType<UserStart>();

    /// <summary>User voice activity ended. Hot; completes with <see cref="Events"/>.</summary>
    public IObservable<UserStop> UserStop => Events.OfType<UserStop>();

    /// <summary>Transcribed user speech or typed user messages. Hot; completes with <see cref="Events"/>.</summary>
    public IObservable<UserTalkingMessage> UserTalkingMessage => Events.OfType<UserTalkingMessage>();

    /// <summary>The user's message is complete. Hot; completes with <see cref="Events"/>.</summary>
    public IObservable<UserEndMessage> UserEndMessage => Events.OfType<UserEndMessage>();

    /// <summary>The user has been silent for a while. Hot; completes with <see cref="Events"/>.</summary>
    public IObservable<UserSilence> UserSilence => Events.OfType<UserSilence>();

    /// <summary>The stream is ready. Hot (a late subscriber misses it; check <see cref="CurrentState"/>); completes with <see cref="Events"/>.</summary>
    public IObservable<StreamReady> StreamReady => Events.OfType<StreamReady>();

    /// <summary>The stream closed, with the reason. Hot; the last event of <see cref="Events"/>.</summary>
    public IObservable<StreamDisconnected> StreamDisconnected => Events.OfType<StreamDisconnected>();

    /// <summary>The connection quality changed. Hot; completes with <see cref="Events"/>.</summary>
    public IObservable<ConnectionQualityChanged> ConnectionQualityChanged => Events.OfType<ConnectionQualityChanged>();

    /// <summary>
    /// Registers a handler for the events named <paramref name="eventName"/> (one of <see cref="StreamingEvents"/>, or
    /// any wire name). A handler that throws is logged and keeps receiving later events. Registering the same handler
    /// twice calls it twice.
    /// </summary>
    /// <param name="eventName">The event's wire name, e.g. <see cref="StreamingEvents.AvatarStartTalking"/>.</param>
    /// <param name="handler">Called with each such event, on the thread that received it.</param>
    /// <returns>This instance, for chaining.</returns>
    public virtual StreamingAvatar On(string eventName, Action<StreamingEvent> handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        ArgumentNullException.ThrowIfNull(handler);
        // Subscribed straight to the hub (no Rx operator in between), so a handler that throws stays subscribed.
        var subscription = _events.AsObservable().Subscribe(new NamedEventObserver(eventName, handler));
        lock (_handlers)
        {
            if (!_handlers.TryGetValue((eventName, handler), out var stack))
            {
                stack = new Stack<IDisposable>();
                _handlers[(eventName, handler)] = stack;
            }

            stack.Push(subscription);
        }

        return this;
    }

    /// <summary>Unregisters a handler registered with <see cref="On"/> (one registration per call); unknown handlers are ignored.</summary>
    /// <param name="eventName">The event's wire name.</param>
    /// <param name="handler">The handler given to <see cref="On"/>.</param>
    /// <returns>This instance, for chaining.</returns>
    public virtual StreamingAvatar Off(string eventName, Action<StreamingEvent> handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        ArgumentNullException.ThrowIfNull(handler);
        IDisposable? subscription = null;
        lock (_handlers)
        {
            if (_handlers.TryGetValue((eventName, handler), out var stack) && stack.TryPop(out subscription) && stack.Count == 0)
            {
                _handlers.Remove((eventName, handler));
            }
        }

        subscription?.Dispose();
        return this;
    }

    /// <summary>
    /// Takes in one event from a channel: drops the other channel's copy of an event already delivered (see
    /// <see cref="EventDeduplicator"/>), updates the talking flags, speak handles and connection quality, publishes.
    /// The chat socket's loop and the room's thread may call it at once: one gate keeps the order of the derived
    /// state and the published events the same.
    /// </summary>
    internal void Ingest(StreamingEvent evt, EventChannel channel)
    {
        lock (_ingestGate)
        {
            if (!_dedup.ShouldDeliver(evt, channel))
            {
                return;
            }

            switch (evt)
            {
                case global::KonPro.StreamingAvatar.AvatarStartTalking start when start.TaskId is { } startedTask:
                    _speaks.Track(startedTask).MarkStarted(start);
                    break;
                case global::KonPro.StreamingAvatar.AvatarStopTalking stop when stop.TaskId is { } stoppedTask:
                    _speaks.Track(stoppedTask).MarkEnded(SpeakOutcome.Completed, stop.DurationMs);
                    break;
                case global::KonPro.StreamingAvatar.UserStart:
                    _userTalking.EnqueueIfChanged(true);
                    break;
                case global::KonPro.StreamingAvatar.UserStop:
                    _userTalking.EnqueueIfChanged(false);
                    break;
                case global::KonPro.StreamingAvatar.ConnectionQualityChanged quality:
                    lock (_gate)
                    {
                        _connectionQuality = quality.Quality;
                    }

                    break;
            }

            _avatarTalking.EnqueueIfChanged(_avatarTalkingTracker.Apply(evt));
            _events.Enqueue(evt);
        }

        _avatarTalking.Drain();
        _userTalking.Drain();
        _events.Drain();
    }

    private void OnSubscriberError(Exception exception, StreamingEvent? evt) =>
        Log.SubscriberThrew(_logger, exception, evt?.Name ?? "completion");

    private void OnStateSubscriberError<T>(Exception exception, T value) =>
        Log.SubscriberThrew(_logger, exception, typeof(T).Name + " " + value);
}

/// <summary>Calls a handler for the events of one name; ignores completion.</summary>
internal sealed class NamedEventObserver(string eventName, Action<StreamingEvent> handler) : IObserver<StreamingEvent>
{
    public void OnNext(StreamingEvent value)
    {
        if (string.Equals(value.Name, eventName, StringComparison.Ordinal))
        {
            handler(value);
        }
    }

    public void OnError(Exception error)
    {
    }

    public void OnCompleted()
    {
    }
}
