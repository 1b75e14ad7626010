using KonPro.Streaming.Rooms;
using KonPro.Streaming.Speaking;
using Microsoft.Extensions.Logging;

namespace KonPro.Streaming.Events;

/// <summary>
/// The one step every event goes through on its way to the subscribers. Both channels hand it parsed events: the chat
/// socket parses its own, and the room's data messages are parsed beside the room subscription
/// (<see cref="Session.RoomEventReader"/>, off the room's thread). Here the other channel's copy of an event is dropped
/// (<see cref="EventDeduplicator"/>), the talking flags, the speak handles and the connection quality follow, and the
/// event is published to the hub. The SDK's own <c>stream_ready</c> and <c>stream_disconnected</c> are built here too.
/// The chat socket's loop and the room reader's loop may call it at once: one gate keeps the derived state and the
/// published order the same, and delivery happens outside it (the hubs serialize it). That gate is the only lock an
/// event takes on its way to the subscribers (the deduplicator has none of its own; the hub's queue is lock-free), save
/// a flag's hub gate for an event that changes the flag and the speak tracker's for a task's start and stop. When no
/// other thread is delivering, neither the event nor a flag it changes goes through a hub's queue: the ingesting thread
/// claims delivery under the gate and delivers after it.
/// </summary>
internal sealed class EventIngest
{
    // A SpinLock rather than a Lock: it is held for a few dozen nanoseconds, by at most the two receive loops, and never
    // around code that is not this class's (subscribers, the flags' deliveries and the speak handles' moves all run after
    // it), so nothing under it can enter it again (a SpinLock without owner tracking is not reentrant). Uncontended it
    // enters and exits in about 8 ns on the benchmark's machine against about 18 ns for Lock, whose owner is a
    // thread-static read (docs/benchmarks.md, issue 22 item 5). A mutable struct: never copied, never readonly.
    private SpinLock _gate = new(enableThreadOwnerTracking: false);
    private readonly EventDeduplicator _dedup;
    private readonly AvatarTalkingTracker _avatarTalkingTracker = new();
    private readonly SpeakTracker _speaks;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action<StreamingEvent> _moveSpeakHandle;
    private ConnectionQuality _connectionQuality = ConnectionQuality.Unknown;

    public EventIngest(TimeProvider time, ILogger logger)
    {
        _time = time;
        _logger = logger;
        _dedup = new EventDeduplicator(time);
        _speaks = new SpeakTracker(time);
        _moveSpeakHandle = MoveSpeakHandle;
        Events = new EventHub<StreamingEvent>(replayLatest: false, (e, evt) => Log.SubscriberThrew(logger, e, evt?.Name ?? "completion"));
        ParticipantData = new EventHub<AvatarRoomDataMessage>(replayLatest: false, (e, message) => Log.SubscriberThrew(logger, e, "participant data"));
        AvatarTalking = new EventHub<bool>(replayLatest: true, OnFlagSubscriberError, hasInitial: true, false);
        UserTalking = new EventHub<bool>(replayLatest: true, OnFlagSubscriberError, hasInitial: true, false);
    }

    /// <summary>Every delivered event, hot.</summary>
    public EventHub<StreamingEvent> Events { get; }

    /// <summary>Room data messages from participants other than the avatar, hot.</summary>
    public EventHub<AvatarRoomDataMessage> ParticipantData { get; }

    /// <summary>Whether the avatar talks (see <see cref="AvatarTalkingTracker"/>), replaying.</summary>
    public EventHub<bool> AvatarTalking { get; }

    /// <summary>Whether the user talks (see <see cref="UserTalkingRule"/>), replaying.</summary>
    public EventHub<bool> UserTalking { get; }

    /// <summary>The progress of the session's tasks, for speak handles.</summary>
    public SpeakTracker Speaks => _speaks;

    /// <summary>The latest connection quality.</summary>
    public ConnectionQuality ConnectionQuality
    {
        get
        {
            using (new SpinLockHeld(ref _gate))
            {
                return _connectionQuality;
            }
        }
    }

    /// <summary>Takes in one event from a channel (see the class summary).</summary>
    public void Ingest(StreamingEvent evt, EventChannel channel)
    {
        // Unchanged: no flag published, and DeliverClaimed does nothing for it.
        var avatarPublished = PublishResult.Unchanged;
        var userPublished = PublishResult.Unchanged;
        var avatarTalking = false;
        var userTalking = false;
        Action<StreamingEvent>? afterDelivery = null;
        PublishResult published;

        // The one lock of an event's way to its subscribers: the deduplicator, the talking flags and the order in
        // which events enter the hub's queue are kept under it; the hub's queue itself takes no lock.
        using (new SpinLockHeld(ref _gate))
        {
            if (!_dedup.ShouldDeliver(evt, channel))
            {
                return;
            }

            // A speak handle moves only once every subscriber has seen the event that moves it: whoever awaits
            // Started or Completed then finds the event in what it recorded (a drain on another thread may still be
            // delivering it when this one returns). The tracker keeps no object for a task nobody awaits.
            switch (evt)
            {
                case AvatarStartTalking { TaskId: not null }:
                case AvatarStopTalking { TaskId: not null }:
                    afterDelivery = _moveSpeakHandle;
                    break;
                case ConnectionQualityChanged quality:
                    _connectionQuality = quality.Quality;
                    break;
            }

            // A flag that changes is published as the event is: under this gate, so in this gate's order, and delivered
            // by this thread after it when no other thread is delivering that flag (PublishIfChanged).
            if (UserTalkingRule.After(evt) is { } userAfter)
            {
                userTalking = userAfter;
                userPublished = UserTalking.PublishIfChanged(userAfter);
            }

            // Only these events can change whether the avatar talks (AvatarTalkingTracker): the others skip the flag's hub.
            if (evt is AvatarStartTalking or AvatarStopTalking or StreamDisconnected)
            {
                avatarTalking = _avatarTalkingTracker.Apply(evt);
                avatarPublished = AvatarTalking.PublishIfChanged(avatarTalking);
            }

            // Without the hub's queue when no other thread delivers (Publish): the order is still this gate's.
            published = Events.Publish(evt, afterDelivery);
        }

        if (published == PublishResult.Completed)
        {
            // The stream has completed (the session closed): no delivery to wait for; the handle moves now, out of the
            // gate as every other move.
            afterDelivery?.Invoke(evt);
        }

        // Flags first (a subscriber of an event sees the flags it implies), then the event.
        AvatarTalking.DeliverClaimed(avatarPublished, avatarTalking, afterDelivery: null);
        UserTalking.DeliverClaimed(userPublished, userTalking, afterDelivery: null);
        Events.DeliverClaimed(published, evt, afterDelivery);
    }

    // Runs on the delivering thread once every subscriber has the start or stop (see Ingest).
    private void MoveSpeakHandle(StreamingEvent evt)
    {
        switch (evt)
        {
            case AvatarStartTalking start:
                _speaks.MarkStarted(start);
                break;
            case AvatarStopTalking stop:
                _speaks.MarkCompleted(stop);
                break;
        }
    }

    /// <summary>The SDK's <c>stream_ready</c>: the chat socket (and the room's media) are ready.</summary>
    public void StreamReady(string sessionId) =>
        Ingest(new StreamReady { SessionId = sessionId, ReceivedAt = _time.GetUtcNow() }, EventChannel.Client);

    /// <summary>
    /// The session ended on this side: pending speak handles end as closed, a session that existed gets its
    /// <c>stream_disconnected</c> with the reason, the flags go false and every stream completes. Once only.
    /// </summary>
    public void Complete(string? sessionId, bool hadSession, DisconnectReason reason, int? closeStatus, string? description)
    {
        if (Events.IsCompleted)
        {
            return;
        }

        _speaks.EndAll(SpeakOutcome.SessionClosed);
        if (hadSession)
        {
            Ingest(
                new StreamDisconnected
                {
                    SessionId = sessionId,
                    ReceivedAt = _time.GetUtcNow(),
                    Reason = reason,
                    CloseStatus = closeStatus,
                    CloseDescription = description,
                },
                EventChannel.Client);
        }

        AvatarTalking.OnNextIfChanged(false);
        UserTalking.OnNextIfChanged(false);
        Events.OnCompleted();
        ParticipantData.OnCompleted();
        AvatarTalking.OnCompleted();
        UserTalking.OnCompleted();
    }

    private void OnFlagSubscriberError(Exception exception, bool value) =>
        Log.SubscriberThrew(_logger, exception, "talking flag " + value);
}
