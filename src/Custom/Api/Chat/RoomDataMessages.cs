namespace KonPro.Streaming.Api;

/// <summary>
/// The text messages a client publishes on the LiveKit room's data channel (<c>receiveRoomMessages</c> of
/// <c>openapi/konpro-chat.asyncapi.yaml</c>): push-to-talk, and typed user messages (any other text). The avatar's
/// events travel the other way, as JSON named in <see cref="ChatProtocol.RoomEventNameProperty"/>.
/// </summary>
internal static class RoomDataMessages
{
    /// <summary>The user pressed push-to-talk: <c>push_to_talk:start</c>.</summary>
    public const string PushToTalkStart = "push_to_talk:start";

    /// <summary>The user released push-to-talk: <c>push_to_talk:stop</c>.</summary>
    public const string PushToTalkStop = "push_to_talk:stop";

    /// <summary>
    /// The push-to-talk message a data packet carries, read the way a receiver reads it: the text itself, or the text
    /// as a JSON string (in double quotes), around any white space.
    /// </summary>
    /// <param name="payload">The packet's UTF-8 text.</param>
    /// <returns><see cref="PushToTalkStart"/>, <see cref="PushToTalkStop"/>, or <see langword="null"/> for any other text.</returns>
    public static string? PushToTalkOf(string payload) => payload.Trim().Trim('"') switch
    {
        PushToTalkStart => PushToTalkStart,
        PushToTalkStop => PushToTalkStop,
        _ => null,
    };
}
