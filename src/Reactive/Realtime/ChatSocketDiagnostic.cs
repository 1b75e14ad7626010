namespace KonPro.Streaming.Realtime;

/// <summary>A message the chat socket received but could not turn into an event. Reported, never fatal.</summary>
/// <param name="Kind">What was wrong.</param>
/// <param name="Length">The message's length in bytes (for oversized messages, the bytes received before giving up counting).</param>
/// <param name="Preview">The start of the message as text (at most 256 characters), when it is text.</param>
internal sealed record ChatSocketDiagnostic(ChatSocketDiagnosticKind Kind, long Length, string? Preview);

/// <summary>Kinds of <see cref="ChatSocketDiagnostic"/>.</summary>
internal enum ChatSocketDiagnosticKind
{
    /// <summary>Not a JSON object with a string event name.</summary>
    Malformed,

    /// <summary>Larger than <see cref="ChatSocketOptions.MaxMessageBytes"/>; discarded.</summary>
    Oversized,

    /// <summary>A binary message (the server only sends text).</summary>
    UnexpectedBinary,

    /// <summary>
    /// Named like an event only the SDK raises (<c>stream_ready</c>, <c>stream_disconnected</c>,
    /// <c>connection_quality_changed</c>): not that event; dropped. The preview is the name.
    /// </summary>
    ClientEventName,
}
