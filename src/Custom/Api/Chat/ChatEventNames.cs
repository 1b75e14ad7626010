namespace KonPro.Streaming.Api;

/// <summary>
/// The names of the events the server sends on the chat socket (in <see cref="ChatProtocol.EventNameProperty"/>) and
/// on the room's data channel (in <see cref="ChatProtocol.RoomEventNameProperty"/>), as
/// <c>openapi/konpro-chat.asyncapi.yaml</c> lists them. Receivers let any other name pass through. Internal: users
/// have the SDK's <c>StreamingEvents</c> (the reference's names); these are the SDK's and the fake's shared plumbing.
/// </summary>
internal static class ChatEventNames
{
    /// <summary>The avatar began speaking a task (<see cref="ChatEventFields.TaskId"/>).</summary>
    public const string AvatarStartTalking = "avatar_start_talking";

    /// <summary>A chunk of the words the avatar is speaking (<see cref="ChatEventFields.TaskId"/>, <see cref="ChatEventFields.Message"/>).</summary>
    public const string AvatarTalkingMessage = "avatar_talking_message";

    /// <summary>The avatar sent the last chunk of a task's words (<see cref="ChatEventFields.TaskId"/>).</summary>
    public const string AvatarEndMessage = "avatar_end_message";

    /// <summary>The avatar stopped speaking a task (<see cref="ChatEventFields.TaskId"/>, <see cref="ChatEventFields.DurationMs"/>).</summary>
    public const string AvatarStopTalking = "avatar_stop_talking";

    /// <summary>User voice activity began.</summary>
    public const string UserStart = "user_start";

    /// <summary>User voice activity ended.</summary>
    public const string UserStop = "user_stop";

    /// <summary>Transcribed user speech or a typed user message (<see cref="ChatEventFields.TaskId"/>, <see cref="ChatEventFields.Message"/>).</summary>
    public const string UserTalkingMessage = "user_talking_message";

    /// <summary>The user's message is complete (<see cref="ChatEventFields.TaskId"/>).</summary>
    public const string UserEndMessage = "user_end_message";

    /// <summary>No user speech for a while, with <c>silence_response</c> (<see cref="ChatEventFields.SilenceTimes"/>, <see cref="ChatEventFields.CountDown"/>).</summary>
    public const string UserSilence = "user_silence";

    /// <summary>Every event name above, in the order of the protocol document.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        AvatarStartTalking, AvatarTalkingMessage, AvatarEndMessage, AvatarStopTalking,
        UserStart, UserStop, UserTalkingMessage, UserEndMessage, UserSilence,
    ];
}
