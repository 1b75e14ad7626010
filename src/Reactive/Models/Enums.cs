namespace KonPro.Streaming;

/// <summary>The quality of the avatar's stream.</summary>
public enum AvatarQuality
{
    /// <summary>500 kbps, 360p.</summary>
    Low,

    /// <summary>1000 kbps, 480p (the default).</summary>
    Medium,

    /// <summary>2000 kbps, 720p.</summary>
    High,
}

/// <summary>The emotion of the avatar's voice.</summary>
public enum VoiceEmotion
{
    /// <summary>Excited.</summary>
    Excited,

    /// <summary>Serious.</summary>
    Serious,

    /// <summary>Friendly.</summary>
    Friendly,

    /// <summary>Soothing.</summary>
    Soothing,

    /// <summary>Broadcaster.</summary>
    Broadcaster,
}

/// <summary>How the avatar treats the text of a speak request.</summary>
public enum TaskType
{
    /// <summary>The avatar answers the text with the reply of its language model (shaped by the knowledge base).</summary>
    Talk,

    /// <summary>The avatar says the text as given.</summary>
    Repeat,
}

/// <summary>When a speak request's call returns.</summary>
public enum TaskMode
{
    /// <summary>The call returns when the avatar has finished speaking.</summary>
    Sync,

    /// <summary>The call returns as soon as the task is queued.</summary>
    Async,
}

/// <summary>How the user's input travels to the avatar.</summary>
public enum VoiceChatTransport
{
    /// <summary>Over the chat WebSocket (the default).</summary>
    WebSocket,

    /// <summary>Over the LiveKit room.</summary>
    LiveKit,
}

/// <summary>The speech-to-text provider.</summary>
public enum SttProvider
{
    /// <summary>Deepgram (the default).</summary>
    Deepgram,

    /// <summary>Gladia.</summary>
    Gladia,

    /// <summary>AssemblyAI.</summary>
    AssemblyAi,
}

/// <summary>The ElevenLabs model of the voice.</summary>
public enum ElevenLabsModel
{
    /// <summary><c>eleven_flash_v2_5</c>.</summary>
    ElevenFlashV25,

    /// <summary><c>eleven_multilingual_v2</c>.</summary>
    ElevenMultilingualV2,
}

/// <summary>The video codec of the stream.</summary>
public enum VideoEncoding
{
    /// <summary>VP8 (the default).</summary>
    Vp8,

    /// <summary>H.264.</summary>
    H264,
}

/// <summary>The quality of the connection to the avatar.</summary>
public enum ConnectionQuality
{
    /// <summary>Not known yet.</summary>
    Unknown,

    /// <summary>Good.</summary>
    Good,

    /// <summary>Bad.</summary>
    Bad,
}

/// <summary>The state of a <c>StreamingAvatar</c> session.</summary>
public enum SessionState
{
    /// <summary>No session yet.</summary>
    Inactive,

    /// <summary>The session is being created (<c>new</c>).</summary>
    Creating,

    /// <summary>The session is being started (<c>start</c>).</summary>
    Starting,

    /// <summary>The chat socket (or room) is connecting.</summary>
    Connecting,

    /// <summary>The stream is ready.</summary>
    Connected,

    /// <summary>The chat socket dropped and is reconnecting.</summary>
    Reconnecting,

    /// <summary>The session is being closed: stopped by the client, after a failed start, or after the server or the network ended it.</summary>
    Disconnecting,

    /// <summary>The session is over.</summary>
    Closed,
}

/// <summary>Why the stream or session ended.</summary>
public enum DisconnectReason
{
    /// <summary>The client stopped the session (<c>stop</c>, close status 1000 <c>session_stopped</c>).</summary>
    ClientStop,

    /// <summary>No activity for <c>activity_idle_timeout</c> (close status 4001).</summary>
    IdleTimeout,

    /// <summary>The session reached its duration limit (close status 4002).</summary>
    DurationLimit,

    /// <summary>Bad or expired session token, or a session it does not own (close status 4401).</summary>
    Unauthorized,

    /// <summary>The server does not know the session (close status 4404).</summary>
    SessionNotFound,

    /// <summary>The server went away, restarted or failed (close status 1001, 1011, 1012 or another).</summary>
    ServerClosed,

    /// <summary>The connection was lost without a close handshake.</summary>
    NetworkLost,

    /// <summary>The session could not be started.</summary>
    StartFailed,
}
