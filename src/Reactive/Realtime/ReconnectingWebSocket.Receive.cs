using System.Buffers;
using System.Net.WebSockets;

namespace KonPro.Streaming.Realtime;

/// <summary>The receive side of the core: whole messages, up to the size limit, handed to the protocol.</summary>
internal sealed partial class ReconnectingWebSocket
{
    // Receives messages until the connection closes. Returns the close status, or null when the connection ended
    // without a close handshake.
    private async Task<(int? CloseStatus, string? Description)> ReceiveUntilClosedAsync(WebSocket socket, BufferHolder holder, CancellationToken token)
    {
        var max = _options.MaxMessageBytes;
        var count = 0;
        long total = 0;
        var oversized = false;
        try
        {
            while (true)
            {
                if (!oversized && count == holder.Buffer.Length)
                {
                    if (count > max)
                    {
                        oversized = true;
                    }
                    else
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(Math.Min(holder.Buffer.Length * 2, max + 1));
                        holder.Buffer.AsSpan(0, count).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(holder.Buffer);
                        holder.Buffer = larger;
                    }
                }

                // Past the limit, the rest of the message is read over the buffer's start and dropped.
                var target = oversized ? holder.Buffer.AsMemory() : holder.Buffer.AsMemory(count);
                var result = await socket.ReceiveAsync(target, token).ConfigureAwait(false);
                var heardAt = HeardAt();
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return ((int?)socket.CloseStatus ?? (int)WebSocketCloseStatus.Empty, socket.CloseStatusDescription);
                }

                total += result.Count;
                if (!oversized)
                {
                    count += result.Count;
                    oversized = count > max;
                }

                if (!result.EndOfMessage)
                {
                    continue;
                }

                if (oversized)
                {
                    Log.Oversized(_logger, _options.Name, max, total);
                }
                else
                {
                    _protocol.OnMessage(holder.Buffer.AsSpan(0, count), result.MessageType, heardAt);
                }

                count = 0;
                total = 0;
                oversized = false;
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException && !token.IsCancellationRequested)
        {
            // A drop, or the runtime aborting a connection whose server stopped answering pings (keep-alive timeout).
            Log.ReceiveFailed(_logger, _options.Name, ex);
            return (null, null);
        }
        catch (ObjectDisposedException) when (IsDisposed || socket.State == WebSocketState.Aborted)
        {
            // Disposed by us, or aborted between two receives (the silence watchdog, the runtime's keep-alive): an
            // aborted socket disposes itself, and the next receive says so. The latter is a drop like any other.
            return (null, null);
        }
    }
}
