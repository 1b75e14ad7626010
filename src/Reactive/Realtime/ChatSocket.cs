using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Text;
using KonPro.Streaming.Events;
using Microsoft.Extensions.Logging;

namespace KonPro.Streaming.Realtime;

/// <summary>
/// The client of the KonPro chat WebSocket: receives the server's events, sends audio and text frames, and
/// reconnects after a retryable drop.
/// </summary>
/// <remarks>
/// <para>
/// <b>Observable contract.</b> <see cref="Events"/>, <see cref="Diagnostics"/> and <see cref="Status"/> are hot.
/// One receive loop per socket calls <c>OnNext</c> of <see cref="Events"/> and <see cref="Diagnostics"/>, so
/// calls are never concurrent; they run on the loop's thread-pool thread, so a slow observer delays the next
/// message. <see cref="Status"/> replays the latest status to new subscribers. Nothing calls
/// <c>OnError</c>: a malformed or oversized message is a <see cref="Diagnostics"/> value, a drop is a
/// <see cref="ChatSocketStatus.Reconnecting"/> or <see cref="ChatSocketStatus.Closed"/> value. All three
/// complete when the socket closes for good (after <see cref="ChatSocketStatus.Closed"/>) or is disposed.
/// No observer runs under a lock of the socket: statuses are queued in order under it and delivered after it is
/// released, one at a time, so an observer may block, or dispose the socket from any thread, without a deadlock.
/// </para>
/// <para>
/// <see cref="Events"/> carries the server's events only; the client events (<c>stream_ready</c>,
/// <c>stream_disconnected</c>) are the owner's to derive from <see cref="Status"/>, since with a LiveKit room
/// the stream is ready when the room is.
/// </para>
/// </remarks>
internal sealed class ChatSocket : IAsyncDisposable
{
    private const int InitialReceiveBufferBytes = 16 * 1024;
    private const int PreviewChars = 256;

    private readonly ChatSocketOptions _options;
    private readonly IWebSocketConnector _connector;
    private readonly ILogger _logger;
    private readonly string _redactedUri;
    private readonly Subject<StreamingEvent> _events = new();
    private readonly Subject<ChatSocketDiagnostic> _diagnostics = new();
    // Statuses are queued under the gate (so they keep their order and none follows Closed) and delivered outside it,
    // one at a time: an observer (the engine's, and through it the users' State observers) never runs under a lock of ours.
    private readonly EventHub<ChatSocketStatus> _status;
    private readonly Lock _statusGate = new();
    // Orders the start of the receive loop against disposal (never held while anything else runs).
    private readonly Lock _lifecycleGate = new();
    private readonly WebSocketLink _link;
    private readonly Func<WebSocket?> _current;
    private readonly FrameEncoder _encoder = new();
    private readonly StreamingEventParserCache _parserCache = new();
    private readonly CancellationTokenSource _lifetime = new();

    private WebSocket? _socket;
    private ChatSocketStatus? _currentStatus;
    private volatile Task? _receiveLoop;
    private int _started;
    private int _disposed;
    private bool _finished;
    private int _reconnectsStopped;
    private long _droppedSinceOpen;
    private long _lastHeard;
    private ActivityContext _openedBy;

    /// <summary>Creates a chat socket; nothing happens on the network until <see cref="ConnectAsync"/>.</summary>
    /// <param name="options">Where to connect and how to behave (validated here).</param>
    /// <param name="connector">The network seam; <see langword="null"/> uses <see cref="ClientWebSocket"/>.</param>
    /// <exception cref="ArgumentException">An option is missing or out of range.</exception>
    internal ChatSocket(ChatSocketOptions options, IWebSocketConnector? connector = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _connector = connector ?? new ClientWebSocketConnector();
        _logger = options.Logger;
        _redactedUri = options.RedactedUri();
        _link = new WebSocketLink(options.CloseTimeout, options.TimeProvider, _logger, _lifetime.Token);
        _current = () => Volatile.Read(ref _socket);
        var logger = _logger;
        _status = new EventHub<ChatSocketStatus>(replayLatest: true, (e, s) => Log.SubscriberThrew(logger, e, "ChatSocketStatus " + s));
    }

    /// <summary>The server's events, in arrival order. Hot; completes when the socket closes for good or is disposed.</summary>
    internal IObservable<StreamingEvent> Events => _events.AsObservable();

    /// <summary>Messages that could not become events (malformed, oversized, binary). Hot; completes with <see cref="Events"/>.</summary>
    internal IObservable<ChatSocketDiagnostic> Diagnostics => _diagnostics.AsObservable();

    /// <summary>
    /// The socket's status: <see cref="ChatSocketStatus.Connecting"/>, <see cref="ChatSocketStatus.Open"/>,
    /// <see cref="ChatSocketStatus.Reconnecting"/>, and finally <see cref="ChatSocketStatus.Closed"/>. Replays the
    /// latest status (nothing before <see cref="ConnectAsync"/>); completes after <see cref="ChatSocketStatus.Closed"/>.
    /// </summary>
    internal IObservable<ChatSocketStatus> Status => _status.AsObservable();

    /// <summary>The latest status, or <see langword="null"/> before <see cref="ConnectAsync"/>.</summary>
    internal ChatSocketStatus? CurrentStatus => Volatile.Read(ref _currentStatus);

    /// <summary>Whether the socket is open now (audio sent while it is not is dropped).</summary>
    internal bool IsOpen => Volatile.Read(ref _socket) is { State: WebSocketState.Open };

    /// <summary>Completes when the receive loop has ended (the socket closed for good or was disposed).</summary>
    internal Task Completion => _receiveLoop ?? Task.CompletedTask;

    /// <summary>Opens the socket and starts the receive loop. Call once.</summary>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <exception cref="InvalidOperationException">Already called.</exception>
    /// <exception cref="ObjectDisposedException">Disposed.</exception>
    /// <exception cref="ChatSocketHandshakeException">The server refused the upgrade with an HTTP status.</exception>
    /// <exception cref="WebSocketException">The connection could not be made.</exception>
    /// <remarks>A failed first connection is final: the status becomes <see cref="ChatSocketStatus.Closed"/> and the streams complete.</remarks>
    internal async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("The chat socket is already connected; create a new one to connect again.");
        }

        PublishStatus(new ChatSocketStatus.Connecting());
        Log.Connecting(_logger, _redactedUri);

        WebSocket socket;
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token))
        {
            // The upgrade's HTTP span is a child of this one, which is a child of the operation that opened the socket.
            using var activity = StartActivity("KonPro ChatConnect");
            try
            {
                socket = await _connector.ConnectAsync(_options.BuildUri(), Heard, linked.Token).ConfigureAwait(false);
                _openedBy = activity?.Context ?? default;
            }
            catch (Exception ex)
            {
                activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
                var reason = Volatile.Read(ref _disposed) != 0 ? DisconnectReason.ClientStop
                    : ex is ChatSocketHandshakeException handshake ? handshake.Reason
                    : DisconnectReason.NetworkLost;
                Finish(new ChatSocketStatus.Closed(reason, null, null));
                if (Volatile.Read(ref _disposed) != 0 && !cancellationToken.IsCancellationRequested)
                {
                    throw new ObjectDisposedException(nameof(ChatSocket));
                }

                throw;
            }
        }

        lock (_lifecycleGate)
        {
            if (Volatile.Read(ref _disposed) == 0)
            {
                Volatile.Write(ref _socket, socket);
            }
        }

        if (Volatile.Read(ref _socket) is null)
        {
            // Disposed during the handshake: DisposeAsync saw no socket to close.
            AbandonOpened(socket, watch: null);
        }

        Log.Opened(_logger, _redactedUri);
        // Published before the loop starts, so that Open comes before the first event; an observer may dispose the
        // socket from here (on this thread or another), which the start below then finds.
        PublishStatus(new ChatSocketStatus.Open(Reconnected: false));
        // Armed before the loop starts, so that whoever drives a virtual clock after the connect finds it armed.
        var watch = WatchSilence(socket);
        lock (_lifecycleGate)
        {
            // Started only while not disposed: DisposeAsync then finds the loop and waits for it; disposed first, it
            // found no loop, so the socket is this method's to drop.
            if (Volatile.Read(ref _disposed) == 0)
            {
                _receiveLoop = Task.Run(() => RunAsync(socket, watch), CancellationToken.None);
                return;
            }
        }

        AbandonOpened(socket, watch);
    }

    // Drops a connection that DisposeAsync (which found no receive loop) did not close, and ends the streams.
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void AbandonOpened(WebSocket socket, IDisposable? watch)
    {
        watch?.Dispose();
        socket.Abort();
        socket.Dispose();
        Finish(new ChatSocketStatus.Closed(DisconnectReason.ClientStop, null, null));
        throw new ObjectDisposedException(nameof(ChatSocket));
    }

    /// <summary>
    /// The session is ending: a drop from now on closes the socket for good instead of reconnecting (a reconnect
    /// that is waiting gives up when its delay ends).
    /// </summary>
    internal void StopReconnecting() => Volatile.Write(ref _reconnectsStopped, 1);

    /// <summary>Sends one chunk of 16 kHz mono PCM16 as an <c>AudioRawFrame</c>.</summary>
    /// <param name="pcm16">The samples (usually 512 of them, 1,024 bytes).</param>
    /// <param name="cancellationToken">Cancels waiting for the sender and a send not yet begun (a frame being written goes out whole).</param>
    /// <returns>Completes when the frame is handed to the socket. While the socket is not open (connecting or
    /// reconnecting) the chunk is dropped, since late audio is of no use: counted in the
    /// <c>konpro.streaming_avatar.audio.frames_dropped</c> counter, and logged once the socket is open again or closed.</returns>
    /// <exception cref="ObjectDisposedException">Disposed.</exception>
    internal async ValueTask SendAudioAsync(ReadOnlyMemory<byte> pcm16, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        try
        {
            if (!await _link.TrySendAsync(_current, static s => s.Encoder.EncodeAudio(s.Pcm.Span), (Encoder: _encoder, Pcm: pcm16), WebSocketMessageType.Binary, cancellationToken).ConfigureAwait(false))
            {
                DropAudioFrame();
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException && !_lifetime.IsCancellationRequested)
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
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!await _link.TrySendAsync(_current, static s => s.Encoder.EncodeText(s.Text), (Encoder: _encoder, Text: text), WebSocketMessageType.Binary, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException("The chat socket is not open.");
        }
    }

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

    /// <summary>
    /// Closes the socket (a normal close handshake, bounded by <see cref="ChatSocketOptions.CloseTimeout"/>), stops
    /// reconnecting, and completes the streams after a final <see cref="ChatSocketStatus.Closed"/>. Idempotent;
    /// safe while a message is being received or a reconnect is waiting, and from an observer (which must not
    /// block on the returned task: the receive loop it waits for is the observer's caller).
    /// </summary>
    /// <returns>Completes when the receive loop has ended.</returns>
    public async ValueTask DisposeAsync()
    {
        Task? loop;
        WebSocket? socket;
        lock (_lifecycleGate)
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            loop = _receiveLoop;
            socket = Volatile.Read(ref _socket);
        }

        if (socket is not null && loop is not null
            && await _link.TryCloseOutputAsync(socket, WebSocketCloseStatus.NormalClosure, "client_closed").ConfigureAwait(false))
        {
            try
            {
                // Give the server the close timeout to answer; the loop ends when it does.
                await loop.WaitAsync(_options.CloseTimeout, _options.TimeProvider).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        if (loop is not null)
        {
            await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        // With a connection, the client closed it normally (1000); without one (disposed before or during the
        // handshake) there was nothing to close.
        Finish(loop is not null
            ? new ChatSocketStatus.Closed(DisconnectReason.ClientStop, (int)WebSocketCloseStatus.NormalClosure, "client_closed")
            : new ChatSocketStatus.Closed(DisconnectReason.ClientStop, null, null));
        Volatile.Read(ref _socket)?.Dispose();
        _lifetime.Dispose();
    }

    private async Task RunAsync(WebSocket socket, IDisposable watch)
    {
        // The loop outlives the operation that opened the socket: what it starts (a reconnect) begins its own trace.
        Activity.Current = null;
        var token = _lifetime.Token;
        var buffer = new BufferHolder(ArrayPool<byte>.Shared.Rent(InitialReceiveBufferBytes));
        ChatSocketStatus.Closed? final = null;
        try
        {
            while (true)
            {
                var (closeStatus, description) = await ReceiveUntilClosedAsync(socket, buffer, token).ConfigureAwait(false);
                watch.Dispose();
                await _link.AnswerCloseAsync(socket).ConfigureAwait(false);
                await _link.DisposeSocketAsync(socket).ConfigureAwait(false);

                if (Volatile.Read(ref _disposed) != 0)
                {
                    return; // DisposeAsync publishes the final status.
                }

                var reason = ChatSocketCloseStatus.ToReason(closeStatus);
                var next = await ReconnectAsync(reason, closeStatus, description, token).ConfigureAwait(false);
                if (next is null)
                {
                    if (Volatile.Read(ref _disposed) == 0)
                    {
                        final = new ChatSocketStatus.Closed(reason, closeStatus, description);
                    }

                    return;
                }

                socket = next;
                Volatile.Write(ref _socket, socket);
                if (Volatile.Read(ref _disposed) != 0)
                {
                    socket.Abort();
                    return;
                }

                watch = WatchSilence(socket);

                Log.Opened(_logger, _redactedUri);
                ReportDroppedAudio();
                PublishStatus(new ChatSocketStatus.Open(Reconnected: true));
            }
        }
        catch (Exception) when (token.IsCancellationRequested || Volatile.Read(ref _disposed) != 0)
        {
            // Disposed: whatever the socket threw on being aborted, DisposeAsync publishes the final status.
        }
        catch (Exception ex)
        {
            // Not expected; still, the streams must end with a status rather than hang or fault.
            Log.ReceiveFailed(_logger, ex);
            final = new ChatSocketStatus.Closed(DisconnectReason.NetworkLost, null, null);
        }
        finally
        {
            watch.Dispose();
            ArrayPool<byte>.Shared.Return(buffer.Buffer);
            if (final is not null)
            {
                Finish(final);
            }
        }
    }

    // Receives messages until the connection closes. Returns the close status, or null when the connection
    // ended without a close handshake.
    private async Task<(int? CloseStatus, string? Description)> ReceiveUntilClosedAsync(
        WebSocket socket, BufferHolder holder, CancellationToken token)
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

                var target = oversized ? holder.Buffer.AsMemory() : holder.Buffer.AsMemory(count);
                var result = await socket.ReceiveAsync(target, token).ConfigureAwait(false);
                Heard();
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
                    Log.Oversized(_logger, max, total);
                    Report(new ChatSocketDiagnostic(ChatSocketDiagnosticKind.Oversized, total, null));
                }
                else if (result.MessageType == WebSocketMessageType.Binary)
                {
                    Log.UnexpectedBinary(_logger, count);
                    Report(new ChatSocketDiagnostic(ChatSocketDiagnosticKind.UnexpectedBinary, count, null));
                }
                else
                {
                    Dispatch(holder.Buffer.AsSpan(0, count));
                }

                count = 0;
                total = 0;
                oversized = false;
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException && !token.IsCancellationRequested)
        {
            // A drop, or the runtime aborting a connection whose server stopped answering pings (keep-alive timeout).
            Log.ReceiveFailed(_logger, ex);
            return (null, null);
        }
        catch (ObjectDisposedException) when (Volatile.Read(ref _disposed) != 0 || socket.State == WebSocketState.Aborted)
        {
            // Disposed by us, or aborted between two receives (the silence watchdog, the runtime's keep-alive): an
            // aborted socket disposes itself, and the next receive says so. The latter is a drop like any other.
            return (null, null);
        }
    }

    // Something arrived from the server (a message, a frame of one, a pong): the silence watchdog counts from now.
    private void Heard() => Volatile.Write(ref _lastHeard, _options.TimeProvider.GetTimestamp());

    // Drops the connection as a network loss once the server has not been heard from for the silence timeout: the
    // timer is due at the last byte's time plus the timeout, and moves on when something arrived meanwhile. A live
    // server answers the runtime's ping (sent 15-18.75 s into a silence) well within it. A timeout like the close
    // handshake's, so it runs on the TimeProvider (ADR 0007): driving the scheduler's virtual time does not trip it.
    private IDisposable WatchSilence(WebSocket socket)
    {
        var timeout = _options.SilenceTimeout;
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return System.Reactive.Disposables.Disposable.Empty;
        }

        Heard();
        var time = _options.TimeProvider;
        ITimer? timer = null;
        timer = time.CreateTimer(
            _ =>
            {
                var silent = time.GetElapsedTime(Volatile.Read(ref _lastHeard));
                if (silent < timeout)
                {
                    try
                    {
                        timer!.Change(timeout - silent, Timeout.InfiniteTimeSpan);
                    }
                    catch (ObjectDisposedException)
                    {
                        // The connection ended meanwhile.
                    }

                    return;
                }

                Log.ServerSilent(_logger, timeout.TotalSeconds);
                socket.Abort();
            },
            state: null,
            Timeout.InfiniteTimeSpan,
            Timeout.InfiniteTimeSpan);
        timer.Change(timeout, Timeout.InfiniteTimeSpan);
        return timer;
    }

    private void Dispatch(ReadOnlySpan<byte> message)
    {
        StreamingEvent? evt;
        string? clientEventName;
        try
        {
            if (StreamingEventParser.Parse(
                    message,
                    StreamingEventParser.ChatSocketNameProperty,
                    _options.SessionId,
                    _options.TimeProvider.GetUtcNow(),
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
            // Named like an event only the SDK raises: not that event, never delivered; logged, counted and reported.
            Log.RefusedClientEventName(_logger, clientEventName, "chat");
            KonProTelemetry.CountRefused(_options.RefusedMessages, "chat", clientEventName);
            Report(new ChatSocketDiagnostic(ChatSocketDiagnosticKind.ClientEventName, message.Length, clientEventName));
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
                // observer's stream): it is logged and reported, and the loop goes on.
                Log.ObserverFailed(_logger, evt.Name, ex);
                Report(new ChatSocketDiagnostic(ChatSocketDiagnosticKind.Malformed, message.Length, null));
            }

            return;
        }

        Log.Malformed(_logger, message.Length);
        string? preview;
        try
        {
            var text = Encoding.UTF8.GetString(message[..Math.Min(message.Length, PreviewChars * 4)]);
            preview = text.Length > PreviewChars ? text[..PreviewChars] : text;
        }
        catch (ArgumentException)
        {
            preview = null;
        }

        Report(new ChatSocketDiagnostic(ChatSocketDiagnosticKind.Malformed, message.Length, preview));
    }

    private void Report(ChatSocketDiagnostic diagnostic) => _diagnostics.OnNext(diagnostic);

    // Tries the reconnect policy. Returns the new socket, or null when the socket stays closed.
    private async Task<WebSocket?> ReconnectAsync(DisconnectReason reason, int? closeStatus, string? description, CancellationToken token)
    {
        var policy = _options.ReconnectPolicy;
        if (policy is null || !ChatSocketCloseStatus.IsRetryable(reason) || !SessionAlive())
        {
            return null;
        }

        var jitter = policy.CreateJitterSource();
        for (var attempt = 1; attempt <= policy.MaxAttempts; attempt++)
        {
            var delay = policy.GetDelay(attempt, jitter);
            Log.Reconnecting(_logger, reason, closeStatus, attempt, delay);
            // The timer is armed before the status goes out, so whoever drives a virtual clock on seeing the
            // status finds it armed.
            var wait = SchedulerDelay.DelayAsync(_options.Scheduler, delay, token);
            PublishStatus(new ChatSocketStatus.Reconnecting(attempt, delay, reason, closeStatus, description));
            await wait.ConfigureAwait(false);
            if (!SessionAlive() || Volatile.Read(ref _disposed) != 0)
            {
                return null;
            }

            using var activity = StartActivity("KonPro Reconnect", attempt);
            try
            {
                return await _connector.ConnectAsync(_options.BuildUri(), Heard, token).ConfigureAwait(false);
            }
            catch (ChatSocketHandshakeException ex) when (!ChatSocketCloseStatus.IsRetryable(ex.Reason))
            {
                // The server says the session is gone or the token no longer valid: stop trying.
                activity?.SetStatus(ActivityStatusCode.Error, ex.Reason.ToString());
                Log.ReconnectFailed(_logger, attempt, ex);
                return null;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
            {
                activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
                Log.ReconnectFailed(_logger, attempt, ex);
            }
        }

        return null;
    }

    // A span of this socket's session: a connect (a child of the current span), or a reconnect attempt (a root on the
    // loop's thread, linked to the connect that first opened the socket).
    private Activity? StartActivity(string name, int? attempt = null)
    {
        var source = _options.ActivitySource;
        if (source is null || !source.HasListeners())
        {
            return null;
        }

        ActivityLink[]? links = attempt is not null && _openedBy != default ? [new ActivityLink(_openedBy)] : null;
        var activity = source.StartActivity(name, ActivityKind.Internal, parentContext: default, links: links);
        activity?.SetTag(KonProDiagnostics.SessionIdTag, _options.SessionId);
        activity?.SetTag("server.address", _options.BaseUri.Host);
        if (attempt is { } n)
        {
            activity?.SetTag("konpro.reconnect.attempt", n);
        }

        return activity;
    }

    private bool SessionAlive() => Volatile.Read(ref _reconnectsStopped) == 0;

    private void PublishStatus(ChatSocketStatus status)
    {
        lock (_statusGate)
        {
            if (!_finished)
            {
                Volatile.Write(ref _currentStatus, status);
                _status.Enqueue(status);
            }
        }

        _status.Drain();
    }

    // Publishes the final status once and completes every stream.
    private void Finish(ChatSocketStatus.Closed closed)
    {
        lock (_statusGate)
        {
            if (_finished)
            {
                return;
            }

            _finished = true;
            ReportDroppedAudio();
            Log.Closed(_logger, closed.Reason, closed.CloseStatus, closed.Description);
            Volatile.Write(ref _currentStatus, closed);
            _status.Enqueue(closed);
        }

        _status.OnCompleted();
        _events.OnCompleted();
        _diagnostics.OnCompleted();
    }

    private sealed class BufferHolder(byte[] buffer)
    {
        public byte[] Buffer { get; set; } = buffer;
    }
}
