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
    // Without a meter factory every instance uses the same meter, instruments and activity source, made once for the
    // process: a meter of its own per session was a few kilobytes of each session's memory (the meter, eight
    // instruments, their listener lists and an activity source registered for good), and listeners find the SDK's
    // instruments by the meter's name either way.
    private static readonly Lazy<Instruments> ProcessWide = new(() =>
    {
        var version = Version;
        return new Instruments(new Meter(KonProDiagnostics.MeterName, version), new ActivitySource(KonProDiagnostics.ActivitySourceName, version));
    });

    private readonly Instruments _instruments;
    private readonly bool _ownsActivitySource;

    public KonProTelemetry(IMeterFactory? meterFactory = null)
    {
        if (meterFactory is null)
        {
            _instruments = ProcessWide.Value;
        }
        else
        {
            // The factory owns (and disposes) its meter; the activity source is this instance's.
            var version = Version;
            _instruments = new Instruments(
                meterFactory.Create(new MeterOptions(KonProDiagnostics.MeterName) { Version = version }),
                new ActivitySource(KonProDiagnostics.ActivitySourceName, version));
            _ownsActivitySource = true;
        }
    }

    private static string? Version => typeof(KonProTelemetry).Assembly.GetName().Version?.ToString();

    /// <summary>The tag of <see cref="RefusedMessages"/> that names the channel: <c>chat</c> or <c>room</c>.</summary>
    public const string ChannelTag = "konpro.channel";

    /// <summary>The tag of <see cref="RefusedMessages"/> that names the refused event name.</summary>
    public const string EventNameTag = "konpro.event";

    public ActivitySource ActivitySource => _instruments.ActivitySource;

    public Histogram<double> CallDuration => _instruments.CallDuration;

    public Histogram<double> TimeToStreamReady => _instruments.TimeToStreamReady;

    public Histogram<double> SpeakLatency => _instruments.SpeakLatency;

    public Counter<long> Reconnects => _instruments.Reconnects;

    public Counter<long> Retries => _instruments.Retries;

    public Counter<long> DroppedAudioFrames => _instruments.DroppedAudioFrames;

    public Counter<long> RefusedMessages => _instruments.RefusedMessages;

    /// <summary>Counts one refused message.</summary>
    public static void CountRefused(Counter<long>? counter, string channel, string eventName) =>
        counter?.Add(1, new KeyValuePair<string, object?>(ChannelTag, channel), new KeyValuePair<string, object?>(EventNameTag, eventName));
    public Histogram<double> EventGapDuration => _instruments.EventGapDuration;

    public void Dispose()
    {
        if (_ownsActivitySource)
        {
            _instruments.ActivitySource.Dispose();
        }
    }

    /// <summary>The meter's instruments and the activity source of one meter.</summary>
    private sealed class Instruments(Meter meter, ActivitySource activitySource)
    {
        public ActivitySource ActivitySource { get; } = activitySource;

        public Histogram<double> CallDuration { get; } = meter.CreateHistogram<double>("konpro.streaming_avatar.call.duration", "s", "Duration of KonPro REST calls.");

        public Histogram<double> TimeToStreamReady { get; } = meter.CreateHistogram<double>("konpro.streaming_avatar.stream_ready.duration", "s", "Time from starting an avatar to StreamReady.");

        public Histogram<double> SpeakLatency { get; } = meter.CreateHistogram<double>("konpro.streaming_avatar.speak.latency", "s", "Time from a speak call to the avatar starting to talk.");

        public Counter<long> Reconnects { get; } = meter.CreateCounter<long>("konpro.streaming_avatar.reconnects", "{reconnect}", "Chat socket reconnects.");

        public Counter<long> Retries { get; } = meter.CreateCounter<long>("konpro.streaming_avatar.call.retries", "{retry}", "REST call retries.");

        public Counter<long> DroppedAudioFrames { get; } = meter.CreateCounter<long>("konpro.streaming_avatar.audio.frames_dropped", "{frame}", "Voice chat audio frames dropped while the chat socket was not open.");

        public Counter<long> RefusedMessages { get; } = meter.CreateCounter<long>("konpro.streaming_avatar.messages.refused", "{message}", "Chat socket and room messages refused because they carry the name of an event only the SDK raises.");

        public Histogram<double> EventGapDuration { get; } = meter.CreateHistogram<double>("konpro.streaming_avatar.event_gap.duration", "s", "Gaps in the event stream: time from a chat socket drop to its reconnect, in which events may have been lost (one per stream_reconnected).");
    }
}
