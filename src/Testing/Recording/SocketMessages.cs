using System.Buffers;
using System.Net.WebSockets;

namespace KonPro.Streaming.Testing.Recording;

/// <summary>Whole WebSocket messages for the recording proxy and the replay (one message at a time, bounded).</summary>
internal static class SocketMessages
{
    /// <summary>One whole message, or its close (type Close; the status and reason are on the socket), bounded by <paramref name="maxBytes"/>.</summary>
    public static async Task<(WebSocketMessageType Type, byte[] Bytes)> ReceiveAsync(WebSocket socket, int maxBytes, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            using var whole = new MemoryStream();
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return (WebSocketMessageType.Close, []);
                }

                if (whole.Length + result.Count > maxBytes)
                {
                    throw new WebSocketException(WebSocketError.Faulted, $"A chat message is larger than {maxBytes} bytes.");
                }

                whole.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    return (result.MessageType, whole.ToArray());
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Sends or answers a close when the socket still may; never throws for a socket that is already gone.</summary>
    public static async Task CloseAsync(WebSocket socket, WebSocketCloseStatus status, string? reason, CancellationToken cancellationToken)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        try
        {
            await socket.CloseOutputAsync(status, reason, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer went away: nothing left to close.
        }
    }
}
