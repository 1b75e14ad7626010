using System.Reactive.Concurrency;
using System.Text;
using KonPro.Streaming.Events;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KonPro.Streaming.Realtime;

/// <summary>What a <see cref="ChatSocket"/> connects to and how it behaves.</summary>
internal sealed record ChatSocketOptions
{
    /// <summary>The default bound of one received message.</summary>
    internal const int DefaultMaxMessageBytes = ReconnectingWebSocketOptions.DefaultMaxMessageBytes;

    /// <summary>The API base URL (<c>https://api.konpro.ai</c>, or the fake server's <c>http://127.0.0.1:port</c>).</summary>
    public required Uri BaseUri { get; init; }

    /// <summary>The session to join.</summary>
    public required string SessionId { get; init; }

    /// <summary>The session token (sent as <c>session_token=</c>; never logged).</summary>
    public required string SessionToken { get; init; }

    /// <summary>Whether the avatar prompts the user after a silence (<c>silence_response</c>).</summary>
    public bool SilenceResponse { get; init; }

    /// <summary>Whether push-to-talk is on (<c>push_to_talk</c>).</summary>
    public bool PushToTalk { get; init; }

    /// <summary>Whether the session uses the LiveKit transport (adds <c>arch_version=v2</c>).</summary>
    public bool LiveKitTransport { get; init; }

    /// <summary>How to reconnect after a retryable drop; <see langword="null"/> never reconnects.</summary>
    public ReconnectPolicy? ReconnectPolicy { get; init; }

    /// <summary>The clock of received events' <see cref="StreamingEvent.ReceivedAt"/>, of the close timeout and of the silence timeout.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The scheduler reconnect delays run on (a virtual-time scheduler in tests).</summary>
    public IScheduler Scheduler { get; init; } = DefaultScheduler.Instance;

    /// <summary>Where the socket logs (the URL's token is redacted).</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;

    /// <summary>Where the socket's connect and reconnect spans go (none when null).</summary>
    public System.Diagnostics.ActivitySource? ActivitySource { get; init; }

    /// <summary>Counts the audio frames dropped because the socket was not open (null: not counted).</summary>
    public System.Diagnostics.Metrics.Counter<long>? DroppedAudioFrames { get; init; }

    /// <summary>Counts the messages refused because they carry the name of an event only the SDK raises.</summary>
    public System.Diagnostics.Metrics.Counter<long>? RefusedMessages { get; init; }

    /// <summary>The largest message kept; larger ones are discarded and reported (default 1 MiB).</summary>
    public int MaxMessageBytes { get; init; } = DefaultMaxMessageBytes;

    /// <summary>The ids of the tasks the session's speak calls started, which this socket's events of those tasks reuse; none when <see langword="null"/>.</summary>
    public SpokenTaskIds? SpokenTaskIds { get; init; }

    /// <summary>The default <see cref="SilenceTimeout"/>.</summary>
    internal static readonly TimeSpan DefaultSilenceTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the socket waits without hearing anything from the server (no message, no pong to the client's pings)
    /// before it drops the connection as a network loss (reconnected where the policy allows). Timed on
    /// <see cref="TimeProvider"/> from the last byte received (a timeout, like <see cref="CloseTimeout"/>); 30 s by
    /// default; <see cref="Timeout.InfiniteTimeSpan"/> turns it off.
    /// </summary>
    public TimeSpan SilenceTimeout { get; init; } = DefaultSilenceTimeout;

    /// <summary>How long the client waits for the server's answer to its close handshake on dispose (default 2 s).</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The chat socket URL, with the session token.</summary>
    internal Uri BuildUri() => new(Build(SessionToken));

    /// <summary>The chat socket URL with <c>session_token=***</c>, for logs and messages.</summary>
    internal string RedactedUri() => Build("***", escapeToken: false);

    /// <summary>Checks the options before any network call.</summary>
    /// <exception cref="ArgumentException">An option is missing or out of range.</exception>
    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(BaseUri);
        if (!BaseUri.IsAbsoluteUri || BaseUri.Scheme is not ("http" or "https" or "ws" or "wss"))
        {
            throw new ArgumentException("BaseUri must be an absolute http, https, ws or wss URL.", nameof(BaseUri));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(SessionId);
        if (string.IsNullOrWhiteSpace(SessionToken))
        {
            // Not ThrowIfNullOrWhiteSpace: its message would quote the value.
            throw new ArgumentException("SessionToken is required.", nameof(SessionToken));
        }

        ArgumentNullException.ThrowIfNull(TimeProvider);
        ArgumentNullException.ThrowIfNull(Scheduler);
        ArgumentNullException.ThrowIfNull(Logger);
        if (MaxMessageBytes is < 1024 or > 64 * 1024 * 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxMessageBytes), MaxMessageBytes, "MaxMessageBytes must be between 1 KiB and 64 MiB.");
        }

        if (SilenceTimeout <= TimeSpan.Zero && SilenceTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(SilenceTimeout), SilenceTimeout, "SilenceTimeout must be positive (or infinite to turn it off).");
        }

        if (CloseTimeout < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(CloseTimeout), CloseTimeout, "CloseTimeout must not be negative.");
        }

        ReconnectPolicy?.Validate();
    }

    /// <summary>Never prints the token.</summary>
    /// <returns>The options with the token redacted.</returns>
    public override string ToString() => $"ChatSocketOptions {{ Uri = {RedactedUri()}, Reconnect = {ReconnectPolicy?.ToString() ?? "none"} }}";

    private string Build(string token, bool escapeToken = true)
    {
        var scheme = BaseUri.Scheme switch
        {
            "http" or "ws" => "ws",
            _ => "wss",
        };

        var builder = new StringBuilder()
            .Append(scheme).Append("://").Append(BaseUri.Authority)
            .Append(BaseUri.AbsolutePath.TrimEnd('/'))
            .Append(Api.ChatProtocol.Path)
            .Append('?').Append(Api.ChatProtocol.SessionIdParameter).Append('=').Append(Uri.EscapeDataString(SessionId))
            .Append('&').Append(Api.ChatProtocol.SessionTokenParameter).Append('=').Append(escapeToken ? Uri.EscapeDataString(token) : token)
            .Append('&').Append(Api.ChatProtocol.SilenceResponseParameter).Append('=').Append(SilenceResponse ? "true" : "false")
            .Append('&').Append(Api.ChatProtocol.PushToTalkParameter).Append('=').Append(PushToTalk ? "true" : "false");
        if (LiveKitTransport)
        {
            builder.Append('&').Append(Api.ChatProtocol.ArchVersionParameter).Append('=').Append(Api.ChatProtocol.LiveKitArchVersion);
        }

        return builder.ToString();
    }
}
