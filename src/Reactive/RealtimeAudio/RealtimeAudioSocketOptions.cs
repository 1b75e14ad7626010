using System.Reactive.Concurrency;
using KonPro.Streaming.Realtime;
using Microsoft.Extensions.Logging;

namespace KonPro.Streaming.RealtimeAudio;

/// <summary>Settings of a <see cref="RealtimeAudioSocket"/>.</summary>
public sealed class RealtimeAudioSocketOptions
{
    /// <summary>How often <c>session.keep_alive</c> is sent (default 2 minutes); <see cref="TimeSpan.Zero"/> turns it off.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How an abrupt loss of the socket is retried (none when null). Utterances in progress then end as interrupted.</summary>
    public ReconnectPolicy? ReconnectPolicy { get; set; } = ReconnectPolicy.Default;

    /// <summary>The most audio per <c>agent.speak</c> message (default 1 second; the first message of an utterance may be shorter).</summary>
    public TimeSpan MaxAudioPerMessage { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The clock of timestamps and of the close handshake's timeout (the system clock when null).</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>
    /// The scheduler of the timers: keep-alives and reconnect delays (<see cref="DefaultScheduler.Instance"/> when null).
    /// Tests drive it in virtual time with Rx's <c>HistoricalScheduler</c>.
    /// </summary>
    public IScheduler? Scheduler { get; set; }

    /// <summary>Where logs go (nowhere when null). The endpoint is logged redacted: it is the credential.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Opens the WebSocket (the seam tests replace); the chat socket's <see cref="ClientWebSocketConnector"/>, with its keep-alive pings, when null.</summary>
    internal IWebSocketConnector? Connector { get; set; }

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
