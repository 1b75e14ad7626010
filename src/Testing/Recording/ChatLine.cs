using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Serialization;
using Google.Protobuf;
using KonPro.Streaming.Api.Frames;

namespace KonPro.Streaming.Testing.Recording;

/// <summary>
/// One line of a chat socket's recording (JSON lines, <c>chat/&lt;session id&gt;.&lt;n&gt;.jsonl</c>): the socket's
/// opening (<c>dir: open</c>, its URL with the token redacted), a client message (<c>dir: client</c>, its kind and size;
/// a typed message's text), or a server frame or close (<c>dir: server</c>) with the client action it followed
/// (<c>after</c>, the <c>n</c>-th of its kind in the session) and how long after it (<c>delay_ms</c>).
/// </summary>
internal sealed record ChatLine
{
    public const string OpenDirection = "open";
    public const string ClientDirection = "client";
    public const string ServerDirection = "server";

    /// <summary>Milliseconds since the socket opened.</summary>
    [JsonPropertyName("t_ms")]
    public double AtMs { get; init; }

    [JsonPropertyName("dir")]
    public string Direction { get; init; } = ServerDirection;

    [JsonPropertyName("url")]
    public string? Url { get; init; }

    [JsonPropertyName("kind")]
    public string? Kind { get; init; }

    [JsonPropertyName("bytes")]
    public int? Bytes { get; init; }

    [JsonPropertyName("after")]
    public string? After { get; init; }

    [JsonPropertyName("n")]
    public int? Ordinal { get; init; }

    [JsonPropertyName("delay_ms")]
    public double? DelayMs { get; init; }

    /// <summary>A text frame (the server's JSON event, or a typed user message's words).</summary>
    [JsonPropertyName("text")]
    public string? Text { get; init; }

    /// <summary>A binary server frame, base64.</summary>
    [JsonPropertyName("binary")]
    public string? Binary { get; init; }

    [JsonPropertyName("close")]
    public int? CloseStatus { get; init; }

    [JsonPropertyName("reason")]
    public string? Reason { get; init; }

    public static JsonSerializerOptions CreateJsonOptions() => new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The timeline kind of a client message, and a typed message's words.</summary>
    public static (string Kind, string? Text) Classify(WebSocketMessageType type, ReadOnlySpan<byte> message)
    {
        if (type == WebSocketMessageType.Text)
        {
            return (SessionTimeline.Other, null);
        }

        try
        {
            var frame = Frame.Parser.ParseFrom(message);
            return frame.FrameCase switch
            {
                Frame.FrameOneofCase.Audio => (SessionTimeline.Audio, null),
                Frame.FrameOneofCase.Text => (SessionTimeline.Text, frame.Text.Text),
                Frame.FrameOneofCase.Transcription => (SessionTimeline.Text, frame.Transcription.Text),
                _ => (SessionTimeline.Other, null),
            };
        }
        catch (InvalidProtocolBufferException)
        {
            return (SessionTimeline.Other, null);
        }
    }
}
