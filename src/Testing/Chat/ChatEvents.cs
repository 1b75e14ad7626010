using System.Text.Json.Nodes;

namespace KonPro.StreamingAvatar.Testing.Chat;

/// <summary>The JSON text events of the chat socket; every one carries <c>event_type</c> and <c>session_id</c>.</summary>
internal static class ChatEvents
{
    public static string AvatarStartTalking(string sessionId, string taskId) =>
        Build("avatar_start_talking", sessionId, new() { ["task_id"] = taskId });

    public static string AvatarTalkingMessage(string sessionId, string taskId, string message) =>
        Build("avatar_talking_message", sessionId, new() { ["task_id"] = taskId, ["message"] = message });

    public static string AvatarEndMessage(string sessionId, string taskId) =>
        Build("avatar_end_message", sessionId, new() { ["task_id"] = taskId });

    public static string AvatarStopTalking(string sessionId, string taskId, long durationMs) =>
        Build("avatar_stop_talking", sessionId, new() { ["task_id"] = taskId, ["duration_ms"] = durationMs });

    public static string UserStart(string sessionId) => Build("user_start", sessionId, []);

    public static string UserStop(string sessionId) => Build("user_stop", sessionId, []);

    public static string UserTalkingMessage(string sessionId, string taskId, string message) =>
        Build("user_talking_message", sessionId, new() { ["task_id"] = taskId, ["message"] = message });

    public static string UserEndMessage(string sessionId, string taskId) =>
        Build("user_end_message", sessionId, new() { ["task_id"] = taskId });

    public static string UserSilence(string sessionId, int silenceTimes, int countDown) =>
        Build("user_silence", sessionId, new() { ["silence_times"] = silenceTimes, ["count_down"] = countDown });

    public static string Unknown(string eventType, string sessionId) =>
        Build(eventType, sessionId, new() { ["unexpected_field"] = new JsonObject { ["nested"] = true } });

    public static string Oversized(string sessionId, int size) =>
        Build("avatar_talking_message", sessionId, new() { ["task_id"] = "task-oversized", ["message"] = new string('a', Math.Max(0, size)) });

    private static string Build(string eventType, string sessionId, Dictionary<string, JsonNode?> fields)
    {
        var json = new JsonObject { ["event_type"] = eventType, ["session_id"] = sessionId };
        foreach (var (name, value) in fields)
        {
            json[name] = value;
        }

        return json.ToJsonString();
    }
}
