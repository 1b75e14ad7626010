namespace KonPro.Streaming.Testing;

/// <summary>Where the fake server sends a session's events (see <see cref="KonProFakeServerOptions.EventDelivery"/>).</summary>
public enum FakeEventDelivery
{
    /// <summary>Every event on the chat socket only (the fake's behaviour without a room).</summary>
    ChatOnly,

    /// <summary>
    /// Every event on the chat socket and, as JSON with <c>type</c>, on the room's data channel: a convenience for a client
    /// that reads the chat socket without joining the room. Not the service's behaviour: a client that reads both
    /// channels and does not pair their copies (the official web SDK) gets every avatar event twice.
    /// </summary>
    ChatAndRoom,

    /// <summary>
    /// The reference service's behaviour and the default with the room: the avatar's and the transcript's events on the
    /// room's data channel only; the chat socket carries only <c>user_start</c>, <c>user_stop</c> and <c>user_silence</c>.
    /// </summary>
    RoomOnly,
}
