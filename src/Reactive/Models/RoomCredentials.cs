namespace KonPro.Streaming;

/// <summary>
/// What one participant needs to join the session's LiveKit room: the room's URL and that participant's access token.
/// Hand <see cref="StartAvatarResponse.UserRoomCredentials"/> to the browser (or device) that shows the avatar; keep
/// the API key and the session token on the server. <see cref="ToString"/> never shows <see cref="Token"/>, so logging
/// the record is safe; serializing it (to answer the browser) carries the token, as it must.
/// </summary>
/// <param name="Url">The LiveKit URL (<c>url</c> of <c>new</c>), e.g. <c>wss://…</c>.</param>
/// <param name="Token">The participant's LiveKit access token (a JWT): a secret that admits one participant to this session's room.</param>
public sealed record RoomCredentials(string Url, string Token)
{
    /// <summary>The URL and a masked token.</summary>
    /// <returns><c>RoomCredentials { Url = …, Token = *** }</c>.</returns>
    public override string ToString() => $"RoomCredentials {{ Url = {Url}, Token = {SecretRedactor.Mask} }}";
}

/// <summary>Which of a session's two room participants a <see cref="StreamingAvatar"/> joins as (<see cref="StreamingAvatarOptions.RoomRole"/>).</summary>
public enum RoomParticipantRole
{
    /// <summary>The user participant, with <c>access_token</c> of <c>new</c>: the SDK shows and hears the avatar itself (the default).</summary>
    User,

    /// <summary>
    /// The agent participant, with <c>livekit_agent_token</c> of <c>new</c>: a server that drives the session while a
    /// browser joins as the user with <see cref="StartAvatarResponse.UserRoomCredentials"/>. Events, media and
    /// publishing work as for the user; both participants receive the avatar's data messages.
    /// </summary>
    Agent,
}
