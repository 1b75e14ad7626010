using System.Text.Json;
using KonPro.Streaming.Api;

namespace KonPro.Streaming.RealtimeAudio;

/// <summary>The state of a realtime audio socket.</summary>
public enum RealtimeAudioState
{
    /// <summary>Opening, or open while the server prepares the session (<c>connecting</c>).</summary>
    Connecting,

    /// <summary>The server speaks what it is sent (<c>connected</c>).</summary>
    Connected,

    /// <summary>The connection was lost; the client is opening it again (see <see cref="RealtimeAudioSocketOptions.ReconnectPolicy"/>).</summary>
    Reconnecting,

    /// <summary>The server is closing the socket (<c>closing</c>).</summary>
    Closing,

    /// <summary>Closed for good (the last state; the streams complete).</summary>
    Closed,
}

/// <summary>
/// A message from the realtime audio socket: JSON with <c>type</c> and <c>event_id</c>. Every known type has a
/// sealed subclass; anything else arrives as <see cref="UnknownRealtimeAudioEvent"/>.
/// </summary>
public abstract record RealtimeAudioEvent
{
    // The hierarchy is closed: the protocol's messages are the sealed records below, anything else is UnknownRealtimeAudioEvent.
    private protected RealtimeAudioEvent()
    {
    }

    /// <summary>The message's <c>type</c>.</summary>
    public required string Type { get; init; }

    /// <summary>The message's <c>event_id</c>: for speaking events, the id of the utterance they belong to.</summary>
    public string? EventId { get; init; }

    /// <summary>When the client received it.</summary>
    public DateTimeOffset ReceivedAt { get; init; }
}

/// <summary><c>session.state_updated</c>: the session's state on this socket.</summary>
public sealed record RealtimeSessionStateUpdated : RealtimeAudioEvent
{
    /// <summary>The state word: <c>connecting</c>, <c>connected</c>, <c>closing</c> or <c>closed</c>.</summary>
    public string State { get; init; } = string.Empty;
}

/// <summary><c>agent.state</c>: what the avatar is doing (<c>idle</c>, <c>speaking</c>, <c>listening</c>).</summary>
public sealed record RealtimeAgentState : RealtimeAudioEvent
{
    /// <summary>The state word.</summary>
    public string State { get; init; } = string.Empty;
}

/// <summary><c>agent.speak_started</c>: the avatar began speaking the utterance named by <see cref="RealtimeAudioEvent.EventId"/>.</summary>
public sealed record RealtimeSpeakStarted : RealtimeAudioEvent;

/// <summary><c>agent.speak_ended</c>: the avatar finished the utterance.</summary>
public sealed record RealtimeSpeakEnded : RealtimeAudioEvent
{
    /// <summary>How long it spoke, in milliseconds.</summary>
    public long DurationMs { get; init; }
}

/// <summary><c>agent.speak_interrupted</c>: an interrupt cut the utterance short (or dropped it before it began).</summary>
public sealed record RealtimeSpeakInterrupted : RealtimeAudioEvent
{
    /// <summary>How long it spoke before the interrupt, in milliseconds (0 when it never began).</summary>
    public long DurationMs { get; init; }
}

/// <summary><c>error</c>: the server refused a message (the socket stays open).</summary>
public sealed record RealtimeAudioError : RealtimeAudioEvent
{
    /// <summary>The error's code, for example <c>invalid_audio</c> or <c>unknown_type</c>.</summary>
    public string Code { get; init; } = string.Empty;

    /// <summary>What was wrong.</summary>
    public string Message { get; init; } = string.Empty;

    /// <summary>The <c>event_id</c> of the refused message, when it had one.</summary>
    public string? RefusedEventId { get; init; }
}

/// <summary>A message of a type this SDK does not know (kept whole, so nothing is lost).</summary>
public sealed record UnknownRealtimeAudioEvent : RealtimeAudioEvent
{
    /// <summary>The message as received (or what could be read of it).</summary>
    public string RawJson { get; init; } = string.Empty;
}

/// <summary>Reads the socket's JSON messages; never throws.</summary>
internal static class RealtimeAudioEventParser
{
    private delegate RealtimeAudioEvent Reader(JsonElement root, string type, string? eventId, DateTimeOffset receivedAt);

    // The typed records, by the type openapi/konpro-realtime.asyncapi.yaml gives them; any other type is unknown.
    private static readonly Dictionary<string, Reader> Readers = new(StringComparer.Ordinal)
    {
        [RealtimeEventTypes.SessionStateUpdated] = static (root, type, eventId, at) =>
            new RealtimeSessionStateUpdated { Type = type, EventId = eventId, ReceivedAt = at, State = Text(root, RealtimeProtocol.StateProperty) ?? string.Empty },
        [RealtimeEventTypes.AgentState] = static (root, type, eventId, at) =>
            new RealtimeAgentState { Type = type, EventId = eventId, ReceivedAt = at, State = Text(root, RealtimeProtocol.StateProperty) ?? string.Empty },
        [RealtimeEventTypes.SpeakStarted] = static (_, type, eventId, at) =>
            new RealtimeSpeakStarted { Type = type, EventId = eventId, ReceivedAt = at },
        [RealtimeEventTypes.SpeakEnded] = static (root, type, eventId, at) =>
            new RealtimeSpeakEnded { Type = type, EventId = eventId, ReceivedAt = at, DurationMs = Number(root, RealtimeProtocol.DurationMsProperty) },
        [RealtimeEventTypes.SpeakInterrupted] = static (root, type, eventId, at) =>
            new RealtimeSpeakInterrupted { Type = type, EventId = eventId, ReceivedAt = at, DurationMs = Number(root, RealtimeProtocol.DurationMsProperty) },
        [RealtimeEventTypes.Error] = Error,
    };

    /// <summary>The types this parser reads into a typed record (the protocol agreement test compares them with the document).</summary>
    internal static IReadOnlyCollection<string> KnownTypes => Readers.Keys;

    public static RealtimeAudioEvent Parse(string json, DateTimeOffset receivedAt)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new UnknownRealtimeAudioEvent { Type = string.Empty, RawJson = json, ReceivedAt = receivedAt };
            }

            var type = Text(root, RealtimeProtocol.TypeProperty) ?? string.Empty;
            var eventId = Text(root, RealtimeProtocol.EventIdProperty);
            return Readers.TryGetValue(type, out var read)
                ? read(root, type, eventId, receivedAt)
                : new UnknownRealtimeAudioEvent { Type = type, EventId = eventId, ReceivedAt = receivedAt, RawJson = json };
        }
        catch (JsonException)
        {
            return new UnknownRealtimeAudioEvent { Type = string.Empty, RawJson = json, ReceivedAt = receivedAt };
        }
    }

    private static RealtimeAudioError Error(JsonElement root, string type, string? eventId, DateTimeOffset receivedAt)
    {
        var error = root.TryGetProperty(RealtimeProtocol.ErrorProperty, out var e) && e.ValueKind == JsonValueKind.Object ? e : root;
        return new RealtimeAudioError
        {
            Type = type,
            EventId = eventId,
            ReceivedAt = receivedAt,
            Code = Text(error, RealtimeProtocol.ErrorCodeProperty) ?? string.Empty,
            Message = Text(error, RealtimeProtocol.ErrorMessageProperty) ?? string.Empty,
            RefusedEventId = Text(error, RealtimeProtocol.EventIdProperty),
        };
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : 0;
}
