namespace KonPro.StreamingAvatar;

/// <summary>
/// The facade's view of the chat socket: what it needs, no more. The realtime layer's socket (with its receive
/// loop, reconnects and frame encoding) is adapted to it; tests may replace it through the internal factory of
/// <see cref="StreamingAvatar"/>.
/// </summary>
internal interface IChatChannel : IAsyncDisposable
{
    /// <summary>Parsed server events, from one receive loop (never concurrent). Completes when the channel closes for good.</summary>
    IObservable<StreamingEvent> Events { get; }

    /// <summary>Open, reconnecting and closed, in order. Completes after <see cref="ChatChannelStatus.Closed"/>.</summary>
    IObservable<ChatChannelStatus> Status { get; }

    /// <summary>Connects; completes when the socket is open.</summary>
    Task ConnectAsync(CancellationToken cancellationToken);

    /// <summary>Sends a typed user message (a pipecat TextFrame).</summary>
    Task SendTextAsync(string text, CancellationToken cancellationToken);

    /// <summary>Sends 16 kHz mono PCM16 audio (a pipecat AudioRawFrame).</summary>
    Task SendAudioAsync(ReadOnlyMemory<byte> pcm, CancellationToken cancellationToken);

    /// <summary>Closes the socket normally; no reconnect follows.</summary>
    Task CloseAsync(CancellationToken cancellationToken);
}

/// <summary>What the chat channel is doing.</summary>
internal abstract record ChatChannelStatus
{
    private ChatChannelStatus()
    {
    }

    /// <summary>The socket is open (again, when <paramref name="Reconnected"/>).</summary>
    internal sealed record Open(bool Reconnected) : ChatChannelStatus;

    /// <summary>The socket dropped and will be reconnected.</summary>
    internal sealed record Reconnecting(int Attempt, DisconnectReason Reason, int? CloseStatus) : ChatChannelStatus;

    /// <summary>The socket closed for good.</summary>
    internal sealed record Closed(DisconnectReason Reason, int? CloseStatus, string? Description) : ChatChannelStatus;
}

/// <summary>Where and how to open the chat socket. <see cref="ToString"/> never shows the token.</summary>
internal sealed record ChatChannelRequest(
    Uri BaseUri,
    string SessionId,
    string SessionToken,
    bool SilenceResponse,
    bool PushToTalk,
    bool LiveKitTransport,
    ReconnectPolicy? ReconnectPolicy)
{
    public override string ToString() => $"ChatChannelRequest {{ BaseUri = {BaseUri}, SessionId = {SessionId}, SessionToken = {SecretRedactor.Mask} }}";
}
