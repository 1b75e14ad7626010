namespace KonPro.Streaming.Api;

/// <summary>
/// The chat WebSocket's address, query parameters and message envelope, as <c>openapi/konpro-chat.asyncapi.yaml</c>
/// describes them. The SDK and the fake server both use these names, and a test holds them, the document, the SDK
/// and the fake in agreement.
/// Internal: the SDK's and the fake's shared plumbing (ADR 0006); users reach the chat socket through the SDK.
/// </summary>
internal static class ChatProtocol
{
    /// <summary>The chat socket's path below the API's base URL: <c>/v1/ws/streaming.chat</c>.</summary>
    public const string Path = "/v1/ws/streaming.chat";

    /// <summary>The property that names the event on the chat socket: <c>event_type</c>.</summary>
    public const string EventNameProperty = "event_type";

    /// <summary>The property that names the event on the LiveKit room's data channel: <c>type</c>.</summary>
    public const string RoomEventNameProperty = "type";

    /// <summary>Query parameter: the session's id, as <c>new</c> returned it (required).</summary>
    public const string SessionIdParameter = "session_id";

    /// <summary>Query parameter: the session token (required; a secret, never logged).</summary>
    public const string SessionTokenParameter = "session_token";

    /// <summary>Query parameter: whether the avatar prompts the user after a silence (<c>true</c> or <c>false</c>).</summary>
    public const string SilenceResponseParameter = "silence_response";

    /// <summary>Query parameter: whether push-to-talk is on (<c>true</c> or <c>false</c>).</summary>
    public const string PushToTalkParameter = "push_to_talk";

    /// <summary>Query parameter: present, with <see cref="LiveKitArchVersion"/>, when the session uses the LiveKit transport.</summary>
    public const string ArchVersionParameter = "arch_version";

    /// <summary>The value of <see cref="ArchVersionParameter"/> for the LiveKit transport: <c>v2</c>.</summary>
    public const string LiveKitArchVersion = "v2";

    /// <summary>The sample rate of the audio in <c>AudioRawFrame</c>s: 16,000 Hz (signed 16-bit little-endian PCM).</summary>
    public const int AudioSampleRate = 16_000;

    /// <summary>The channel count of the audio in <c>AudioRawFrame</c>s: mono.</summary>
    public const int AudioChannels = 1;

    /// <summary>Samples per <c>AudioRawFrame</c>: 512 (32 ms at 16 kHz).</summary>
    public const int AudioSamplesPerChunk = 512;
}
