using System.Net.WebSockets;
using System.Text;
using KonPro.Streaming.Realtime;

namespace KonPro.Streaming.Tests.Realtime.Audio;

/// <summary>A real client WebSocket that also records the text messages sent through it, and can be cut abruptly.</summary>
internal sealed class RecordingWebSocket(WebSocket inner, List<string> sent) : WebSocket
{
    public override WebSocketCloseStatus? CloseStatus => inner.CloseStatus;

    public override string? CloseStatusDescription => inner.CloseStatusDescription;

    public override WebSocketState State => inner.State;

    public override string? SubProtocol => inner.SubProtocol;

    /// <summary>The SDK's own connector (real sockets, its keep-alive settings), recording what goes through each socket it opens.</summary>
    public static IWebSocketConnector Connector(List<string> sent, List<RecordingWebSocket> opened) => new RecordingConnector(sent, opened);

    private sealed class RecordingConnector(List<string> sent, List<RecordingWebSocket> opened) : IWebSocketConnector
    {
        private readonly ClientWebSocketConnector _inner = new();

        public async Task<WebSocket> ConnectAsync(Uri uri, Action heard, CancellationToken cancellationToken)
        {
            var socket = new RecordingWebSocket(await _inner.ConnectAsync(uri, heard, cancellationToken), sent);
            lock (opened)
            {
                opened.Add(socket);
            }

            return socket;
        }
    }

    public override void Abort() => inner.Abort();

    public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
        inner.CloseAsync(closeStatus, statusDescription, cancellationToken);

    public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
        inner.CloseOutputAsync(closeStatus, statusDescription, cancellationToken);

    public override void Dispose() => inner.Dispose();

    public override Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken) =>
        inner.ReceiveAsync(buffer, cancellationToken);

    public override ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        inner.ReceiveAsync(buffer, cancellationToken);

    public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
    {
        Record(buffer, messageType);
        return inner.SendAsync(buffer, messageType, endOfMessage, cancellationToken);
    }

    public override ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
    {
        Record(buffer.Span, messageType);
        return inner.SendAsync(buffer, messageType, endOfMessage, cancellationToken);
    }

    private void Record(ReadOnlySpan<byte> buffer, WebSocketMessageType type)
    {
        if (type == WebSocketMessageType.Text)
        {
            lock (sent)
            {
                sent.Add(Encoding.UTF8.GetString(buffer));
            }
        }
    }
}
