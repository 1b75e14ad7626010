using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace KonPro.Streaming.Tests.Realtime.Support;

/// <summary>The server's half of a WebSocket upgrade on a raw loopback connection (RFC 6455 section 4.2), for the test servers.</summary>
internal static class WebSocketUpgrade
{
    /// <summary>Reads the request headers and answers them.</summary>
    /// <param name="stream">The accepted connection.</param>
    /// <param name="refuseWith">An HTTP status to refuse the upgrade with, or <see langword="null"/> to accept it (101).</param>
    /// <param name="cancellationToken">Stops the reading.</param>
    /// <returns>The request line, or an empty string when the client went away before its request was whole.</returns>
    public static async Task<string> AnswerAsync(NetworkStream stream, int? refuseWith, CancellationToken cancellationToken)
    {
        // Read the request headers up to the blank line, one byte at a time so nothing after them is consumed.
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                return string.Empty;
            }

            head.Append((char)one[0]);
        }

        string response;
        if (refuseWith is { } status)
        {
            response = $"HTTP/1.1 {status} Refused\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        }
        else
        {
            var key = head.ToString().Split("\r\n")
                .First(line => line.StartsWith("Sec-WebSocket-Key:", StringComparison.OrdinalIgnoreCase))["Sec-WebSocket-Key:".Length..].Trim();
            var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
            response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + accept + "\r\n\r\n";
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes(response), cancellationToken);
        return head.ToString().Split("\r\n")[0];
    }
}
