namespace KonPro.Streaming;

/// <summary>
/// What to start: the avatar, its voice, its knowledge and how the user talks to it. Maps onto the wire
/// <c>NewSessionRequest</c>; every value is validated before anything is sent (see each property for its range).
/// </summary>
public sealed class StartAvatarRequest
{
    /// <summary>The interactive avatar's id (wire <c>avatar_id</c>); the server's <c>default</c> when null.</summary>
    public string? AvatarName { get; set; }

    /// <summary>The quality of the stream; the server's default (<see cref="AvatarQuality.Medium"/>) when null.</summary>
    public AvatarQuality? Quality { get; set; }

    /// <summary>The avatar's voice.</summary>
    public VoiceSetting? Voice { get; set; }

    /// <summary>The id of a knowledge base (wire <c>knowledge_base_id</c>) that shapes <see cref="TaskType.Talk"/> answers.</summary>
    public string? KnowledgeId { get; set; }

    /// <summary>A custom system prompt (wire <c>knowledge_base</c>) for <see cref="TaskType.Talk"/> answers.</summary>
    public string? KnowledgeBase { get; set; }

    /// <summary>Speech-to-text settings for voice chat.</summary>
    public SttSettings? SttSettings { get; set; }

    /// <summary>A basic language code such as <c>en</c> or <c>ja</c>; locale tags such as <c>en-US</c> are rejected.</summary>
    public string? Language { get; set; }

    /// <summary>How the user's input travels (<see cref="VoiceChatTransport.WebSocket"/> when null).</summary>
    public VoiceChatTransport? VoiceChatTransport { get; set; }

    /// <summary>Seconds without activity before the server closes the session: 30 to 3600 (server default 120).</summary>
    public int? ActivityIdleTimeout { get; set; }

    /// <summary>Deprecated: whether the session should never time out. Use <see cref="ActivityIdleTimeout"/> and keep-alive instead.</summary>
    [Obsolete("Use ActivityIdleTimeout and KeepAliveAsync (or StreamingAvatarOptions.AutoKeepAlive) instead.")]
    public bool? DisableIdleTimeout { get; set; }

    /// <summary>Whether the user talks only while push-to-talk is held (required by <c>PushToTalkStartAsync</c>).</summary>
    public bool? EnablePushToTalk { get; set; }

    /// <summary>Whether the avatar prompts the user after a silence (wire <c>silence_response</c>).</summary>
    public bool? UseSilencePrompt { get; set; }

    /// <summary>The video codec of the stream (<see cref="VideoEncoding.Vp8"/> when null).</summary>
    public VideoEncoding? VideoEncoding { get; set; }

    /// <summary>The API version to request, e.g. <c>v2</c>.</summary>
    public string? Version { get; set; }

    /// <summary>Bring your own LiveKit room instead of KonPro's.</summary>
    public LiveKitSettings? LiveKitSettings { get; set; }
}

/// <summary>The avatar's voice.</summary>
public sealed class VoiceSetting
{
    /// <summary>The voice id; the avatar's default voice when null.</summary>
    public string? VoiceId { get; set; }

    /// <summary>The speaking rate: 0.5 to 1.5 (server default 1).</summary>
    public double? Rate { get; set; }

    /// <summary>The emotion of the voice.</summary>
    public VoiceEmotion? Emotion { get; set; }

    /// <summary>Settings for ElevenLabs voices.</summary>
    public ElevenLabsSettings? ElevenLabsSettings { get; set; }
}

/// <summary>Settings for ElevenLabs voices; each number is between 0 and 1.</summary>
public sealed class ElevenLabsSettings
{
    /// <summary>Voice stability, 0 to 1.</summary>
    public double? Stability { get; set; }

    /// <summary>Similarity boost, 0 to 1.</summary>
    public double? SimilarityBoost { get; set; }

    /// <summary>Style exaggeration, 0 to 1.</summary>
    public double? Style { get; set; }

    /// <summary>Whether to use the speaker boost.</summary>
    public bool? UseSpeakerBoost { get; set; }

    /// <summary>The ElevenLabs model.</summary>
    public ElevenLabsModel? ModelId { get; set; }
}

/// <summary>Speech-to-text settings.</summary>
public sealed class SttSettings
{
    /// <summary>The provider (<see cref="SttProvider.Deepgram"/> when null).</summary>
    public SttProvider? Provider { get; set; }

    /// <summary>The confidence threshold, 0 to 1 (server default 0.55).</summary>
    public double? Confidence { get; set; }
}

/// <summary>Your own LiveKit room for the session. <see cref="ToString"/> never shows the token.</summary>
public sealed class LiveKitSettings
{
    /// <summary>The LiveKit server URL.</summary>
    public string? Url { get; set; }

    /// <summary>The room name.</summary>
    public string? Room { get; set; }

    /// <summary>The LiveKit access token (a secret).</summary>
    public string? Token { get; set; }

    /// <inheritdoc />
    public override string ToString() => $"LiveKitSettings {{ Url = {Url}, Room = {Room}, Token = {(Token is null ? "null" : SecretRedactor.Mask)} }}";
}
