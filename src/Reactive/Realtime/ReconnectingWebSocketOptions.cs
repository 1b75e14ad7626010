using System.Diagnostics;
using System.Reactive.Concurrency;
using Microsoft.Extensions.Logging;

namespace KonPro.Streaming.Realtime;

/// <summary>Where a <see cref="ReconnectingWebSocket"/> connects and how it behaves; each socket fills it from its own options.</summary>
internal sealed record ReconnectingWebSocketOptions
{
    /// <summary>The default bound of one received message: 1 MiB.</summary>
    internal const int DefaultMaxMessageBytes = 1024 * 1024;

    /// <summary>The full URL (it may hold a credential: never logged; <see cref="RedactedUri"/> is).</summary>
    public required Uri Uri { get; init; }

    /// <summary>The URL as logs show it.</summary>
    public required string RedactedUri { get; init; }

    /// <summary>The socket's name in logs and exceptions ("Chat socket", "Realtime audio socket").</summary>
    public required string Name { get; init; }

    /// <summary>Where the core logs.</summary>
    public required ILogger Logger { get; init; }

    /// <summary>The clock of timeouts: the close handshake and the silence watchdog (ADR 0007).</summary>
    public required TimeProvider TimeProvider { get; init; }

    /// <summary>The scheduler of timers: reconnect delays and keep-alives (ADR 0007).</summary>
    public required IScheduler Scheduler { get; init; }

    /// <summary>How to reconnect after a connection ended for a reason that allows it; <see langword="null"/> never reconnects.</summary>
    public ReconnectPolicy? ReconnectPolicy { get; init; }

    /// <summary>The largest message kept; larger ones are discarded and reported to the protocol.</summary>
    public int MaxMessageBytes { get; init; } = DefaultMaxMessageBytes;

    /// <summary>
    /// How long the socket waits without hearing from the server (no message, no pong) before it drops the connection as
    /// a network loss; timed on <see cref="TimeProvider"/>; <see cref="Timeout.InfiniteTimeSpan"/> (the default) turns it off.
    /// </summary>
    public TimeSpan SilenceTimeout { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>How often the protocol's keep-alive message goes out, on <see cref="Scheduler"/>; <see cref="TimeSpan.Zero"/> (the default) sends none.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.Zero;

    /// <summary>The bound of the close handshake on dispose.</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Where connect and reconnect spans go (none when null).</summary>
    public ActivitySource? ActivitySource { get; init; }

    /// <summary>The name of the first connection's span.</summary>
    public string ConnectActivityName { get; init; } = "KonPro Connect";

    /// <summary>The tags of every span.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> ActivityTags { get; init; } = [];
}
