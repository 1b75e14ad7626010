using System.Net.WebSockets;
using System.Text;
using KonPro.Streaming.Realtime;

namespace KonPro.Streaming.Tests.Realtime.Audio;

/// <summary>A real client WebSocket that also records the text messages sent through it, can hold one back, and can be cut abruptly.</summary>
internal sealed class RecordingWebSocket(WebSocket inner, List<string> sent) : WebSocket
{
    private Hold? _hold;

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

    public override async ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
    {
        if (messageType == WebSocketMessageType.Text && Volatile.Read(ref _hold) is { } hold && hold.Matches(Encoding.UTF8.GetString(buffer.Span))
            && Interlocked.CompareExchange(ref _hold, null, hold) == hold)
        {
            // The SDK holds its send lock meanwhile: whatever it sends next waits behind this message.
            hold.Reached.TrySetResult();
            await hold.Released.Task.ConfigureAwait(false);
        }

        Record(buffer.Span, messageType);
        await inner.SendAsync(buffer, messageType, endOfMessage, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Holds the next text message that matches until <see cref="Hold.Release"/> (recorded when it goes on).</summary>
    public Hold HoldNextSend(Func<string, bool> matches)
    {
        var hold = new Hold(matches);
        Volatile.Write(ref _hold, hold);
        return hold;
    }

    internal sealed class Hold(Func<string, bool> matches)
    {
        public Func<string, bool> Matches { get; } = matches;

        /// <summary>Completes when the held message reached the socket.</summary>
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => Released.TrySetResult();
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
