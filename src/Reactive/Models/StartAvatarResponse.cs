namespace KonPro.Streaming;

/// <summary>
/// The session the server created (<c>new</c>). <see cref="ToString"/> never shows <see cref="AccessToken"/>.
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

    /// <inheritdoc />
    public override string ToString() =>
        $"StartAvatarResponse {{ SessionId = {SessionId}, Url = {Url}, AccessToken = {SecretRedactor.Mask}, IsPaid = {IsPaid}, SessionDurationLimit = {SessionDurationLimit} }}";
}
