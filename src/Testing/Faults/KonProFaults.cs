using System.Text.Json.Nodes;
using KonPro.Streaming.Api;

namespace KonPro.Streaming.Testing;

/// <summary>
/// Faults a test switches on for the whole server (no session id) or for one session: REST latency and
/// canned errors, chat socket trouble (abrupt or chosen closes, malformed, unknown, duplicated, oversized
/// or split events, refused sockets) and the connection quality the LiveKit rooms report. Thread-safe.
/// </summary>
/// <remarks>
/// The switches are data that the REST pipeline and the chat socket read (<see cref="LatencyFor"/>,
/// <see cref="TakeFailure"/>, <see cref="ChatFor"/>); the one-off socket actions (close, abort, send) go to the sockets
/// the server hands in at construction (as <see cref="IChatFaultTarget"/>), not through a reference back to its
/// session store or its chat socket.
/// </remarks>
public sealed class KonProFaults
{
    private readonly Lock _gate = new();
    private readonly List<FailRule> _failRules = [];
    private readonly Dictionary<string, TimeSpan> _sessionLatency = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ChatFaultSettings> _sessionChat = new(StringComparer.Ordinal);
    private TimeSpan _latency;
    private ChatFaultSettings _chat = new(false, 0, false);
    private bool _stringSuccessCodes;

    private readonly Func<string?, IEnumerable<IChatFaultTarget>> _sockets;
    private IRoomFaultTarget? _rooms;

    /// <param name="sockets">The open chat sockets of one session (or of every session, for null).</param>
    internal KonProFaults(Func<string?, IEnumerable<IChatFaultTarget>> sockets)
    {
        _sockets = sockets;
    }

    /// <summary>Delays every REST answer (or only the answers about one session) by this much model time.</summary>
    /// <param name="latency">The added latency; <see cref="TimeSpan.Zero"/> removes it.</param>
    /// <param name="sessionId">Only calls about this session, or null for every call.</param>
    public void AddLatency(TimeSpan latency, string? sessionId = null)
    {
        lock (_gate)
        {
            if (sessionId is null)
            {
                _latency = latency;
            }
            else
            {
                _sessionLatency[sessionId] = latency;
            }
        }
    }

    /// <summary>Answers the next <paramref name="count"/> calls of an operation with <paramref name="answer"/> instead of the real answer.</summary>
    /// <param name="operationId">The operation (see <see cref="KonProOperationIds"/>).</param>
    /// <param name="count">How many calls fail.</param>
    /// <param name="answer">The answer they get.</param>
    /// <param name="sessionId">Only calls about this session, or null for every call.</param>
    public void FailNext(string operationId, int count, FaultAnswer answer, string? sessionId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(operationId);
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        lock (_gate)
        {
            _failRules.Add(new FailRule(operationId, sessionId, answer) { Remaining = count });
        }
    }

    /// <summary>
    /// Writes the success code of every session-call envelope as the string <c>"SUCCESS"</c> instead of the number 100,
    /// as some older deployments do.
    /// </summary>
    /// <param name="enabled">Whether success codes are strings.</param>
    public void StringSuccessCodes(bool enabled)
    {
        lock (_gate)
        {
            _stringSuccessCodes = enabled;
        }
    }

    /// <summary>Sends every chat event twice (on every socket, or on one session's sockets).</summary>
    /// <param name="enabled">Whether events are duplicated.</param>
    /// <param name="sessionId">One session, or null for every socket.</param>
    public void DuplicateEvents(bool enabled, string? sessionId = null) =>
        UpdateChat(sessionId, s => s with { Duplicate = enabled });

    /// <summary>Splits every chat event into this many WebSocket frames (0 or 1 sends each event in one frame).</summary>
    /// <param name="frames">How many frames each event spans.</param>
    /// <param name="sessionId">One session, or null for every socket.</param>
    public void SplitEvents(int frames, string? sessionId = null) =>
        UpdateChat(sessionId, s => s with { SplitFrames = Math.Max(0, frames) });

    /// <summary>Refuses new chat sockets with HTTP 503 (for every session, or for one).</summary>
    /// <param name="enabled">Whether new sockets are refused.</param>
    /// <param name="sessionId">One session, or null for every socket.</param>
    public void RefuseChatSockets(bool enabled, string? sessionId = null) =>
        UpdateChat(sessionId, s => s with { Refuse = enabled });

    /// <summary>Closes a session's chat sockets with the given status and reason (e.g. 1011, 1012, 1001); the session lives on.</summary>
    /// <param name="sessionId">The session, or null for every session's sockets.</param>
    /// <param name="closeStatus">The WebSocket close status.</param>
    /// <param name="reason">The close reason text.</param>
    /// <returns>How many sockets were closed.</returns>
    public int CloseChat(string? sessionId, int closeStatus, string reason) =>
        ForEachSocket(sessionId, c => c.Close(closeStatus, reason));

    /// <summary>Drops a session's chat sockets abruptly, without a close handshake (a network loss).</summary>
    /// <param name="sessionId">The session, or null for every session's sockets.</param>
    /// <returns>How many sockets were dropped.</returns>
    public int AbortChat(string? sessionId) => ForEachSocket(sessionId, c => c.Abort());

    /// <summary>Sends a text message as given on a session's chat sockets (for malformed or hand-made events).</summary>
    /// <param name="sessionId">The session, or null for every session's sockets.</param>
    /// <param name="text">The message.</param>
    /// <returns>How many sockets it was sent on.</returns>
    public int SendRawChatMessage(string? sessionId, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return ForEachSocket(sessionId, c => c.SendRaw(text));
    }

    /// <summary>Sends a message that is not valid JSON on a session's chat sockets.</summary>
    /// <param name="sessionId">The session, or null for every session's sockets.</param>
    /// <returns>How many sockets it was sent on.</returns>
    public int SendMalformedEvent(string? sessionId) =>
        SendRawChatMessage(sessionId, "{\"event_type\": \"avatar_talking_message\", \"message\": ");

    /// <summary>Sends an event with an unknown <c>event_type</c> and an unknown field on a session's chat sockets.</summary>
    /// <param name="sessionId">The session, or null for every session's sockets.</param>
    /// <param name="eventType">The unknown event name.</param>
    /// <returns>How many sockets it was sent on.</returns>
    public int SendUnknownEvent(string? sessionId, string eventType = "avatar_mood_changed") =>
        ForEachSocket(sessionId, c => c.SendRaw(UnknownEvent(eventType, c.SessionId ?? string.Empty)));

    /// <summary>Sends an <c>avatar_talking_message</c> whose message is <paramref name="size"/> characters long.</summary>
    /// <param name="sessionId">The session, or null for every session's sockets.</param>
    /// <param name="size">The message's length (default 1 MiB).</param>
    /// <returns>How many sockets it was sent on.</returns>
    public int SendOversizedEvent(string? sessionId, int size = 1 << 20) =>
        ForEachSocket(sessionId, c => c.SendRaw(OversizedEvent(c.SessionId ?? string.Empty, size)));

    /// <summary>
    /// Makes the LiveKit room of a session (or of every session) report this connection quality to the clients joined to
    /// it, as a LiveKit server's <c>connectionQuality</c> signalling update about each client's own connection: at once,
    /// and to a client that joins that room later once it is connected. Until then a room reports
    /// <see cref="RoomConnectionQuality.Excellent"/> to each client once it is connected, as a LiveKit server does for a
    /// fresh connection. The SDK raises <c>ConnectionQualityChanged</c> from it.
    /// </summary>
    /// <param name="quality">The quality the room reports.</param>
    /// <param name="sessionId">The session, or null for every session's room.</param>
    /// <param name="cancellationToken">Cancels the wait for the room program's answer.</param>
    /// <returns>How many connected clients it reached (0 for a session without a room).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="quality"/> is not a defined value.</exception>
    /// <exception cref="InvalidOperationException">The server runs no LiveKit rooms (<see cref="KonProFakeRoomOptions.Enabled"/> is false).</exception>
    public Task<int> SetConnectionQualityAsync(RoomConnectionQuality quality, string? sessionId = null, CancellationToken cancellationToken = default)
    {
        if (!Enum.IsDefined(quality))
        {
            throw new ArgumentOutOfRangeException(nameof(quality), quality, "Not a connection quality.");
        }

        var rooms = Volatile.Read(ref _rooms) ?? throw new InvalidOperationException(
            "The fake server runs no LiveKit rooms: set KonProFakeServerOptions.Room.Enabled to report a connection quality.");
        return rooms.SetConnectionQualityAsync(quality, sessionId, cancellationToken);
    }

    /// <summary>
    /// Turns every fault off: the REST and chat socket switches. The connection quality the rooms report is the rooms'
    /// state, not a switch, and stays as <see cref="SetConnectionQualityAsync"/> last set it (set
    /// <see cref="RoomConnectionQuality.Excellent"/> to report a fresh connection's again).
    /// </summary>
    public void Reset()
    {
        lock (_gate)
        {
            _failRules.Clear();
            _sessionLatency.Clear();
            _sessionChat.Clear();
            _latency = TimeSpan.Zero;
            _stringSuccessCodes = false;
            _chat = new ChatFaultSettings(false, 0, false);
        }
    }

    /// <summary>The server's LiveKit rooms, once they have started (the faults are made before them).</summary>
    internal void AttachRooms(IRoomFaultTarget rooms) => Volatile.Write(ref _rooms, rooms);

    internal TimeSpan LatencyFor(string? sessionId)
    {
        lock (_gate)
        {
            return sessionId is not null && _sessionLatency.TryGetValue(sessionId, out var l) ? l : _latency;
        }
    }

    internal bool UseStringSuccessCodes
    {
        get
        {
            lock (_gate)
            {
                return _stringSuccessCodes;
            }
        }
    }

    internal FaultAnswer? TakeFailure(string operationId, string? sessionId)
    {
        lock (_gate)
        {
            var rule = _failRules.FirstOrDefault(r =>
                r.OperationId == operationId && (r.SessionId is null || r.SessionId == sessionId));
            if (rule is null)
            {
                return null;
            }

            if (--rule.Remaining <= 0)
            {
                _failRules.Remove(rule);
            }

            return rule.Answer;
        }
    }

    internal ChatFaultSettings ChatFor(string? sessionId)
    {
        lock (_gate)
        {
            return sessionId is not null && _sessionChat.TryGetValue(sessionId, out var s) ? s : _chat;
        }
    }

    private void UpdateChat(string? sessionId, Func<ChatFaultSettings, ChatFaultSettings> change)
    {
        lock (_gate)
        {
            if (sessionId is null)
            {
                _chat = change(_chat);
            }
            else
            {
                _sessionChat[sessionId] = change(_sessionChat.TryGetValue(sessionId, out var s) ? s : _chat);
            }
        }
    }

    /// <summary>An event of a kind the protocol does not have, with a field it does not have.</summary>
    private static string UnknownEvent(string eventType, string sessionId) => new JsonObject
    {
        [ChatProtocol.EventNameProperty] = eventType,
        [ChatEventFields.SessionId] = sessionId,
        ["unexpected_field"] = new JsonObject { ["nested"] = true },
    }.ToJsonString();

    /// <summary>An <c>avatar_talking_message</c> whose message is <paramref name="size"/> characters long.</summary>
    private static string OversizedEvent(string sessionId, int size) => new JsonObject
    {
        [ChatProtocol.EventNameProperty] = ChatEventNames.AvatarTalkingMessage,
        [ChatEventFields.SessionId] = sessionId,
        [ChatEventFields.TaskId] = "task-oversized",
        [ChatEventFields.Message] = new string('a', Math.Max(0, size)),
    }.ToJsonString();

    private int ForEachSocket(string? sessionId, Action<IChatFaultTarget> action)
    {
        var count = 0;
        foreach (var socket in _sockets(sessionId).ToList())
        {
            action(socket);
            count++;
        }

        return count;
    }

    private sealed record FailRule(string OperationId, string? SessionId, FaultAnswer Answer)
    {
        public int Remaining { get; set; }
    }
}

/// <summary>The chat socket faults in force for one socket.</summary>
internal sealed record ChatFaultSettings(bool Duplicate, int SplitFrames, bool Refuse);

/// <summary>A chat socket as the faults act on it (the chat socket's connection implements it).</summary>
internal interface IChatFaultTarget
{
    /// <summary>The session the socket is bound to, if any.</summary>
    string? SessionId { get; }

    /// <summary>Closes the socket with a status and reason.</summary>
    void Close(int status, string reason);

    /// <summary>Drops the socket without a close handshake.</summary>
    void Abort();

    /// <summary>Sends a text message as given.</summary>
    void SendRaw(string text);
}

/// <summary>The LiveKit rooms as the faults act on them (the server's room host implements it).</summary>
internal interface IRoomFaultTarget
{
    /// <summary>Makes one session's room (or every room, for null) report a connection quality; returns how many clients it reached.</summary>
    Task<int> SetConnectionQualityAsync(RoomConnectionQuality quality, string? sessionId, CancellationToken cancellationToken);
}
