using System.Net.WebSockets;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using KonPro.Streaming.Events;
using Microsoft.Extensions.Logging;

namespace KonPro.Streaming.Realtime;

/// <summary>
/// The client of the KonPro chat WebSocket: receives the server's events, sends audio and text frames, and
/// reconnects after a retryable drop.
/// </summary>
/// <remarks>
/// <para>
/// <b>Observable contract.</b> <see cref="Events"/> and <see cref="Status"/> are hot.
/// One receive loop per socket calls <c>OnNext</c> of <see cref="Events"/>, so calls are never concurrent; they run
/// on the loop's thread-pool thread, so a slow observer delays the next message. <see cref="Status"/> replays the
/// latest status to new subscribers. Nothing calls <c>OnError</c>: a malformed, oversized or binary message is
/// logged and skipped, a drop is a <see cref="ChatSocketStatus.Reconnecting"/> or <see cref="ChatSocketStatus.Closed"/>
/// value. Both complete when the socket closes for good (after <see cref="ChatSocketStatus.Closed"/>) or is disposed.
/// No observer runs under a lock of the socket: statuses are queued in order under it and delivered after it is
/// released, one at a time, so an observer may block, or dispose the socket from any thread, without a deadlock.
/// </para>
/// <para>
/// The socket is the chat protocol over the one WebSocket core (<see cref="ReconnectingWebSocket"/>: the receive
/// loop, the send lock, the close handshake, the silence watchdog and the reconnects): it reads and writes the
/// protocol's messages and gives the core's status the chat's words (<see cref="ChatSocketStatus"/>).
/// </para>
/// <para>
/// <see cref="Events"/> carries the server's events only; the client events (<c>stream_ready</c>,
/// <c>stream_disconnected</c>) are the owner's to derive from <see cref="Status"/>, since with a LiveKit room
/// the stream is ready when the room is.
/// </para>
/// </remarks>
internal sealed class ChatSocket : IAsyncDisposable, IWebSocketProtocol
{
    private readonly ChatSocketOptions _options;
    private readonly ILogger _logger;
    private readonly string _redactedUri;
    private readonly Subject<StreamingEvent> _events = new();
    private readonly ReconnectingWebSocket _core;
    private readonly IObservable<ChatSocketStatus> _status;
    private readonly FrameEncoder _encoder = new();
    private readonly StreamingEventParserCache _parserCache;
    private readonly ReceiveClock _clock;
    private long _droppedSinceOpen;

    /// <summary>Creates a chat socket; nothing happens on the network until <see cref="ConnectAsync"/>.</summary>
    /// <param name="options">Where to connect and how to behave (validated here).</param>
    /// <param name="connector">The network seam; <see langword="null"/> uses <see cref="ClientWebSocket"/>.</param>
    /// <exception cref="ArgumentException">An option is missing or out of range.</exception>
    internal ChatSocket(ChatSocketOptions options, IWebSocketConnector? connector = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _clock = new ReceiveClock(options.TimeProvider);
        _parserCache = new StreamingEventParserCache(options.SpokenTaskIds);
        _logger = options.Logger;
        _redactedUri = options.RedactedUri();
        _core = new ReconnectingWebSocket(
            new ReconnectingWebSocketOptions
            {
                Uri = options.BuildUri(),
                RedactedUri = _redactedUri,
                Name = "Chat socket",
                Logger = _logger,
                TimeProvider = options.TimeProvider,
                Scheduler = options.Scheduler,
                ReconnectPolicy = options.ReconnectPolicy,
                MaxMessageBytes = options.MaxMessageBytes,
                SilenceTimeout = options.SilenceTimeout,
                CloseTimeout = options.CloseTimeout,
                ActivitySource = options.ActivitySource,
                ConnectActivityName = "KonPro ChatConnect",
                ActivityTags = [new(KonProDiagnostics.SessionIdTag, options.SessionId), new("server.address", options.BaseUri.Host)],
            },
            connector ?? new ClientWebSocketConnector(),
            this);
        _status = _core.Status.Select(ToChatStatus);
    }

    /// <summary>The server's events, in arrival order. Hot; completes when the socket closes for good or is disposed.</summary>
    internal IObservable<StreamingEvent> Events => _events.AsObservable();

    /// <summary>
    /// The socket's status: <see cref="ChatSocketStatus.Connecting"/>, <see cref="ChatSocketStatus.Open"/>,
    /// <see cref="ChatSocketStatus.Reconnecting"/>, and finally <see cref="ChatSocketStatus.Closed"/>. Replays the
    /// latest status (nothing before <see cref="ConnectAsync"/>); completes after <see cref="ChatSocketStatus.Closed"/>.
    /// </summary>
    internal IObservable<ChatSocketStatus> Status => _status;

    /// <summary>Whether the socket is open now (audio sent while it is not is dropped).</summary>
    internal bool IsOpen => _core.IsOpen;

    /// <summary>Opens the socket and starts the receive loop. Call once.</summary>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <exception cref="InvalidOperationException">Already called.</exception>
    /// <exception cref="ObjectDisposedException">Disposed.</exception>
    /// <exception cref="ChatSocketHandshakeException">The server refused the upgrade with an HTTP status.</exception>
    /// <exception cref="WebSocketException">The connection could not be made.</exception>
    /// <remarks>A failed first connection is final: the status becomes <see cref="ChatSocketStatus.Closed"/> and the streams complete.</remarks>
    internal Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_core.IsDisposed, this);
        Log.Connecting(_logger, _redactedUri);
        return _core.ConnectAsync(cancellationToken);
    }

    /// <summary>
    /// The session is ending: a drop from now on closes the socket for good instead of reconnecting (a reconnect
    /// that is waiting gives up when its delay ends).
    /// </summary>
    internal void StopReconnecting() => _core.StopReconnecting();

    /// <summary>Sends one chunk of 16 kHz mono PCM16 as an <c>AudioRawFrame</c>.</summary>
    /// <param name="pcm16">The samples (usually 512 of them, 1,024 bytes).</param>
    /// <param name="cancellationToken">Cancels waiting for the sender and a send not yet begun (a frame being written goes out whole).</param>
    /// <returns>Completes when the frame is handed to the socket. While the socket is not open (connecting or
    /// reconnecting) the chunk is dropped, since late audio is of no use: counted in the
    /// <c>konpro.streaming_avatar.audio.frames_dropped</c> counter, and logged once the socket is open again or closed.</returns>
    /// <exception cref="ObjectDisposedException">Disposed.</exception>
    internal async ValueTask SendAudioAsync(ReadOnlyMemory<byte> pcm16, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_core.IsDisposed, this);
        try
        {
            if (!await _core.TrySendAsync(static s => s.Encoder.EncodeAudio(s.Pcm.Span), (Encoder: _encoder, Pcm: pcm16), WebSocketMessageType.Binary, cancellationToken).ConfigureAwait(false))
            {
                DropAudioFrame();
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException && !_core.IsStopping)
        {
            // The connection dropped under the send; the receive loop reports it and reconnects.
            DropAudioFrame();
        }
    }

    /// <summary>Sends a typed user message as a <c>TextFrame</c> (the avatar answers it as a talk task).</summary>
    /// <param name="text">The message.</param>
    /// <param name="cancellationToken">Cancels waiting for the sender and a send not yet begun (a frame being written goes out whole).</param>
    /// <returns>Completes when the frame is handed to the socket.</returns>
    /// <exception cref="InvalidOperationException">The socket is not open.</exception>
    /// <exception cref="ObjectDisposedException">Disposed.</exception>
    internal async ValueTask SendTextAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        ObjectDisposedException.ThrowIf(_core.IsDisposed, this);
        if (!await _core.TrySendAsync(static s => s.Encoder.EncodeText(s.Text), (Encoder: _encoder, Text: text), WebSocketMessageType.Binary, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException("The chat socket is not open.");
        }
    }

    /// <summary>
    /// Closes the socket (a normal close handshake, bounded by <see cref="ChatSocketOptions.CloseTimeout"/>), stops
    /// reconnecting, and completes the streams after a final <see cref="ChatSocketStatus.Closed"/>. Idempotent; safe while
    /// a message is being received or a reconnect is waiting, and from an observer on any thread (a receive loop that an
    /// observer holds is waited for no longer than the close timeout).
    /// </summary>
    /// <returns>Completes when the socket is closed.</returns>
    public ValueTask DisposeAsync() => _core.DisposeAsync();

    void IWebSocketProtocol.OnMessage(ReadOnlySpan<byte> message, WebSocketMessageType type, long receivedTimestamp)
    {
        if (type == WebSocketMessageType.Binary)
        {
            Log.UnexpectedBinary(_logger, message.Length);
            return;
        }

        Dispatch(message, receivedTimestamp);
    }

    bool IWebSocketProtocol.IsFinal(int closeStatus) => !ChatSocketCloseStatus.IsRetryable(ChatSocketCloseStatus.ToReason(closeStatus));

    Task IWebSocketProtocol.SendKeepAliveAsync(CancellationToken cancellationToken) => Task.CompletedTask; // the runtime's pings keep the chat socket alive

    void IWebSocketProtocol.OnStatus(ReconnectingWebSocketStatus status)
    {
        switch (status)
        {
            case ReconnectingWebSocketStatus.Open open:
                Log.Opened(_logger, _redactedUri);
                if (open.Reconnected)
                {
                    // Before the status goes out, so that the outage is reported before audio flows again.
                    ReportDroppedAudio();
                }

                break;
            case ReconnectingWebSocketStatus.Reconnecting r:
                Log.Reconnecting(_logger, ChatSocketCloseStatus.ToReason(r.CloseStatus), r.CloseStatus, r.Attempt, r.Delay);
                break;
        }
    }

    void IWebSocketProtocol.OnClosed(ReconnectingWebSocketStatus.Closed closed)
    {
        ReportDroppedAudio();
        var status = (ChatSocketStatus.Closed)ToChatStatus(closed);
        Log.Closed(_logger, status.Reason, status.CloseStatus, status.Description);
        _events.OnCompleted();
    }

    // The core's status in the chat's words: why a connection ended, from its close status (the chat protocol's).
    private static ChatSocketStatus ToChatStatus(ReconnectingWebSocketStatus status) => status switch
    {
        ReconnectingWebSocketStatus.Connecting => new ChatSocketStatus.Connecting(),
        ReconnectingWebSocketStatus.Open open => new ChatSocketStatus.Open(open.Reconnected),
        ReconnectingWebSocketStatus.Reconnecting r => new ChatSocketStatus.Reconnecting(r.Attempt, r.Delay, ChatSocketCloseStatus.ToReason(r.CloseStatus), r.CloseStatus, r.Description),
        ReconnectingWebSocketStatus.Closed { By: ClosedBy.Client } c => new ChatSocketStatus.Closed(DisconnectReason.ClientStop, c.CloseStatus, c.Description),
        ReconnectingWebSocketStatus.Closed { By: ClosedBy.ConnectFailed } c =>
            new ChatSocketStatus.Closed(c.Failure is ChatSocketHandshakeException refused ? refused.Reason : DisconnectReason.NetworkLost, null, null),
        ReconnectingWebSocketStatus.Closed c => new ChatSocketStatus.Closed(ChatSocketCloseStatus.ToReason(c.CloseStatus), c.CloseStatus, c.Description),
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Not a status of the WebSocket core."),
    };

    private void DropAudioFrame()
    {
        Interlocked.Increment(ref _droppedSinceOpen);
        _options.DroppedAudioFrames?.Add(1);
    }

    // One log line per outage rather than one per frame (31 frames a second): how much of the user's audio is gone.
    private void ReportDroppedAudio()
    {
        var dropped = Interlocked.Exchange(ref _droppedSinceOpen, 0);
        if (dropped > 0)
        {
            Log.AudioDropped(_logger, dropped);
        }
    }

    private void Dispatch(ReadOnlySpan<byte> message, long receivedTimestamp)
    {
        StreamingEvent? evt;
        string? clientEventName;
        try
        {
            if (StreamingEventParser.Parse(
                    message,
                    StreamingEventParser.ChatSocketNameProperty,
                    _options.SessionId,
                    _clock.At(receivedTimestamp),
                    _parserCache,
                    out evt,
                    out clientEventName) != WireParseResult.Event)
            {
                evt = null;
            }
        }
#pragma warning disable CA1031 // whatever the parser throws, the message is malformed and the loop goes on
        catch (Exception)
#pragma warning restore CA1031
        {
            evt = null;
            clientEventName = null;
        }

        if (clientEventName is not null)
        {
            // Named like an event only the SDK raises: not that event, never delivered; logged and counted.
            Log.RefusedClientEventName(_logger, clientEventName, "chat");
            KonProTelemetry.CountRefused(_options.RefusedMessages, "chat", clientEventName);
            return;
        }

        if (evt is not null)
        {
            try
            {
                _events.OnNext(evt);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // An observer's (or the ingest step's) failure must not end the receive loop (and with it every other
                // observer's stream): it is logged, and the loop goes on.
                Log.ObserverFailed(_logger, evt.Name, ex);
            }

            return;
        }

        Log.Malformed(_logger, message.Length);
    }
}
