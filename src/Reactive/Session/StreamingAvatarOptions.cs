using System.Diagnostics.Metrics;
using System.Reactive.Concurrency;
using KonPro.Streaming.Rooms;
using KonPro.Streaming.Speaking;
using Microsoft.Extensions.Logging;

namespace KonPro.Streaming;

/// <summary>How a <see cref="StreamingAvatar"/> logs, keeps time, keeps the session alive and reconnects.</summary>
public sealed class StreamingAvatarOptions
{
    /// <summary>Where logs go (none when null). Tokens and keys are redacted, including the chat socket URL's <c>session_token</c>.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Runs every timer (keep-alive, reconnect back-off); <see cref="DefaultScheduler.Instance"/> when null. Tests pass a <c>HistoricalScheduler</c>.</summary>
    public IScheduler? Scheduler { get; set; }

    /// <summary>The clock for timestamps, durations and timeouts; <see cref="System.TimeProvider.System"/> when null.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>Creates the <c>KonPro.Streaming</c> meter (dependency injection sets it); a private meter when null.</summary>
    public IMeterFactory? MeterFactory { get; set; }

    /// <summary>Whether to call <c>keep_alive</c> automatically while the session lives (off by default).</summary>
    public bool AutoKeepAlive { get; set; }

    /// <summary>
    /// The automatic keep-alive interval. When null, or longer than half of the session's idle timeout, half of
    /// the idle timeout is used (60 s for the default 120 s), which stays safely below it.
    /// </summary>
    public TimeSpan? KeepAliveInterval { get; set; }

    /// <summary>
    /// Whether and how to reconnect the chat socket after a drop it may recover from; null (the default) never reconnects.
    /// A server that goes silent (no event, no answer to the ping the client sends after 15 s without hearing from it)
    /// counts as a network loss, noticed 30 s after the last byte it sent (timed on <see cref="TimeProvider"/>).
    /// </summary>
    public ReconnectPolicy? ReconnectPolicy { get; set; }

    /// <summary>Joins the LiveKit room; null runs on the chat socket alone (see <see cref="IAvatarRoomConnector"/>).</summary>
    public IAvatarRoomConnector? RoomConnector { get; set; }

    /// <summary>
    /// Which participant <see cref="RoomConnector"/> joins the room as: <see cref="RoomParticipantRole.User"/> (the
    /// default, <c>access_token</c>) or <see cref="RoomParticipantRole.Agent"/> (<c>livekit_agent_token</c>), for a
    /// server that drives the session while a browser joins as the user with
    /// <see cref="StartAvatarResponse.UserRoomCredentials"/>. Events, media and publishing are the same either way. A
    /// start as the agent fails (and stops the session it created) when the service sent no agent token.
    /// </summary>
    public RoomParticipantRole RoomRole { get; set; }

    /// <summary>
    /// After the chat socket reconnected, how long (beyond the task's planned duration) a pending task's
    /// <see cref="SpeakHandle.Completed"/> waits for the task's end before it ends as <see cref="SpeakOutcome.Unknown"/>
    /// (its end may have been sent while the socket was down). The wait counts from the first reconnect the task was
    /// pending across: later drops do not extend it, so a handle ends at most its planned duration plus this timeout
    /// after that reconnect, however often the socket drops again. 10 s by default; timed on <see cref="Scheduler"/>.
    /// </summary>
    public TimeSpan SpeakOutcomeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How REST calls are retried and timed out (on by default; <see cref="KonProRetryOptions.None"/> turns retries off).</summary>
    public KonProRetryOptions Retry { get; set; } = new();

    /// <summary>How long <c>CreateStartAvatarAsync</c>/<c>StartSessionAsync</c> wait for the stream to be ready (30 s by default).</summary>
    public TimeSpan StreamReadyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Adjusts the options of each chat socket before it connects (a proxy, client certificates, a test's trust of a
    /// development certificate), as the <see cref="HttpClient"/> passed to the client does for REST; null (the default)
    /// leaves the platform's settings, certificate validation included. Runs after the SDK's own keep-alive settings.
    /// </summary>
    public Action<System.Net.WebSockets.ClientWebSocketOptions>? ConfigureChatSocket { get; set; }
}
