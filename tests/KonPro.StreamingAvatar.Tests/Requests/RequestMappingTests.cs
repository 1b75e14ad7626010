using KonPro.Streaming.Tests.Support;

namespace KonPro.Streaming.Tests.Requests;

public sealed class RequestMappingTests
{
    [Fact]
    public void Every_start_option_maps_onto_the_wire_request()
    {
#pragma warning disable CS0618 // the deprecated flag is still forwarded
        var request = new StartAvatarRequest
        {
            AvatarName = "anna",
            Quality = AvatarQuality.High,
            Voice = new VoiceSetting
            {
                VoiceId = "v1",
                Rate = 1.2,
                Emotion = VoiceEmotion.Soothing,
                ElevenLabsSettings = new ElevenLabsSettings { Stability = 0.1, SimilarityBoost = 0.2, Style = 0.3, UseSpeakerBoost = true, ModelId = ElevenLabsModel.ElevenMultilingualV2 },
            },
            KnowledgeId = "kb-1",
            KnowledgeBase = "You are kind.",
            SttSettings = new SttSettings { Provider = SttProvider.AssemblyAi, Confidence = 0.7 },
            Language = "ja",
            VoiceChatTransport = VoiceChatTransport.LiveKit,
            ActivityIdleTimeout = 300,
            DisableIdleTimeout = true,
            EnablePushToTalk = true,
            UseSilencePrompt = true,
            VideoEncoding = VideoEncoding.H264,
            Version = "v2",
            LiveKitSettings = new LiveKitSettings { Url = "wss://lk", Room = "r", Token = "lk-token" },
        };
#pragma warning restore CS0618

        var json = WireJson.Of(RequestMapping.ToWire(request));

        json.GetProperty("avatar_id").GetString().Should().Be("anna");
        json.GetProperty("quality").GetString().Should().Be("high");
        json.GetProperty("voice").GetProperty("voice_id").GetString().Should().Be("v1");
        json.GetProperty("voice").GetProperty("rate").GetDouble().Should().Be(1.2);
        json.GetProperty("voice").GetProperty("emotion").GetString().Should().Be("soothing");
        var eleven = json.GetProperty("voice").GetProperty("elevenlabs_settings");
        eleven.GetProperty("stability").GetDouble().Should().Be(0.1);
        eleven.GetProperty("similarity_boost").GetDouble().Should().Be(0.2);
        eleven.GetProperty("style").GetDouble().Should().Be(0.3);
        eleven.GetProperty("use_speaker_boost").GetBoolean().Should().BeTrue();
        eleven.GetProperty("model_id").GetString().Should().Be("eleven_multilingual_v2");
        json.GetProperty("knowledge_base_id").GetString().Should().Be("kb-1");
        json.GetProperty("knowledge_base").GetString().Should().Be("You are kind.");
        json.GetProperty("stt_settings").GetProperty("provider").GetString().Should().Be("assembly_ai");
        json.GetProperty("stt_settings").GetProperty("confidence").GetDouble().Should().Be(0.7);
        json.GetProperty("language").GetString().Should().Be("ja");
        json.GetProperty("ia_is_livekit_transport").GetBoolean().Should().BeTrue();
        json.GetProperty("activity_idle_timeout").GetInt32().Should().Be(300);
        json.GetProperty("disable_idle_timeout").GetBoolean().Should().BeTrue();
        json.GetProperty("enable_push_to_talk").GetBoolean().Should().BeTrue();
        json.GetProperty("silence_response").GetBoolean().Should().BeTrue();
        json.GetProperty("video_encoding").GetString().Should().Be("H264");
        json.GetProperty("version").GetString().Should().Be("v2");
        json.GetProperty("source").GetString().Should().Be("sdk");
        json.GetProperty("livekit_settings").GetProperty("token").GetString().Should().Be("lk-token");
    }

    [Fact]
    public void An_empty_request_sends_only_the_source()
    {
        var json = WireJson.Of(RequestMapping.ToWire(new StartAvatarRequest()));

        json.EnumerateObject().Select(p => p.Name).Should().Equal("source");
    }
}
