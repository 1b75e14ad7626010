using System.Diagnostics.Metrics;

namespace KonPro.Streaming.Conversation;

/// <summary>The conversation's latency figures, in the SDK's meter (<c>KonPro.Streaming</c>).</summary>
internal sealed class ConversationTelemetry : IDisposable
{
    public const string MeterName = "KonPro.StreamingAvatar";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    public ConversationTelemetry(IMeterFactory? meterFactory)
    {
        var version = typeof(ConversationTelemetry).Assembly.GetName().Version?.ToString();
        if (meterFactory is null)
        {
            _meter = new Meter(MeterName, version);
            _ownsMeter = true;
        }
        else
        {
            _meter = meterFactory.Create(new MeterOptions(MeterName) { Version = version });
        }

        FirstToken = _meter.CreateHistogram<double>("konpro.streaming_avatar.conversation.first_token.latency", "s", "Time from the end of the user's utterance to the model's first token.");
        FirstSpeech = _meter.CreateHistogram<double>("konpro.streaming_avatar.conversation.first_speech.latency", "s", "Time from the end of the user's utterance to the avatar starting to speak the answer.");
        ModelErrors = _meter.CreateCounter<long>("konpro.streaming_avatar.conversation.model_errors", "{error}", "Answers that failed (the model or the avatar refused).");
    }

    public Histogram<double> FirstToken { get; }

    public Histogram<double> FirstSpeech { get; }

    public Counter<long> ModelErrors { get; }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
