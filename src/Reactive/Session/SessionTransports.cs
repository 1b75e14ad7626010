using System.Reactive.Concurrency;
using KonPro.Streaming.Events;
using KonPro.Streaming.Realtime;
using KonPro.Streaming.Rooms;
using KonPro.Streaming.Voice;
using Microsoft.Extensions.Logging;

namespace KonPro.Streaming.Session;

/// <summary>
/// The session's transports: opens, reopens and closes the chat socket and the LiveKit room, and wires both into the
/// one ingest step (the events the chat socket parsed, and the room's, parsed by <see cref="RoomEventReader"/> off the
/// room's thread) and the engine (the current socket's status, the room's end).
/// </summary>
internal sealed class SessionTransports
{
    /// <summary>How long the room may take to end after the server accepted <c>stop</c> before the client leaves it itself.</summary>
    internal static readonly TimeSpan ServerRoomCloseWait = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly Uri _baseUri;
    private readonly string _secret;
    private readonly StreamingAvatarOptions _options;
    private readonly IWebSocketConnector _connector;
    private readonly EventIngest _ingest;
    private readonly IScheduler _scheduler;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action<ChatSocketStatus> _onChatStatus;
    private readonly Action<Exception?> _onRoomClosed;
    private ChatSocket? _chat;
    private IDisposable? _chatSubscriptions;
    private IAvatarRoom? _room;
    private bool _roomOpen;
    private Task<IAvatarRoom>? _joining;
    private CancellationTokenSource? _joinCancel;
    private bool _closed;
    private TaskCompletionSource? _roomEnded;
    private TaskCompletionSource? _avatarGone;
    private RoomEventReader? _roomSubscription;
    private PushAudioSource? _roomMicrophoneFeed;
    private IAsyncDisposable? _roomMicrophone;
    private bool _silencePrompt;

    public SessionTransports(
        Uri baseUri,
        string secret,
        StreamingAvatarOptions options,
        IWebSocketConnector connector,
        EventIngest ingest,
        IScheduler scheduler,
        TimeProvider time,
        ILogger logger,
        Action<ChatSocketStatus> onChatStatus,
        Action<Exception?> onRoomClosed)
    {
        _baseUri = baseUri;
        _secret = secret;
        _options = options;
        _connector = connector;
        _ingest = ingest;
        _scheduler = scheduler;
        _time = time;
        _logger = logger;
        _onChatStatus = onChatStatus;
        _onRoomClosed = onRoomClosed;
    }

    /// <summary>Where the chat sockets' connect and reconnect spans and their dropped-audio count go.</summary>
    public KonProTelemetry? Telemetry { get; init; }

    /// <summary>Whether the current chat socket was opened with <c>silence_response=true</c>.</summary>
    public bool SilencePrompt
    {
        get
        {
            lock (_gate)
            {
                return _silencePrompt;
            }
        }
    }

    /// <summary>The joined room, once the session is connecting with it (null while it is still being joined).</summary>
    public IAvatarRoom? Room
    {
        get
        {
            lock (_gate)
            {
                return _roomOpen ? _room : null;
            }
        }
    }

    /// <summary>Why the joined room closed, once it has (also for a room joined before the start finished).</summary>
    public AvatarRoomDisconnect? RoomDisconnection
    {
        get
        {
            lock (_gate)
            {
                return _room?.Disconnection;
            }
        }
    }

    /// <summary>Whether a chat socket is open or opening.</summary>
    public bool HasChat
    {
        get
        {
            lock (_gate)
            {
                return _chat is not null;
            }
        }
    }

    /// <summary>
    /// Gets the room connector ready while <c>new</c> is in flight (<see cref="IAvatarRoomConnector.PrepareAsync"/>, off
    /// the caller's thread), so that the join after it starts warm. A failure is logged: the join reports its own.
    /// </summary>
    public void PrepareRoom()
    {
        if (_options.RoomConnector is { } connector)
        {
            _ = PrepareRoomAsync(connector);
        }
    }

    /// <summary>
    /// Begins joining the room as soon as <c>new</c> has answered, so that the join overlaps the server's <c>start</c>
    /// (the room exists from <c>new</c>; the avatar joins it on <c>start</c>). <see cref="OpenAsync"/> waits for it; a
    /// close before that leaves the room (or cancels the join). Does nothing without a connector or once closed.
    /// </summary>
    public void BeginRoomJoin(StartAvatarResponse session)
    {
        if (_options.RoomConnector is not { } connector)
        {
            return;
        }

        var cancel = new CancellationTokenSource();
        lock (_gate)
        {
            if (_closed || _joining is not null)
            {
                cancel.Dispose();
                return;
            }

            _joinCancel = cancel;
            _joining = JoinRoomAsync(connector, session, cancel.Token);
        }
    }

    /// <summary>
    /// Opens the chat socket and, when a connector is configured, joins the room at the same time (or waits for the join
    /// <see cref="BeginRoomJoin"/> began), without waiting for the room's media.
    /// </summary>
    public async Task OpenAsync(StartAvatarResponse session, StartAvatarRequest request, CancellationToken cancellationToken)
    {
        var silencePrompt = request.UseSilencePrompt ?? false;
        var (chat, subscriptions) = CreateChat(session.SessionId, request, silencePrompt);
        lock (_gate)
        {
            _chat = chat;
            _chatSubscriptions = subscriptions;
            _silencePrompt = silencePrompt;
        }

        BeginRoomJoin(session);
        Task<IAvatarRoom>? joining;
        lock (_gate)
        {
            joining = _joining;
        }

        var connecting = ConnectChatAsync(chat, cancellationToken);
        if (joining is null)
        {
            await connecting.ConfigureAwait(false);
            return;
        }

        // Both at once; the chat socket's failure is the one reported when both fail (it says more about the session).
        var joined = joining.WaitAsync(cancellationToken);
        try
        {
            await connecting.ConfigureAwait(false);
        }
        catch
        {
            // The start fails with the chat socket's error; the close that follows leaves the room or cancels the join.
            _ = joined.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }

        var room = await joined.ConfigureAwait(false);
        lock (_gate)
        {
            if (ReferenceEquals(_room, room))
            {
                _roomOpen = true;
            }
        }
    }

    // A refused upgrade is the API's answer about this session (401: the token, 404: no such session, 5xx: the server),
    // so the caller gets the same typed KonProApiException as from a REST call, with the socket's error inside.
    private static async Task ConnectChatAsync(ChatSocket chat, CancellationToken cancellationToken)
    {
        try
        {
            await chat.ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChatSocketHandshakeException refused)
        {
            throw ChatSocketRefused(refused);
        }
    }

    /// <summary>The server refused the chat socket's upgrade: the API error its HTTP status calls for, the refusal inside.</summary>
    internal static KonProApiException ChatSocketRefused(ChatSocketHandshakeException refused) =>
        KonProErrorMapper.Create(
            new KonProErrorDetails(refused.HttpStatus, ErrorCode: null, "the chat socket's upgrade was refused", Field: null, RequestId: null, "ConnectChatSocket", RetryAfter: null),
            refused);

    private async Task PrepareRoomAsync(IAvatarRoomConnector connector)
    {
        try
        {
            await Task.Run(() => connector.PrepareAsync(CancellationToken.None)).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // getting ready is an optimization: the join that follows reports any failure
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.RoomPrepareFailed(_logger, exception.GetType().Name);
        }
    }

    // Joins and wires the room into the ingest step at once (the avatar's first messages may follow the join closely); a
    // close that came first makes the join leave the room it got and end cancelled.
    private async Task<IAvatarRoom> JoinRoomAsync(IAvatarRoomConnector connector, StartAvatarResponse session, CancellationToken cancellationToken)
    {
        await Task.Yield(); // off the caller's thread and lock
        var room = await connector.ConnectAsync(RoomRequest(session), cancellationToken).ConfigureAwait(false);
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool closed;
        lock (_gate)
        {
            closed = _closed;
            if (!closed)
            {
                _room = room;
                _roomEnded = ended;
                _avatarGone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        if (closed)
        {
            await room.DisposeAsync().ConfigureAwait(false);
            throw new OperationCanceledException("The session closed while its room was being joined; the room was left.");
        }

        // Parsed beside the subscription, on the reader's own loop: the room's thread only queues (RoomEventReader).
        var subscription = RoomEventReader.Start(
            room,
            session.SessionId,
            _ingest,
            _time,
            _logger,
            Telemetry?.RefusedMessages,
            error =>
            {
                ended.TrySetResult();
                _onRoomClosed(error);
            },
            OnAvatarMedia);
        bool keep;
        lock (_gate)
        {
            keep = ReferenceEquals(_room, room);
            if (keep)
            {
                _roomSubscription = subscription;
            }
        }

        if (!keep)
        {
            // Closed while the subscriptions were made: the close took the room and leaves it; these go too.
            subscription.Dispose();
        }

        return room;
    }

    // On the room reader's loop, after the data messages the room delivered before the change (RoomEventReader).
    private void OnAvatarMedia(bool present)
    {
        lock (_gate)
        {
            if (!present)
            {
                _avatarGone?.TrySetResult();
            }
            else if (_avatarGone is { Task.IsCompleted: true })
            {
                _avatarGone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>Replaces the chat socket with one opened with another silence-prompt setting.</summary>
    public async Task ReopenChatAsync(StartAvatarResponse session, StartAvatarRequest request, bool silencePrompt, CancellationToken cancellationToken)
    {
        var (chat, subscriptions) = CreateChat(session.SessionId, request, silencePrompt);
        try
        {
            await ConnectChatAsync(chat, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            subscriptions.Dispose();
            await chat.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        ChatSocket? old;
        IDisposable? oldSubscriptions;
        lock (_gate)
        {
            old = _chat;
            oldSubscriptions = _chatSubscriptions;
            _chat = chat;
            _chatSubscriptions = subscriptions;
            _silencePrompt = silencePrompt;
        }

        oldSubscriptions?.Dispose();
        if (old is not null)
        {
            await old.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The session is ending: a drop no longer reconnects.</summary>
    public void StopReconnecting()
    {
        lock (_gate)
        {
            _chat?.StopReconnecting();
        }
    }

    /// <summary>Sends a typed user message over the chat socket.</summary>
    public Task SendTextAsync(string text, CancellationToken cancellationToken)
    {
        var chat = CurrentChat() ?? throw new InvalidOperationException("The chat socket is not open.");
        return chat.SendTextAsync(text, cancellationToken).AsTask();
    }

    /// <summary>Sends a chunk of audio over the chat socket (dropped while there is none).</summary>
    public ValueTask SendAudioAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken) =>
        CurrentChat() is { } chat ? chat.SendAudioAsync(chunk, cancellationToken) : ValueTask.CompletedTask;

    /// <summary>
    /// Publishes the user's microphone track in the joined room and returns what the voice-chat pump sends each chunk
    /// through; null without a room (the pump then sends to the chat socket).
    /// </summary>
    public async Task<Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask>?> StartRoomMicrophoneAsync(CancellationToken cancellationToken)
    {
        var room = Room;
        if (room is null)
        {
            return null;
        }

        var feed = new PushAudioSource();
        var track = await room.PublishMicrophoneAsync(feed, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _roomMicrophoneFeed = feed;
            _roomMicrophone = track;
        }

        return (chunk, _) =>
        {
            feed.Push(chunk.Span);
            return ValueTask.CompletedTask;
        };
    }

    /// <summary>Unpublishes the microphone track, if one was published.</summary>
    public async Task StopRoomMicrophoneAsync()
    {
        PushAudioSource? feed;
        IAsyncDisposable? track;
        lock (_gate)
        {
            (feed, _roomMicrophoneFeed) = (_roomMicrophoneFeed, null);
            (track, _roomMicrophone) = (_roomMicrophone, null);
        }

        feed?.Complete();
        if (track is not null)
        {
            await track.DisposeAsync().ConfigureAwait(false);
        }

        if (feed is not null)
        {
            await feed.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Closes the chat socket (a normal close, bounded by its close timeout) and the room, at the same time: neither
    /// waits for the other, and a failure of one is logged and does not keep the other from finishing.
    /// </summary>
    /// <param name="serverStop">
    /// The server's <c>stop</c>, running meanwhile: true once the server accepted it, false when it failed or was not
    /// called. A stop the server accepts closes the room for everyone (LiveKit's <c>ROOM_DELETED</c>), which ends it
    /// sooner than a leave of the client's own that races it; so the room is left once it has ended, or at once when
    /// the stop fails, or <see cref="ServerRoomCloseWait"/> after an accepted stop if the room has not ended by then.
    /// </param>
    /// <returns>
    /// <see cref="TransportsClosing.Delivered"/> once neither transport delivers anything more to the session (the chat
    /// socket closed; the room ended or left, or, after an accepted stop, the avatar's tracks all gone: the stream is
    /// over); <see cref="TransportsClosing.Closed"/> once both are closed and released.
    /// </returns>
    public TransportsClosing Close(Task<bool> serverStop)
    {
        ChatSocket? chat;
        IAvatarRoom? room;
        Task roomEnded;
        Task avatarGone;
        IDisposable? subscriptions;
        RoomEventReader? roomSubscription;
        Task<IAvatarRoom>? joining;
        CancellationTokenSource? joinCancel;
        lock (_gate)
        {
            _closed = true;
            joining = _joining;
            joinCancel = _joinCancel;
            _joining = null;
            _joinCancel = null;
            _roomOpen = false;
            chat = _chat;
            room = _room;
            roomEnded = _roomEnded?.Task ?? Task.CompletedTask;
            // Set with the room (read below only when there is one) and kept after this: the room reader still reports the
            // avatar's departure through it while the close waits.
            avatarGone = _avatarGone?.Task ?? Task.CompletedTask;
            subscriptions = _chatSubscriptions;
            roomSubscription = _roomSubscription;
            _chat = null;
            _room = null;
            _roomEnded = null;
            _chatSubscriptions = null;
            _roomSubscription = null;
        }

        var roomDelivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var chatClosed = CloseChatAsync(chat, subscriptions);
        var roomClosed = CloseRoomAsync(room, roomSubscription, roomEnded, avatarGone, serverStop, roomDelivered);
        var joinEnded = EndJoinAsync(joining, joinCancel, stillJoining: room is null);
        return new TransportsClosing(
            Task.WhenAll(chatClosed, roomDelivered.Task, joinEnded),
            Task.WhenAll(chatClosed, roomClosed, joinEnded));
    }

    // A join still under way is cancelled (a room it gets from here on is left by the join itself) and waited for; its
    // outcome was the start's to report, so here it only has to be over before the close is.
    private static async Task EndJoinAsync(Task<IAvatarRoom>? joining, CancellationTokenSource? joinCancel, bool stillJoining)
    {
        if (joining is null || joinCancel is null)
        {
            return;
        }

        if (stillJoining)
        {
            await joinCancel.CancelAsync().ConfigureAwait(false);
        }

        await ((Task)joining).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _ = joining.Exception;
        joinCancel.Dispose();
    }

    private async Task CloseChatAsync(ChatSocket? chat, IDisposable? subscriptions)
    {
        try
        {
            if (chat is not null)
            {
                await chat.DisposeAsync().ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // a chat socket that fails to close is not the caller's problem; the session closes anyway
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.ChatCloseFailed(_logger, exception.GetType().Name);
        }
        finally
        {
            subscriptions?.Dispose();
        }
    }

    private async Task CloseRoomAsync(IAvatarRoom? room, RoomEventReader? roomSubscription, Task roomEnded, Task avatarGone, Task<bool> serverStop, TaskCompletionSource delivered)
    {
        try
        {
            if (room is null)
            {
                roomSubscription?.Dispose();
                return;
            }

            if (await Task.WhenAny(roomEnded, serverStop).ConfigureAwait(false) == serverStop && await serverStop.ConfigureAwait(false))
            {
                using var wait = new CancellationTokenSource(ServerRoomCloseWait, _time);
                await ((Task)Task.WhenAny(roomEnded, avatarGone)).WaitAsync(wait.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (!roomEnded.IsCompleted && avatarGone.IsCompleted && roomSubscription is not null)
                {
                    // The avatar has left: its media is gone and every message the room delivered before was read, so the
                    // session's stream is over. LiveKit's core reports the room's own end only once it has closed its peer
                    // connections (5-14 ms later on the fake, docs/benchmarks.md); the room is left after that, as before.
                    // Nothing the room delivers from here on reaches the session, which now ends: no event after its
                    // stream_disconnected.
                    await roomSubscription.StopIngestingAsync().ConfigureAwait(false);
                    delivered.TrySetResult();
                    await roomEnded.WaitAsync(wait.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
            }

            roomSubscription?.Dispose();

            try
            {
                await room.DisposeAsync().ConfigureAwait(false);
            }
#pragma warning disable CA1031 // a room that fails to leave is not the caller's problem
            catch (Exception exception)
#pragma warning restore CA1031
            {
                Log.RoomFailed(_logger, exception.GetType().Name);
            }
        }
        finally
        {
            delivered.TrySetResult();
        }
    }

    /// <summary>Where and as whom to join: the user's token, or the agent's when <see cref="StreamingAvatarOptions.RoomRole"/> says so.</summary>
    private AvatarRoomConnectRequest RoomRequest(StartAvatarResponse session)
    {
        if (_options.RoomRole != RoomParticipantRole.Agent)
        {
            return new AvatarRoomConnectRequest(session.SessionId, session.Url, session.AccessToken);
        }

        var agent = session.AgentRoomCredentials
            ?? throw new InvalidOperationException("StreamingAvatarOptions.RoomRole is Agent, but the answer to new carries no livekit_agent_token: the room cannot be joined as the agent participant.");
        return new AvatarRoomConnectRequest(session.SessionId, agent.Url, agent.Token) { Role = RoomParticipantRole.Agent };
    }

    private ChatSocket? CurrentChat()
    {
        lock (_gate)
        {
            return _chat;
        }
    }

    private (ChatSocket Chat, IDisposable Subscriptions) CreateChat(string sessionId, StartAvatarRequest request, bool silencePrompt)
    {
        var chat = new ChatSocket(
            new ChatSocketOptions
            {
                BaseUri = _baseUri,
                SessionId = sessionId,
                // The chat socket takes the session token, or the API key when the client runs on one; the socket
                // logs its URL with the token masked.
                SessionToken = _secret,
                SilenceResponse = silencePrompt,
                PushToTalk = request.EnablePushToTalk ?? false,
                LiveKitTransport = request.VoiceChatTransport == VoiceChatTransport.LiveKit,
                ReconnectPolicy = _options.ReconnectPolicy,
                TimeProvider = _time,
                Scheduler = _scheduler,
                Logger = _logger,
                ActivitySource = Telemetry?.ActivitySource,
                DroppedAudioFrames = Telemetry?.DroppedAudioFrames,
                RefusedMessages = Telemetry?.RefusedMessages,

                // The room's reader shares them (RoomEventReader): a task's events reuse its id on either channel.
                SpokenTaskIds = _ingest.Speaks.Spoken,
            },
            _connector);
        var events = chat.Events.Subscribe(evt => _ingest.Ingest(evt, EventChannel.ChatSocket));
        var status = chat.Status.Subscribe(s =>
        {
            // Only the current socket speaks for the session (a replaced one closes quietly).
            if (ReferenceEquals(CurrentChat(), chat))
            {
                _onChatStatus(s);
            }
        });
        return (chat, new System.Reactive.Disposables.CompositeDisposable(events, status));
    }
}

/// <summary>The transports' close under way (<see cref="SessionTransports.Close"/>).</summary>
/// <param name="Delivered">Completes once neither transport delivers anything more to the session.</param>
/// <param name="Closed">Completes once both transports are closed and released.</param>
internal readonly record struct TransportsClosing(Task Delivered, Task Closed);
