namespace KonPro.Streaming.Api;

/// <summary>
/// The realtime audio socket's address, message envelope, fields, audio format and close rule, as
/// <c>openapi/konpro-realtime.asyncapi.yaml</c> describes them. The SDK and the fake server both use these names, and
/// a test holds them, the document, the SDK and the fake in agreement.
/// </summary>
internal static class RealtimeProtocol
{
    /// <summary>The socket's path below the API's host, before the session's secret: <c>/v1/ws/streaming.realtime/</c>.</summary>
    public const string PathPrefix = "/v1/ws/streaming.realtime/";

    /// <summary>The property that names every message, in both directions: <c>type</c>.</summary>
    public const string TypeProperty = "type";

    /// <summary>The message's id (<c>event_id</c>); on speaking messages and events, the utterance's.</summary>
    public const string EventIdProperty = "event_id";

    /// <summary>Base64 PCM16 audio (<c>agent.speak</c>).</summary>
    public const string AudioProperty = "audio";

    /// <summary>A state word (<c>session.state_updated</c>, <c>agent.state</c>).</summary>
    public const string StateProperty = "state";

    /// <summary>How long the avatar spoke, in milliseconds (<c>agent.speak_ended</c>, <c>agent.speak_interrupted</c>).</summary>
    public const string DurationMsProperty = "duration_ms";

    /// <summary>The object that says what was refused (<c>error</c>).</summary>
    public const string ErrorProperty = "error";

    /// <summary>Inside <see cref="ErrorProperty"/>: the error's code (<see cref="RealtimeErrorCodes"/>).</summary>
    public const string ErrorCodeProperty = "code";

    /// <summary>Inside <see cref="ErrorProperty"/>: what was wrong, for people.</summary>
    public const string ErrorMessageProperty = "message";

    /// <summary>The sample rate of the audio in <c>agent.speak</c>: 24,000 Hz (signed 16-bit little-endian PCM).</summary>
    public const int AudioSampleRate = 24_000;

    /// <summary>The channel count of the audio in <c>agent.speak</c>: mono.</summary>
    public const int AudioChannels = 1;

    /// <summary>
    /// Whether a close with this status ends the socket for good: 1000 and every status from 4000 to 4999
    /// (<c>x-close-statuses</c> and <c>x-final-range</c>). Any other status, and a connection lost without a close
    /// handshake, allows a reconnect while the session lives.
    /// </summary>
    /// <param name="status">The close status.</param>
    /// <returns><see langword="true"/> for a final status.</returns>
    public static bool IsFinal(int status) => status is ChatCloseStatus.SessionStopped or (>= 4000 and <= 4999);
}

/// <summary>The types of the messages a client sends on the realtime audio socket (<c>receiveMessages</c> of the document).</summary>
internal static class RealtimeMessageTypes
{
    /// <summary>A piece of an utterance's audio.</summary>
    public const string Speak = "agent.speak";

    /// <summary>The utterance has all its audio.</summary>
    public const string SpeakEnd = "agent.speak_end";

    /// <summary>Interrupts the utterance being spoken and those queued.</summary>
    public const string Interrupt = "agent.interrupt";

    /// <summary>Listening mode on.</summary>
    public const string StartListening = "agent.start_listening";

    /// <summary>Listening mode off.</summary>
    public const string StopListening = "agent.stop_listening";

    /// <summary>Keeps the session alive.</summary>
    public const string KeepAlive = "session.keep_alive";

    /// <summary>The older alpha name of <see cref="Speak"/> (servers accept it; clients send <see cref="Speak"/>).</summary>
    public const string AudioBufferAppend = "agent.audio_buffer_append";

    /// <summary>The older alpha name of <see cref="SpeakEnd"/>.</summary>
    public const string AudioBufferCommit = "agent.audio_buffer_commit";

    /// <summary>The older alpha name of <see cref="Interrupt"/>.</summary>
    public const string AudioBufferClear = "agent.audio_buffer_clear";

    /// <summary>Every type above, in the order of the protocol document.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        Speak, SpeakEnd, Interrupt, StartListening, StopListening, KeepAlive,
        AudioBufferAppend, AudioBufferCommit, AudioBufferClear,
    ];
}

/// <summary>The types of the messages the server sends on the realtime audio socket (<c>sendEvents</c> of the document).</summary>
internal static class RealtimeEventTypes
{
    /// <summary>The session's state on this socket (<see cref="RealtimeStates"/>).</summary>
    public const string SessionStateUpdated = "session.state_updated";

    /// <summary>What the avatar is doing (<see cref="RealtimeStates"/>).</summary>
    public const string AgentState = "agent.state";

    /// <summary>The avatar began speaking an utterance.</summary>
    public const string SpeakStarted = "agent.speak_started";

    /// <summary>The avatar finished an utterance.</summary>
    public const string SpeakEnded = "agent.speak_ended";

    /// <summary>An interrupt cut an utterance short or dropped it.</summary>
    public const string SpeakInterrupted = "agent.speak_interrupted";

    /// <summary>The server refused a message.</summary>
    public const string Error = "error";

    /// <summary>Every type above, in the order of the protocol document.</summary>
    public static IReadOnlyList<string> All { get; } = [SessionStateUpdated, AgentState, SpeakStarted, SpeakEnded, SpeakInterrupted, Error];
}

/// <summary>The state words of <c>session.state_updated</c> and <c>agent.state</c>.</summary>
internal static class RealtimeStates
{
    /// <summary>Session: open, while the server prepares the session.</summary>
    public const string Connecting = "connecting";

    /// <summary>Session: the server speaks what it is sent.</summary>
    public const string Connected = "connected";

    /// <summary>Session: the server is closing the socket.</summary>
    public const string Closing = "closing";

    /// <summary>Session: closed.</summary>
    public const string Closed = "closed";

    /// <summary>Avatar: neither speaking nor listening.</summary>
    public const string Idle = "idle";

    /// <summary>Avatar: speaking an utterance.</summary>
    public const string Speaking = "speaking";

    /// <summary>Avatar: listening.</summary>
    public const string Listening = "listening";

    /// <summary>The session states, in the order of the protocol document.</summary>
    public static IReadOnlyList<string> Session { get; } = [Connecting, Connected, Closing, Closed];

    /// <summary>The avatar states, in the order of the protocol document.</summary>
    public static IReadOnlyList<string> Agent { get; } = [Idle, Speaking, Listening];
}

/// <summary>The codes of the realtime socket's <c>error</c> events.</summary>
internal static class RealtimeErrorCodes
{
    /// <summary>The message is not JSON, or not a JSON object.</summary>
    public const string InvalidJson = "invalid_json";

    /// <summary>The message has no <c>type</c>.</summary>
    public const string MissingType = "missing_type";

    /// <summary>The message's type is not one the server knows.</summary>
    public const string UnknownType = "unknown_type";

    /// <summary>A speak message without audio.</summary>
    public const string MissingAudio = "missing_audio";

    /// <summary>Audio that is not base64, or not whole 16-bit samples.</summary>
    public const string InvalidAudio = "invalid_audio";

    /// <summary>An end for an utterance that has no audio.</summary>
    public const string UnknownEventId = "unknown_event_id";

    /// <summary>A message larger than the server takes.</summary>
    public const string MessageTooLarge = "message_too_large";

    /// <summary>A binary message (messages are JSON text).</summary>
    public const string InvalidMessage = "invalid_message";

    /// <summary>Every code above, in the order of the protocol document.</summary>
    public static IReadOnlyList<string> All { get; } =
        [InvalidJson, MissingType, UnknownType, MissingAudio, InvalidAudio, UnknownEventId, MessageTooLarge, InvalidMessage];
}
