using KonPro.Streaming.Api.Frames;

namespace KonPro.Streaming.Testing;

/// <summary>What a message a client sent on the chat socket turned out to be.</summary>
public enum ChatFrameKind
{
    /// <summary>A <c>Frame</c> carrying a <c>TextFrame</c> (a typed user message).</summary>
    Text,

    /// <summary>A <c>Frame</c> carrying an <c>AudioRawFrame</c>.</summary>
    Audio,

    /// <summary>A <c>Frame</c> carrying a <c>TranscriptionFrame</c>.</summary>
    Transcription,

    /// <summary>A <c>Frame</c> with none of its fields set.</summary>
    Empty,

    /// <summary>A binary message that is not a protobuf <c>Frame</c>.</summary>
    Malformed,

    /// <summary>A text (not binary) WebSocket message; the server ignores it.</summary>
    TextMessage,
}

/// <summary>One message a client sent on the chat socket, reassembled from its frames and decoded.</summary>
/// <param name="At">When the message was complete.</param>
/// <param name="SessionId">The session the socket is bound to.</param>
/// <param name="ConnectionId">The fake's id of the socket (its logs name it too).</param>
/// <param name="Kind">What the message was.</param>
/// <param name="Frame">
/// The decoded protobuf frame, for binary messages that decoded and are at most
/// <see cref="KonProFakeServerOptions.MaxRecordedBodyBytes"/> long.
/// </param>
/// <param name="Text">The text of a text message, or of a TextFrame / TranscriptionFrame (a long one as its prefix).</param>
/// <param name="Length">The message's size in bytes.</param>
public sealed record ChatFrameRecord(
    DateTimeOffset At,
    string? SessionId,
    Guid ConnectionId,
    ChatFrameKind Kind,
    Frame? Frame,
    string? Text,
    int Length);
