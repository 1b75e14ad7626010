using KonPro.Streaming.Voice;

namespace KonPro.Streaming;

/// <summary>How to start voice chat: where the user's audio comes from, and how the avatar treats silence.</summary>
public sealed class StartVoiceChatRequest
{
    /// <summary>
    /// The user's audio: 16 kHz mono PCM16 (for example a <see cref="WavFileAudioSource"/>, a
    /// <see cref="PcmStreamAudioSource"/> or a <see cref="PushAudioSource"/> fed from a microphone). Not owned:
    /// the caller disposes it after <c>CloseVoiceChatAsync</c>.
    /// </summary>
    public required IAudioSource AudioSource { get; init; }

    /// <summary>
    /// Whether the avatar prompts the user after a silence. When it differs from the session's setting
    /// (<see cref="StartAvatarRequest.UseSilencePrompt"/>) the chat socket is reopened with the new value.
    /// Null keeps the session's setting.
    /// </summary>
    public bool? UseSilencePrompt { get; init; }

    /// <summary>Whether to start with the input muted (silence is sent instead of the source's audio).</summary>
    public bool IsInputAudioMuted { get; init; }
}
