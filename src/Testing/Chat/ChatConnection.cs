using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using KonPro.Streaming.Testing.Speech;
using KonPro.Streaming.Testing.Sessions;

namespace KonPro.Streaming.Testing.Chat;

/// <summary>
/// One chat socket. Everything sent goes through one outbox and one writer task, so
/// <see cref="WebSocket.SendAsync(ArraySegment{byte}, WebSocketMessageType, bool, CancellationToken)"/> is never called concurrently.
/// The connection is bound to its session before the upgrade is accepted: what the session sends from then on waits in
/// the outbox until <see cref="Accepted"/> gives the writer its socket, so no event falls between the client seeing the
/// socket open and the server binding it. WireMock owns the receive loop.
/// </summary>
internal sealed class ChatConnection : IChatFaultTarget
{
    private readonly TaskCompletionSource<WebSocket?> _accepted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebSocket? _socket;
    private readonly Func<ChatFaultSettings> _faults;
    private readonly Channel<Outgoing> _outbox = Channel.CreateUnbounded<Outgoing>(new UnboundedChannelOptions { SingleReader = true });
    private readonly int _maxMessageBytes;
    private readonly TimeSpan _closeTimeout;
    private MemoryStream _incoming = new();
    private readonly Task _writer;
    private volatile bool _closing;
    private int _aborted;
    private int _silenceTimes;

    public ChatConnection(Guid id, Func<ChatFaultSettings> faults, VoiceActivityDetector vad, int maxMessageBytes, TimeSpan closeTimeout)
    {
        _maxMessageBytes = maxMessageBytes;
        _closeTimeout = closeTimeout;
        _faults = faults;
        Id = id;
        Vad = vad;
        _writer = Task.Run(WriteAsync);
    }

    public Guid Id { get; }

    public FakeSession? Session { get; set; }

    /// <summary>The session's chat sockets, once this one is bound to them.</summary>
    public SessionChatSockets? Bound { get; set; }

    /// <inheritdoc />
    public string? SessionId => Session?.Id;

    public VoiceActivityDetector Vad { get; }

    public ITimer? SilenceTimer { get; set; }

    /// <summary>Counts one more <c>user_silence</c> prompt; returns the new count.</summary>
    public int CountSilence() => Interlocked.Increment(ref _silenceTimes);

    public void ResetSilenceCount() => Interlocked.Exchange(ref _silenceTimes, 0);

    public void SendEvent(string json)
    {
        if (_closing)
        {
            return;
        }

        var faults = _faults();
        var copies = faults.Duplicate ? 2 : 1;
        for (var i = 0; i < copies; i++)
        {
            _outbox.Writer.TryWrite(new Outgoing(json, faults.SplitFrames, null, null));
        }
    }

    public void SendRaw(string text)
    {
        if (!_closing)
        {
            _outbox.Writer.TryWrite(new Outgoing(text, _faults().SplitFrames, null, null));
        }
    }

    /// <summary>
    /// Sends a close with the status and reason, then drops the connection when the client has not answered the close
    /// within the close timeout (a client that never answers must not hold a connection open).
    /// </summary>
    public void Close(int status, string reason)
    {
        _closing = true;
        if (_outbox.Writer.TryWrite(new Outgoing(null, 0, status, reason)))
        {
            _ = DropUnansweredCloseAsync();
        }

        _outbox.Writer.TryComplete();
    }

    /// <summary>The upgrade was accepted: the writer sends what is queued, and what comes, on this socket.</summary>
    public void Accepted(WebSocket socket)
    {
        Interlocked.Exchange(ref _socket, socket);
        _accepted.TrySetResult(socket);
        // An abort that came between the binding and the accept (a test's fault right after the client saw the socket
        // open) found no socket to abort: the socket is aborted now, or the client would wait for its keep-alive to
        // notice a loss the server already decided. Both sides use full fences, so at least one of them sees the other.
        if (Volatile.Read(ref _aborted) == 1)
        {
            socket.Abort();
        }
    }

    /// <summary>The upgrade failed (the client went away first): nothing is sent, and the session lets go of it.</summary>
    public void NotAccepted()
    {
        _accepted.TrySetResult(null);
        Ended();
    }

    public void Abort()
    {
        _closing = true;
        Interlocked.Exchange(ref _aborted, 1);
        _outbox.Writer.TryComplete();
        Volatile.Read(ref _socket)?.Abort();
    }

    /// <summary>
    /// Adds a received piece; <paramref name="message"/> is the whole message once its last piece arrived. Returns false
    /// when the message grew beyond the cap: what was buffered is dropped and the caller closes the socket (1009).
    /// Pieces that arrive after the server began to close are dropped.
    /// </summary>
    public bool TryReassemble(ReadOnlySpan<byte> piece, bool endOfMessage, out byte[]? message)
    {
        message = null;
        if (_closing)
        {
            return true;
        }

        if (_incoming.Length + piece.Length > _maxMessageBytes)
        {
            _incoming = new MemoryStream();
            return false;
        }

        _incoming.Write(piece);
        if (!endOfMessage)
        {
            return true;
        }

        message = _incoming.ToArray();
        if (_incoming.Capacity > 64 * 1024)
        {
            _incoming = new MemoryStream(); // do not keep a large message's buffer for the socket's lifetime
        }
        else
        {
            _incoming.SetLength(0);
        }

        return true;
    }

    public void Ended()
    {
        _closing = true;
        _outbox.Writer.TryComplete();
        SilenceTimer?.Dispose();
        Bound?.Remove(this);
    }

    /// <summary>Waits (at most the close timeout) until the writer has sent what was queued before the socket ended.</summary>
    public async Task DrainAsync()
    {
        try
        {
            await _writer.WaitAsync(_closeTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Volatile.Read(ref _socket)?.Abort();
        }
    }

    private async Task DropUnansweredCloseAsync()
    {
        var socket = await _accepted.Task.ConfigureAwait(false);
        await Task.Delay(_closeTimeout).ConfigureAwait(false);
        if (socket is not null && socket.State is not (WebSocketState.Closed or WebSocketState.Aborted))
        {
            socket.Abort();
        }
    }

    private async Task WriteAsync()
    {
        try
        {
            if (await _accepted.Task.ConfigureAwait(false) is not { } socket)
            {
                return;
            }

            await foreach (var item in _outbox.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
                {
                    return;
                }

                if (item.CloseStatus is { } status)
                {
                    await socket.CloseOutputAsync((WebSocketCloseStatus)status, item.CloseReason, CancellationToken.None).ConfigureAwait(false);
                    return;
                }

                await SendTextAsync(socket, item.Text!, item.SplitFrames).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // The socket went away; there is nobody left to write to.
        }
    }

    private static async Task SendTextAsync(WebSocket socket, string text, int splitFrames)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var parts = Math.Clamp(splitFrames, 1, Math.Max(1, bytes.Length));
        var size = (bytes.Length + parts - 1) / parts;
        var offset = 0;
        do
        {
            var count = Math.Min(size, bytes.Length - offset);
            var last = offset + count >= bytes.Length;
            await socket.SendAsync(new ArraySegment<byte>(bytes, offset, count), WebSocketMessageType.Text, last, CancellationToken.None).ConfigureAwait(false);
            offset += count;
        }
        while (offset < bytes.Length);
    }

    private sealed record Outgoing(string? Text, int SplitFrames, int? CloseStatus, string? CloseReason);
}
