namespace KonPro.Streaming;

/// <summary>
/// The session the server created (<c>new</c>). <see cref="ToString"/> never shows <see cref="AccessToken"/> or <see cref="AgentAccessToken"/>.
/// </summary>
public sealed class StartAvatarResponse
{
    /// <summary>Creates a response (for tests and mocks).</summary>
    /// <param name="sessionId">The session id.</param>
    /// <param name="accessToken">The LiveKit room access token.</param>
    /// <param name="url">The LiveKit room URL.</param>
    public StartAvatarResponse(string sessionId, string accessToken, string url)
    {
        SessionId = sessionId;
        AccessToken = accessToken;
        Url = url;
    }

    /// <summary>The session id.</summary>
    public string SessionId { get; }

    /// <summary>The access token of the session's LiveKit room (a secret).</summary>
    public string AccessToken { get; }

    /// <summary>The URL of the session's LiveKit room.</summary>
    public string Url { get; }

    /// <summary>Whether the session is under a paid plan.</summary>
    public bool IsPaid { get; init; }

    /// <summary>The longest the session may last.</summary>
    public TimeSpan SessionDurationLimit { get; init; }

    /// <summary>The realtime endpoint the server named, if any.</summary>
    public string? RealtimeEndpoint { get; init; }

    /// <summary>
    /// The agent participant's access token to the session's LiveKit room (<c>livekit_agent_token</c> of <c>new</c>; a
    /// secret), or null when the service sent none. A server joins with it
    /// (<see cref="StreamingAvatarOptions.RoomRole"/> = <see cref="RoomParticipantRole.Agent"/>) while a browser joins as the user.
    /// </summary>
    public string? AgentAccessToken { get; init; }

    /// <summary>The user participant's way into the room (<see cref="Url"/> and <see cref="AccessToken"/>): what a browser that shows the avatar needs, and nothing more.</summary>
    public RoomCredentials UserRoomCredentials => new(Url, AccessToken);

    /// <summary>The agent participant's way into the room (<see cref="Url"/> and <see cref="AgentAccessToken"/>), or null when the service sent no agent token.</summary>
    public RoomCredentials? AgentRoomCredentials => AgentAccessToken is { Length: > 0 } token ? new(Url, token) : null;

    /// <inheritdoc />
    public override string ToString() =>
        $"StartAvatarResponse {{ SessionId = {SessionId}, Url = {Url}, AccessToken = {SecretRedactor.Mask}, AgentAccessToken = {(AgentAccessToken is null ? "null" : SecretRedactor.Mask)}, IsPaid = {IsPaid}, SessionDurationLimit = {SessionDurationLimit} }}";
}
