namespace KonPro.Streaming.Api;

/// <summary>
/// The fields of the chat socket's events (snake_case JSON), as <c>openapi/konpro-chat.asyncapi.yaml</c> names them.
/// Internal: the SDK's and the fake's shared plumbing (ADR 0006); users read the fields from the SDK's typed events.
/// </summary>
internal static class ChatEventFields
{
    /// <summary>The session the event belongs to (any event may carry it).</summary>
    public const string SessionId = "session_id";

    /// <summary>The task the event belongs to.</summary>
    public const string TaskId = "task_id";

    /// <summary>A chunk of words (<c>avatar_talking_message</c>, <c>user_talking_message</c>).</summary>
    public const string Message = "message";

    /// <summary>How long the avatar spoke, in milliseconds (<c>avatar_stop_talking</c>).</summary>
    public const string DurationMs = "duration_ms";

    /// <summary>How many silence prompts have been given so far (<c>user_silence</c>).</summary>
    public const string SilenceTimes = "silence_times";

    /// <summary>How many more silence prompts the server gives before it acts (<c>user_silence</c>).</summary>
    public const string CountDown = "count_down";
}
