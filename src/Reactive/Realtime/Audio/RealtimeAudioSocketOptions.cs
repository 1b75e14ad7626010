using System.Net.WebSockets;
using Microsoft.Extensions.Logging;

namespace KonPro.Streaming;

/// <summary>Settings of a <see cref="RealtimeAudioSocket"/>.</summary>
public sealed class RealtimeAudioSocketOptions
{
    /// <summary>How often <c>session.keep_alive</c> is sent (default 2 minutes); <see cref="TimeSpan.Zero"/> turns it off.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How an abrupt loss of the socket is retried (none when null). Utterances in progress then end as interrupted.</summary>
    public ReconnectPolicy? ReconnectPolicy { get; set; } = ReconnectPolicy.Default;

    /// <summary>The most audio per <c>agent.speak</c> message (default 1 second; the first message of an utterance may be shorter).</summary>
    public TimeSpan MaxAudioPerMessage { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The clock of keep-alives, reconnect delays and timestamps (the system clock when null).</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>Where logs go (nowhere when null). The endpoint is logged redacted: it is the credential.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Opens the WebSocket (the seam tests replace); a plain <see cref="ClientWebSocket"/> when null.</summary>
    internal Func<Uri, CancellationToken, Task<WebSocket>>? Connect { get; set; }

    internal void Validate()
    {
        if (KeepAliveInterval < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(KeepAliveInterval), KeepAliveInterval, $"{nameof(KeepAliveInterval)} must not be negative.");
        }

        if (MaxAudioPerMessage < TimeSpan.FromMilliseconds(20) || MaxAudioPerMessage > TimeSpan.FromSeconds(10))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAudioPerMessage), MaxAudioPerMessage, $"{nameof(MaxAudioPerMessage)} must be between 20 ms and 10 s.");
        }

        ReconnectPolicy?.Validate();
    }
}
