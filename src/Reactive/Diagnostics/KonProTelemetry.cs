using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace KonPro.Streaming;

/// <summary>
/// The SDK's traces and metrics, named by <see cref="KonProDiagnostics"/> (where users find the names): one span per
/// REST call and around starting and (re)connecting, and the histograms of call durations, time to <c>StreamReady</c>
/// and speak-to-<c>AvatarStartTalking</c> latency, plus the reconnect, retry and dropped-audio counters and the gaps in the event stream.
/// </summary>
internal sealed class KonProTelemetry : IDisposable
{
    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    public KonProTelemetry(IMeterFactory? meterFactory = null)
    {
        var version = typeof(KonProTelemetry).Assembly.GetName().Version?.ToString();
        if (meterFactory is null)
        {
            _meter = new Meter(KonProDiagnostics.MeterName, version);
            _ownsMeter = true;
        }
        else
        {
            _meter = meterFactory.Create(new MeterOptions(KonProDiagnostics.MeterName) { Version = version });
        }

        ActivitySource = new ActivitySource(KonProDiagnostics.ActivitySourceName, version);
        CallDuration = _meter.CreateHistogram<double>("konpro.streaming_avatar.call.duration", "s", "Duration of KonPro REST calls.");
        TimeToStreamReady = _meter.CreateHistogram<double>("konpro.streaming_avatar.stream_ready.duration", "s", "Time from starting an avatar to StreamReady.");
        SpeakLatency = _meter.CreateHistogram<double>("konpro.streaming_avatar.speak.latency", "s", "Time from a speak call to the avatar starting to talk.");
        Reconnects = _meter.CreateCounter<long>("konpro.streaming_avatar.reconnects", "{reconnect}", "Chat socket reconnects.");
        Retries = _meter.CreateCounter<long>("konpro.streaming_avatar.call.retries", "{retry}", "REST call retries.");
        DroppedAudioFrames = _meter.CreateCounter<long>("konpro.streaming_avatar.audio.frames_dropped", "{frame}", "Voice chat audio frames dropped while the chat socket was not open.");
        RefusedMessages = _meter.CreateCounter<long>("konpro.streaming_avatar.messages.refused", "{message}", "Chat socket and room messages refused because they carry the name of an event only the SDK raises.");
        EventGapDuration = _meter.CreateHistogram<double>("konpro.streaming_avatar.event_gap.duration", "s", "Gaps in the event stream: time from a chat socket drop to its reconnect, in which events may have been lost (one per stream_reconnected).");
    }

    /// <summary>The tag of <see cref="RefusedMessages"/> that names the channel: <c>chat</c> or <c>room</c>.</summary>
    public const string ChannelTag = "konpro.channel";

    /// <summary>The tag of <see cref="RefusedMessages"/> that names the refused event name.</summary>
    public const string EventNameTag = "konpro.event";

    public ActivitySource ActivitySource { get; }

    public Histogram<double> CallDuration { get; }

    public Histogram<double> TimeToStreamReady { get; }

    public Histogram<double> SpeakLatency { get; }

    public Counter<long> Reconnects { get; }

    public Counter<long> Retries { get; }

    public Counter<long> DroppedAudioFrames { get; }

    public Counter<long> RefusedMessages { get; }

    /// <summary>Counts one refused message.</summary>
    public static void CountRefused(Counter<long>? counter, string channel, string eventName) =>
        counter?.Add(1, new KeyValuePair<string, object?>(ChannelTag, channel), new KeyValuePair<string, object?>(EventNameTag, eventName));
    public Histogram<double> EventGapDuration { get; }

    public void Dispose()
    {
        ActivitySource.Dispose();
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
