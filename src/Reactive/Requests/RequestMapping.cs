using Wire = KonPro.Streaming.Api;

namespace KonPro.Streaming;

/// <summary>Maps the friendly request types onto the generated wire DTOs (a speak request's mapping is speaking's: <see cref="Speaking.SpeakMapping"/>).</summary>
internal static class RequestMapping
{
    /// <summary>The <c>source</c> every session created by this SDK declares.</summary>
    public const string Source = "sdk";

    public static Wire.NewSessionRequest ToWire(StartAvatarRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var wire = new Wire.NewSessionRequest
        {
            AvatarId = request.AvatarName,
            Quality = request.Quality is { } quality ? ToWire(quality) : null,
            KnowledgeBaseId = request.KnowledgeId,
            KnowledgeBase = request.KnowledgeBase,
            Voice = request.Voice is { } voice ? ToWire(voice) : null,
            Language = request.Language,
            Version = request.Version,
            VideoEncoding = request.VideoEncoding is { } encoding ? ToWire(encoding) : null,
            Source = Source,
            SttSettings = request.SttSettings is { } stt ? ToWire(stt) : null,
            IaIsLiveKitTransport = request.VoiceChatTransport is { } transport ? transport == VoiceChatTransport.LiveKit : null,
            SilenceResponse = request.UseSilencePrompt,
            ActivityIdleTimeout = request.ActivityIdleTimeout,
            EnablePushToTalk = request.EnablePushToTalk,
            LiveKitSettings = request.LiveKitSettings is { } livekit
                ? new Wire.LiveKitSettings { Url = livekit.Url, Room = livekit.Room, Token = livekit.Token }
                : null,
        };
#pragma warning disable CS0612, CS0618 // the deprecated flag is still forwarded for callers that set it
        wire.DisableIdleTimeout = request.DisableIdleTimeout;
#pragma warning restore CS0612, CS0618
        return wire;
    }

    private static Wire.VoiceSetting ToWire(VoiceSetting voice) => new()
    {
        VoiceId = voice.VoiceId,
        Rate = voice.Rate,
        Emotion = voice.Emotion is { } emotion ? ToWire(emotion) : null,
        ElevenLabsSettings = voice.ElevenLabsSettings is { } eleven
            ? new Wire.ElevenLabsSettings
            {
                Stability = eleven.Stability,
                SimilarityBoost = eleven.SimilarityBoost,
                Style = eleven.Style,
                UseSpeakerBoost = eleven.UseSpeakerBoost,
                ModelId = eleven.ModelId is { } model ? ToWire(model) : null,
            }
            : null,
    };

    private static Wire.SttSettings ToWire(SttSettings stt) => new()
    {
        Provider = stt.Provider switch
        {
            null => null,
            SttProvider.Gladia => Wire.SttProvider.Gladia,
            SttProvider.AssemblyAi => Wire.SttProvider.AssemblyAi,
            _ => Wire.SttProvider.Deepgram,
        },
        Confidence = stt.Confidence,
    };

    private static Wire.AvatarQuality ToWire(AvatarQuality quality) => quality switch
    {
        AvatarQuality.Low => Wire.AvatarQuality.Low,
        AvatarQuality.High => Wire.AvatarQuality.High,
        _ => Wire.AvatarQuality.Medium,
    };

    private static Wire.VoiceEmotion ToWire(VoiceEmotion emotion) => emotion switch
    {
        VoiceEmotion.Excited => Wire.VoiceEmotion.Excited,
        VoiceEmotion.Serious => Wire.VoiceEmotion.Serious,
        VoiceEmotion.Friendly => Wire.VoiceEmotion.Friendly,
        VoiceEmotion.Soothing => Wire.VoiceEmotion.Soothing,
        _ => Wire.VoiceEmotion.Broadcaster,
    };

    private static Wire.VideoEncoding ToWire(VideoEncoding encoding) =>
        encoding == VideoEncoding.H264 ? Wire.VideoEncoding.H264 : Wire.VideoEncoding.VP8;

    private static Wire.ElevenLabsModel ToWire(ElevenLabsModel model) =>
        model == ElevenLabsModel.ElevenMultilingualV2 ? Wire.ElevenLabsModel.ElevenMultilingualV2 : Wire.ElevenLabsModel.ElevenFlashV25;
}
