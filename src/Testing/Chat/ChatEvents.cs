using System.Text.Json.Nodes;
using KonPro.Streaming.Api;

namespace KonPro.Streaming.Testing.Chat;

/// <summary>The JSON text events of the chat socket; every one carries <c>event_type</c> and <c>session_id</c>.</summary>
internal static class ChatEvents
{
    public static string AvatarStartTalking(string sessionId, string taskId) =>
        Build(ChatEventNames.AvatarStartTalking, sessionId, new() { [ChatEventFields.TaskId] = taskId });

    public static string AvatarTalkingMessage(string sessionId, string taskId, string message) =>
        Build(ChatEventNames.AvatarTalkingMessage, sessionId, new() { [ChatEventFields.TaskId] = taskId, [ChatEventFields.Message] = message });

    public static string AvatarEndMessage(string sessionId, string taskId) =>
        Build(ChatEventNames.AvatarEndMessage, sessionId, new() { [ChatEventFields.TaskId] = taskId });

    public static string AvatarStopTalking(string sessionId, string taskId, long durationMs) =>
        Build(ChatEventNames.AvatarStopTalking, sessionId, new() { [ChatEventFields.TaskId] = taskId, [ChatEventFields.DurationMs] = durationMs });

    public static string UserStart(string sessionId) => Build(ChatEventNames.UserStart, sessionId, []);

    public static string UserStop(string sessionId) => Build(ChatEventNames.UserStop, sessionId, []);

    public static string UserTalkingMessage(string sessionId, string taskId, string message) =>
        Build(ChatEventNames.UserTalkingMessage, sessionId, new() { [ChatEventFields.TaskId] = taskId, [ChatEventFields.Message] = message });

    public static string UserEndMessage(string sessionId, string taskId) =>
        Build(ChatEventNames.UserEndMessage, sessionId, new() { [ChatEventFields.TaskId] = taskId });

    public static string UserSilence(string sessionId, int silenceTimes, int countDown) =>
        Build(ChatEventNames.UserSilence, sessionId, new() { [ChatEventFields.SilenceTimes] = silenceTimes, [ChatEventFields.CountDown] = countDown });

    public static string Unknown(string eventType, string sessionId) =>
        Build(eventType, sessionId, new() { ["unexpected_field"] = new JsonObject { ["nested"] = true } });

    public static string Oversized(string sessionId, int size) =>
        Build(ChatEventNames.AvatarTalkingMessage, sessionId, new() { [ChatEventFields.TaskId] = "task-oversized", [ChatEventFields.Message] = new string('a', Math.Max(0, size)) });

    private static string Build(string eventType, string sessionId, Dictionary<string, JsonNode?> fields)
    {
        var json = new JsonObject { [ChatProtocol.EventNameProperty] = eventType, [ChatEventFields.SessionId] = sessionId };
        foreach (var (name, value) in fields)
        {
            json[name] = value;
        }

        return json.ToJsonString();
    }
}
