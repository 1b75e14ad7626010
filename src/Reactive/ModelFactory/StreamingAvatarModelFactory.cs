using System.Text.Json;
using KonPro.Streaming.Admin;
using KonPro.Streaming.Events;
using KonPro.Streaming.Rooms;
using KonPro.Streaming.Speaking;

namespace KonPro.Streaming;

/// <summary>
/// Creates every model the SDK hands out (events, speak handles and results, the session, admin listings,
/// transcript entries, utterances, barge-ins) and every exception it throws, so that code built on the SDK can be
/// tested without a server: return them from a mocked <see cref="StreamingAvatar"/> or <see cref="KonProAdminClient"/>
/// (both have virtual members), or push them through a subject standing in for <see cref="StreamingAvatar.Events"/>.
/// </summary>
/// <remarks>
/// Every parameter but the identifying ones is optional. An event's <c>receivedAt</c> defaults to the current time and
/// its <c>extraFields</c> to none; pass a fixed time when the code under test looks at timestamps.
/// </remarks>
public static partial class StreamingAvatarModelFactory
{
    /// <summary>Creates a speak handle, optionally already started and ended.</summary>
    /// <param name="taskId">The task id.</param>
    /// <param name="outcome">How the task ended; null leaves it pending (never started).</param>
    /// <param name="durationMs">The spoken duration of an ended task.</param>
    /// <returns>The handle.</returns>
    public static SpeakHandle SpeakHandle(string taskId, SpeakOutcome? outcome = null, long? durationMs = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(taskId);
        var progress = new SpeakProgress(taskId, TimeProvider.System);
        if (outcome is { } ended)
        {
            progress.MarkStarted(new AvatarStartTalking { TaskId = taskId, ReceivedAt = DateTimeOffset.UtcNow });
            progress.MarkEnded(ended, durationMs);
        }

        return new SpeakHandle(taskId, durationMs, progress);
    }

    /// <summary>Creates the end of a spoken task (what <see cref="KonPro.Streaming.Speaking.SpeakHandle.Completed"/> gives).</summary>
    /// <param name="taskId">The task id.</param>
    /// <param name="outcome">How it ended.</param>
    /// <param name="durationMs">How long the avatar spoke, when the server said.</param>
    /// <returns>The result.</returns>
    public static SpeakResult SpeakResult(string taskId, SpeakOutcome outcome = SpeakOutcome.Completed, long? durationMs = null) =>
        new(taskId, outcome, durationMs);

    /// <summary>Creates the session the server created (what <c>CreateStartAvatarAsync</c> and <c>NewSessionAsync</c> return).</summary>
    /// <param name="sessionId">The session id.</param>
    /// <param name="accessToken">The LiveKit room access token.</param>
    /// <param name="url">The LiveKit room URL.</param>
    /// <param name="isPaid">Whether the session is under a paid plan.</param>
    /// <param name="sessionDurationLimit">The longest the session may last (600 s when null).</param>
    /// <param name="realtimeEndpoint">The session's realtime audio socket, if any.</param>
    /// <returns>The response.</returns>
    public static StartAvatarResponse StartAvatarResponse(
        string sessionId,
        string accessToken = "room-access-token",
        string url = "wss://livekit.example.invalid",
        bool isPaid = false,
        TimeSpan? sessionDurationLimit = null,
        string? realtimeEndpoint = null) =>
        new(sessionId, accessToken, url)
        {
            IsPaid = isPaid,
            SessionDurationLimit = sessionDurationLimit ?? TimeSpan.FromSeconds(600),
            RealtimeEndpoint = realtimeEndpoint,
        };

    /// <summary>Creates an <c>avatar_start_talking</c> event.</summary>
    /// <param name="taskId">The task id.</param>
    /// <param name="sessionId">The session id.</param>
    /// <param name="receivedAt">When it arrived (now when null).</param>
    /// <param name="extraFields">Fields the event does not model.</param>
    /// <returns>The event.</returns>
    public static AvatarStartTalking AvatarStartTalking(string? taskId = null, string? sessionId = null, DateTimeOffset? receivedAt = null, IReadOnlyDictionary<string, JsonElement>? extraFields = null) =>
        new() { TaskId = taskId, SessionId = sessionId, ReceivedAt = At(receivedAt), ExtraFields = Extra(extraFields) };

    /// <summary>Creates an <c>avatar_talking_message</c> event.</summary>
    /// <param name="message">The chunk of words.</param>
    /// <param name="taskId">The task id.</param>
    /// <param name="sessionId">The session id.</param>
    /// <param name="receivedAt">When it arrived (now when null).</param>
    /// <param name="extraFields">Fields the event does not model.</param>
    /// <returns>The event.</returns>
    public static AvatarTalkingMessage AvatarTalkingMessage(string message, string? taskId = null, string? sessionId = null, DateTimeOffset? receivedAt = null, IReadOnlyDictionary<string, JsonElement>? extraFields = null) =>
        new() { Message = message, TaskId = taskId, SessionId = sessionId, ReceivedAt = At(receivedAt), ExtraFields = Extra(extraFields) };

    /// <summary>Creates an <c>avatar_end_message</c> event.</summary>
    /// <param name="taskId">The task id.</param>
    /// <param name="sessionId">The session id.</param>
    /// <param name="receivedAt">When it arrived (now when null).</param>
    /// <param name="extraFields">Fields the event does not model.</param>
    /// <returns>The event.</returns>
    public static AvatarEndMessage AvatarEndMessage(string? taskId = null, string? sessionId = null, DateTimeOffset? receivedAt = null, IReadOnlyDictionary<string, JsonElement>? extraFields = null) =>
        new() { TaskId = taskId, SessionId = sessionId, ReceivedAt = At(receivedAt), ExtraFields = Extra(extraFields) };

    /// <summary>Creates an <c>avatar_stop_talking</c> event.</summary>
    /// <param name="taskId">The task id.</param>
    /// <param name="durationMs">How long the avatar spoke.</param>
    /// <param name="sessionId">The session id.</param>
    /// <param name="receivedAt">When it arrived (now when null).</param>
    /// <param name="extraFields">Fields the event does not model.</param>
    /// <returns>The event.</returns>
    public static AvatarStopTalking AvatarStopTalking(string? taskId = null, long durationMs = 0, string? sessionId = null, DateTimeOffset? receivedAt = null, IReadOnlyDictionary<string, JsonElement>? extraFields = null) =>
        new() { TaskId = taskId, DurationMs = durationMs, SessionId = sessionId, ReceivedAt = At(receivedAt), ExtraFields = Extra(extraFields) };

    /// <summary>Creates a <c>user_start</c> event (voice activity began).</summary>
    /// <param name="sessionId">The session id.</param>
    /// <param name="receivedAt">When it arrived (now when null).</param>
    /// <param name="taskId">The task id, if the server sent one.</param>
    /// <param name="extraFields">Fields the event does not model.</param>
    /// <returns>The event.</returns>
    public static UserStart UserStart(string? sessionId = null, DateTimeOffset? receivedAt = null, string? taskId = null, IReadOnlyDictionary<string, JsonElement>? extraFields = null) =>
        new() { TaskId = taskId, SessionId = sessionId, ReceivedAt = At(receivedAt), ExtraFields = Extra(extraFields) };

    /// <summary>Creates a <c>user_stop</c> event (voice activity ended).</summary>
    /// <param name="sessionId">The session id.</param>
    /// <param name="receivedAt">When it arrived (now when null).</param>
    /// <param name="taskId">The task id, if the server sent one.</param>
    /// <param name="extraFields">Fields the event does not model.</param>
    /// <returns>The event.</returns>
    public static UserStop UserStop(string? sessionId = null, DateTimeOffset? receivedAt = null, string? taskId = null, IReadOnlyDictionary<string, JsonElement>? extraFields = null) =>
        new() { TaskId = taskId, SessionId = sessionId, ReceivedAt = At(receivedAt), ExtraFields = Extra(extraFields) };

    /// <summary>Creates a <c>user_talking_message</c> event (transcribed speech or typed text).</summary>
    /// <param name="message">The user's words.</param>
    /// <param name="taskId">The task id.</param>
    /// <param name="sessionId">The session id.</param>
    /// <param name="receivedAt">When it arrived (now when null).</param>
    /// <param name="extraFields">Fields the event does not model.</param>
    /// <returns>The event.</returns>
    public static UserTalkingMessage UserTalkingMessage(string message, string? taskId = null, string? sessionId = null, DateTimeOffset? receivedAt = null, IReadOnlyDictionary<string, JsonElement>? extraFields = null) =>
        new() { Message = message, TaskId = taskId, SessionId = sessionId, ReceivedAt = At(receivedAt), ExtraFields = Extra(extraFields) };

    /// <summary>Creates a <c>user_end_message</c> event.</summary>
    /// <param name="taskId">The task id.</param>
    /// <param name="sessionId">The session id.</param>
    /// <param name="receivedAt">When it arrived (now when null).</param>
    /// <param name="extraFields">Fields the event does not model.</param>
    /// <returns>The event.</returns>
    public static UserEndMessage UserEndMessage(string? taskId = null, string? sessionId = null, DateTimeOffset? receivedAt = null, IReadOnlyDictionary<string, JsonElement>? extraFields = null) =>
        new() { TaskId = taskId, SessionId = sessionId, ReceivedAt = At(receivedAt), ExtraFields = Extra(extraFields) };

    /// <summary>Creates a <c>user_silence</c> event.</summary>
    /// <param name="silenceTimes">How many silences so far.</param>
    /// <param name="countDown">The server's count-down.</param>
    /// <param name="sessionId">The session id.</param>
    /// <param name="receivedAt">When it arrived (now when null).</param>
    /// <param name="extraFields">Fields the event does not model.</param>
    /// <returns>The event.</returns>
    public static UserSilence UserSilence(int silenceTimes = 1, int countDown = 0, string? sessionId = null, DateTimeOffset? receivedAt = null, IReadOnlyDictionary<string, JsonElement>? extraFields = null) =>
        new() { SilenceTimes = silenceTimes, CountDown = countDown, SessionId = sessionId, ReceivedAt = At(receivedAt), ExtraFields = Extra(extraFields) };

    /// <summary>Creates a <c>stream_ready</c> event.</summary>
    /// <param name="sessionId">The session id.</param>
    /// <param name="receivedAt">When it was raised (now when null).</param>
    /// <returns>The event.</returns>
    public static StreamReady StreamReady(string? sessionId = null, DateTimeOffset? receivedAt = null) =>
        new() { SessionId = sessionId, ReceivedAt = At(receivedAt) };

    /// <summary>Creates a <c>stream_disconnected</c> event.</summary>
    /// <param name="reason">Why the stream closed.</param>
    /// <param name="closeStatus">The WebSocket close status, when there was one.</param>
    /// <param name="closeDescription">The close reason text, when there was one.</param>
    /// <param name="sessionId">The session id.</param>
    /// <param name="receivedAt">When it was raised (now when null).</param>
    /// <returns>The event.</returns>
    public static StreamDisconnected StreamDisconnected(DisconnectReason reason = DisconnectReason.NetworkLost, int? closeStatus = null, string? closeDescription = null, string? sessionId = null, DateTimeOffset? receivedAt = null) =>
        new() { Reason = reason, CloseStatus = closeStatus, CloseDescription = closeDescription, SessionId = sessionId, ReceivedAt = At(receivedAt) };

    /// <summary>Creates a <c>connection_quality_changed</c> event.</summary>
    /// <param name="quality">The new quality.</param>
    /// <param name="sessionId">The session id.</param>
    /// <param name="receivedAt">When it was raised (now when null).</param>
    /// <returns>The event.</returns>
    public static ConnectionQualityChanged ConnectionQualityChanged(ConnectionQuality quality, string? sessionId = null, DateTimeOffset? receivedAt = null) =>
        new() { Quality = quality, SessionId = sessionId, ReceivedAt = At(receivedAt) };

    /// <summary>Creates a <c>stream_reconnected</c> event (the chat socket reconnected; events in the gap may be missing).</summary>
    /// <param name="gapStart">When the drop was noticed.</param>
    /// <param name="gapEnd">When the socket was open again (also the event's <see cref="StreamingEvent.ReceivedAt"/>).</param>
    /// <param name="reason">Why the socket dropped.</param>
    /// <param name="attempts">How many connection attempts the reconnect took.</param>
    /// <param name="sessionId">The session id.</param>
    /// <returns>The event.</returns>
    public static StreamReconnected StreamReconnected(DateTimeOffset gapStart, DateTimeOffset gapEnd, DisconnectReason reason = DisconnectReason.NetworkLost, int attempts = 1, string? sessionId = null) =>
        new() { GapStart = gapStart, GapEnd = gapEnd, Reason = reason, Attempts = attempts, SessionId = sessionId, ReceivedAt = gapEnd };

    /// <summary>Creates an event of a name the SDK does not know.</summary>
    /// <param name="name">The event name.</param>
    /// <param name="rawJson">The whole message (built from <paramref name="name"/> when null).</param>
    /// <param name="taskId">The task id.</param>
    /// <param name="sessionId">The session id.</param>
    /// <param name="receivedAt">When it arrived (now when null).</param>
    /// <param name="extraFields">The message's other fields.</param>
    /// <returns>The event.</returns>
    public static UnknownStreamingEvent UnknownStreamingEvent(string name, string? rawJson = null, string? taskId = null, string? sessionId = null, DateTimeOffset? receivedAt = null, IReadOnlyDictionary<string, JsonElement>? extraFields = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        return new(name, rawJson ?? "{\"event_type\":\"" + JsonEncodedText.Encode(name) + "\"}")
        {
            TaskId = taskId, SessionId = sessionId, ReceivedAt = At(receivedAt), ExtraFields = Extra(extraFields),
        };
    }

    /// <summary>Creates one turn of a transcript (what the <c>Transcript</c> operator gives).</summary>
    /// <param name="speaker">Who spoke.</param>
    /// <param name="text">What they said.</param>
    /// <param name="taskId">The task id.</param>
    /// <param name="startedAt">When the turn began (now when null).</param>
    /// <param name="endedAt">When it ended (<paramref name="startedAt"/> when null).</param>
    /// <returns>The entry.</returns>
    public static TranscriptEntry TranscriptEntry(Speaker speaker, string text, string? taskId = null, DateTimeOffset? startedAt = null, DateTimeOffset? endedAt = null)
    {
        var start = At(startedAt);
        return new(speaker, text, taskId, start, endedAt ?? start);
    }

    /// <summary>Creates one thing the avatar said (what the <c>Utterances</c> operator gives).</summary>
    /// <param name="text">The words.</param>
    /// <param name="taskId">The task id.</param>
    /// <param name="startedAt">When it began (now when null).</param>
    /// <param name="endedAt">When it ended (<paramref name="startedAt"/> plus <paramref name="durationMs"/> when null).</param>
    /// <param name="durationMs">How long it lasted.</param>
    /// <param name="wasInterrupted">Whether it was cut short.</param>
    /// <returns>The utterance.</returns>
    public static AvatarUtterance AvatarUtterance(string text, string? taskId = null, DateTimeOffset? startedAt = null, DateTimeOffset? endedAt = null, long durationMs = 0, bool wasInterrupted = false)
    {
        var start = At(startedAt);
        return new(taskId, text, start, endedAt ?? start.AddMilliseconds(durationMs), durationMs, wasInterrupted);
    }

    /// <summary>Creates a barge-in (what the <c>BargeIn</c> operator gives).</summary>
    /// <param name="taskId">The task the avatar was speaking.</param>
    /// <param name="at">When the user began speaking (now when null).</param>
    /// <param name="error">Why the interrupt failed, or null when it succeeded.</param>
    /// <returns>The barge-in.</returns>
    public static BargeIn BargeIn(string? taskId = null, DateTimeOffset? at = null, Exception? error = null) =>
        new(taskId, At(at), error);

    /// <summary>Creates an active session of the account (what <c>ListActiveSessionsAsync</c> lists).</summary>
    /// <param name="sessionId">The session id.</param>
    /// <param name="status">new, connecting or connected.</param>
    /// <param name="createdAt">When it was created (now when null).</param>
    /// <returns>The session.</returns>
    public static ActiveSessionInfo ActiveSessionInfo(string sessionId, string status = "connected", DateTimeOffset? createdAt = null) =>
        new(sessionId, status, At(createdAt));

    /// <summary>Creates a past session (what <c>ListSessionHistoryAsync</c> yields).</summary>
    /// <param name="sessionId">The session id.</param>
    /// <param name="status">The final status.</param>
    /// <param name="createdAt">When it was created (now when null).</param>
    /// <param name="duration">How long it lasted.</param>
    /// <param name="avatarId">The avatar.</param>
    /// <param name="voiceName">The voice.</param>
    /// <param name="apiKeyType">The kind of API key that created it.</param>
    /// <returns>The entry.</returns>
    public static SessionHistoryEntry SessionHistoryEntry(string sessionId, string status = "closed", DateTimeOffset? createdAt = null, TimeSpan? duration = null, string? avatarId = null, string? voiceName = null, string? apiKeyType = null) =>
        new(sessionId, status, At(createdAt), duration, avatarId, voiceName, apiKeyType);

    /// <summary>Creates an avatar of the account (what <c>ListAvatarsAsync</c> lists).</summary>
    /// <param name="avatarId">The avatar id.</param>
    /// <param name="poseName">Its display name.</param>
    /// <param name="normalPreview">Its preview image URL.</param>
    /// <param name="defaultVoice">Its default voice.</param>
    /// <param name="isPublic">Whether it is public.</param>
    /// <param name="isActive">Whether it can be used.</param>
    /// <param name="createdAt">When it was created.</param>
    /// <returns>The avatar.</returns>
    public static AvatarInfo AvatarInfo(string avatarId, string? poseName = null, string? normalPreview = null, string? defaultVoice = null, bool isPublic = true, bool isActive = true, DateTimeOffset? createdAt = null) =>
        new(avatarId, poseName, normalPreview, defaultVoice, isPublic, isActive, createdAt);

    /// <summary>Creates a knowledge base of the account (what <c>ListKnowledgeBasesAsync</c> lists).</summary>
    /// <param name="id">The knowledge base id.</param>
    /// <param name="name">Its name.</param>
    /// <param name="description">Its description.</param>
    /// <param name="opening">The avatar's opening line.</param>
    /// <param name="prompt">The system prompt.</param>
    /// <param name="createdAt">When it was created.</param>
    /// <param name="updatedAt">When it was last changed.</param>
    /// <param name="documentCount">How many documents it holds.</param>
    /// <returns>The knowledge base.</returns>
    public static KnowledgeBaseInfo KnowledgeBaseInfo(string id, string name = "knowledge base", string? description = null, string? opening = null, string? prompt = null, DateTimeOffset? createdAt = null, DateTimeOffset? updatedAt = null, int documentCount = 0) =>
        new(id, name, description, opening, prompt, createdAt, updatedAt, documentCount);

    /// <summary>Creates what the SDK gives a room connector (<see cref="IAvatarRoomConnector.ConnectAsync"/>), to test your own connector.</summary>
    /// <param name="sessionId">The session id.</param>
    /// <param name="url">The LiveKit URL.</param>
    /// <param name="accessToken">The room access token.</param>
    /// <returns>The request.</returns>
    public static AvatarRoomConnectRequest AvatarRoomConnectRequest(string sessionId, string url = "wss://livekit.example.invalid", string accessToken = "room-access-token") =>
        new(sessionId, url, accessToken);

    private static DateTimeOffset At(DateTimeOffset? value) => value ?? DateTimeOffset.UtcNow;

    private static IReadOnlyDictionary<string, JsonElement> Extra(IReadOnlyDictionary<string, JsonElement>? fields) =>
        fields ?? StreamingEvent.NoExtraFields;
}
