namespace KonPro.StreamingAvatar;

/// <summary>
/// Joins the session's LiveKit room. The SDK ships no WebRTC stack: without a connector it runs on the chat
/// socket alone (events, typed messages and voice chat all work; there is no video). Give one in
/// <see cref="StreamingAvatarOptions.RoomConnector"/> to get the avatar's media, the data channel's events (merged
/// into <see cref="StreamingAvatar.Events"/>, duplicates dropped) and push-to-talk over the room.
/// </summary>
public interface IAvatarRoomConnector
{
    /// <summary>Joins the room of a started session.</summary>
    /// <param name="request">The room's URL and access token.</param>
    /// <param name="cancellationToken">Cancels joining.</param>
    /// <returns>The joined room; the SDK disposes it when the session ends.</returns>
    Task<IAvatarRoom> ConnectAsync(AvatarRoomConnectRequest request, CancellationToken cancellationToken = default);
}

/// <summary>Where to join. <see cref="ToString"/> never shows <see cref="AccessToken"/>.</summary>
/// <param name="SessionId">The session id.</param>
/// <param name="Url">The LiveKit URL (<c>url</c> of <c>new</c>).</param>
/// <param name="AccessToken">The room access token (<c>access_token</c> of <c>new</c>); a secret.</param>
public sealed record AvatarRoomConnectRequest(string SessionId, string Url, string AccessToken)
{
    /// <inheritdoc />
    public override string ToString() => $"AvatarRoomConnectRequest {{ SessionId = {SessionId}, Url = {Url}, AccessToken = {SecretRedactor.Mask} }}";
}

/// <summary>A joined LiveKit room.</summary>
public interface IAvatarRoom : IAsyncDisposable
{
    /// <summary>
    /// The data channel's messages: UTF-8 JSON events with the event name in <c>type</c>. The SDK parses them into
    /// the same <see cref="StreamingAvatar.Events"/> stream as the chat socket. Complete it (or fail it) when the room
    /// closes: if the session still lives, it closes with <see cref="StreamDisconnected"/>
    /// (<see cref="DisconnectReason.ServerClosed"/>, description <c>room_closed</c>).
    /// </summary>
    IObservable<ReadOnlyMemory<byte>> DataMessages { get; }

    /// <summary>Completes when the avatar's audio and video tracks are subscribed (then the SDK raises <see cref="StreamReady"/>).</summary>
    Task MediaReady { get; }

    /// <summary>Publishes a message on the data channel, e.g. <c>"push_to_talk:start"</c> or a typed user message.</summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels publishing.</param>
    /// <returns>A task that completes when the message was sent.</returns>
    Task PublishAsync(string message, CancellationToken cancellationToken = default);
}
