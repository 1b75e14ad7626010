namespace KonPro.Streaming.Realtime;

/// <summary>The server answered the chat socket's upgrade request with an HTTP error status.</summary>
internal sealed class ChatSocketHandshakeException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="httpStatus">The HTTP status of the refusal.</param>
    /// <param name="innerException">The socket's own exception.</param>
    internal ChatSocketHandshakeException(int httpStatus, Exception? innerException)
        : base($"The chat socket handshake was refused with HTTP {httpStatus}.", innerException)
    {
        HttpStatus = httpStatus;
    }

    /// <summary>The HTTP status of the refusal.</summary>
    internal int HttpStatus { get; }

    /// <summary>What the refusal means for the session: 401/403 unauthorized, 404/410 unknown session, else a server problem.</summary>
    internal DisconnectReason Reason => HttpStatus switch
    {
        401 or 403 => DisconnectReason.Unauthorized,
        404 or 410 => DisconnectReason.SessionNotFound,
        _ => DisconnectReason.ServerClosed,
    };
}
