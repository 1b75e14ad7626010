using System.Buffers;
using System.Text;
using System.Text.Json;
using KonPro.Streaming.Api;
using KonPro.Streaming.Testing.Sessions;

namespace KonPro.Streaming.Testing.Chat;

/// <summary>
/// The chat socket's rendering of events: JSON text, every event with <c>event_type</c> and <c>session_id</c>. A session's
/// typed event is rendered once (<see cref="Render"/>) and the text goes to each of its sockets.
/// </summary>
internal static class ChatEvents
{
    /// <summary>The chat socket's JSON of one of the session's events.</summary>
    public static string Render(string sessionId, in SessionEvent sessionEvent) =>
        Write(sessionEvent.Name, sessionId, sessionEvent.TaskId, sessionEvent.Message, sessionEvent.HasDuration ? sessionEvent.DurationMs : null, null);

    public static string AvatarStartTalking(string sessionId, string taskId) =>
        Render(sessionId, new SessionEvent(SessionEventKind.AvatarStartTalking, taskId));

    public static string AvatarTalkingMessage(string sessionId, string taskId, string message) =>
        Render(sessionId, new SessionEvent(SessionEventKind.AvatarTalkingMessage, taskId, message));

    public static string AvatarEndMessage(string sessionId, string taskId) =>
        Render(sessionId, new SessionEvent(SessionEventKind.AvatarEndMessage, taskId));

    public static string AvatarStopTalking(string sessionId, string taskId, long durationMs) =>
        Render(sessionId, new SessionEvent(SessionEventKind.AvatarStopTalking, taskId, DurationMs: durationMs));

    public static string UserStart(string sessionId) => Render(sessionId, new SessionEvent(SessionEventKind.UserStart));

    public static string UserStop(string sessionId) => Render(sessionId, new SessionEvent(SessionEventKind.UserStop));

    public static string UserTalkingMessage(string sessionId, string taskId, string message) =>
        Render(sessionId, new SessionEvent(SessionEventKind.UserTalkingMessage, taskId, message));

    public static string UserEndMessage(string sessionId, string taskId) =>
        Render(sessionId, new SessionEvent(SessionEventKind.UserEndMessage, taskId));

    /// <summary>The chat socket's own prompt (not a session event: each socket counts its own silence).</summary>
    public static string UserSilence(string sessionId, int silenceTimes, int countDown) =>
        Write(ChatEventNames.UserSilence, sessionId, null, null, null, (silenceTimes, countDown));

    private static string Write(string eventType, string sessionId, string? taskId, string? message, long? durationMs, (int Times, int CountDown)? silence)
    {
        var buffer = new ArrayBufferWriter<byte>(128 + (message?.Length ?? 0));
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString(ChatProtocol.EventNameProperty, eventType);
            json.WriteString(ChatEventFields.SessionId, sessionId);
            if (taskId is not null)
            {
                json.WriteString(ChatEventFields.TaskId, taskId);
            }

            if (message is not null)
            {
                json.WriteString(ChatEventFields.Message, message);
            }

            if (durationMs is { } duration)
            {
                json.WriteNumber(ChatEventFields.DurationMs, duration);
            }

            if (silence is { } prompt)
            {
                json.WriteNumber(ChatEventFields.SilenceTimes, prompt.Times);
                json.WriteNumber(ChatEventFields.CountDown, prompt.CountDown);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
