using KonPro.Streaming.Admin;

namespace KonPro.Streaming;

/// <summary>
/// The names under which the SDK publishes its traces, metrics and logs, for wiring up OpenTelemetry or any other
/// listener (<c>AddSource(KonProDiagnostics.ActivitySourceName)</c>, <c>AddMeter(KonProDiagnostics.MeterName)</c>,
/// a log filter on <see cref="LogCategoryPrefix"/>). The README's Telemetry section lists every span, metric and log
/// event id.
/// </summary>
public static class KonProDiagnostics
{
    /// <summary>
    /// The name of the SDK's <see cref="System.Diagnostics.ActivitySource"/>: one client span per REST call
    /// (<c>KonPro NewSession</c>, <c>KonPro SendTask</c>, …) and internal spans around starting a session and
    /// connecting or reconnecting its chat socket.
    /// </summary>
    public const string ActivitySourceName = "KonPro.StreamingAvatar";

    /// <summary>The name of the SDK's <see cref="System.Diagnostics.Metrics.Meter"/> (call durations, retries, time to stream ready, speak latency, reconnects).</summary>
    public const string MeterName = "KonPro.StreamingAvatar";

    /// <summary>The start every SDK log category shares: filter on it to see or silence all of the SDK's logs.</summary>
    public const string LogCategoryPrefix = "KonPro.StreamingAvatar";

    /// <summary>The log category of <see cref="StreamingAvatar"/> (its REST calls, session, events, chat socket and voice chat).</summary>
    public const string StreamingAvatarLogCategory = "KonPro.StreamingAvatar.StreamingAvatar";

    /// <summary>The log category of <see cref="KonProAdminClient"/> (its REST calls).</summary>
    public const string AdminClientLogCategory = "KonPro.StreamingAvatar.KonProAdminClient";

    /// <summary>The span tag that carries the session id on every span of a session.</summary>
    public const string SessionIdTag = "konpro.session_id";

    /// <summary>The span and metric tag that carries the REST operation (e.g. <c>NewSession</c>).</summary>
    public const string OperationTag = "konpro.operation";
}
