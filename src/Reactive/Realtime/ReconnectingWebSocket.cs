using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using KonPro.Streaming.Events;
using Microsoft.Extensions.Logging;

namespace KonPro.Streaming.Realtime;

/// <summary>
/// The one WebSocket client under the chat socket and the realtime audio socket: opens through
/// <see cref="IWebSocketConnector"/>, runs one receive loop (messages reassembled up to a size limit and handed to the
/// <see cref="IWebSocketProtocol"/>), sends through one lock (<see cref="WebSocketLink"/>), closes with a handshake,
/// watches a silent server, sends the protocol's keep-alive, and reconnects through <see cref="ReconnectPolicy"/> by the
/// one reconnect rule (<see cref="MayReconnect"/>). Each socket keeps only its protocol: reading and writing messages,
/// and its own words for the status.
/// </summary>
/// <remarks>
/// <para>
/// <b>Observable contract.</b> <see cref="Status"/> is hot and replays the latest status (nothing before
/// <see cref="ConnectAsync"/>): <see cref="ReconnectingWebSocketStatus.Connecting"/>,
/// <see cref="ReconnectingWebSocketStatus.Open"/>, <see cref="ReconnectingWebSocketStatus.Reconnecting"/>, and finally
/// <see cref="ReconnectingWebSocketStatus.Closed"/>, after which it completes. Statuses are queued in order under a lock
/// and delivered after it is released, one at a time: no observer, and no call into the protocol, runs under a lock of
/// ours, so either may block, or dispose the socket from any thread, without a deadlock.
/// </para>
/// <para>
/// <b>Time</b> (ADR 0007): reconnect delays and keep-alives are timers, on the injected <see cref="System.Reactive.Concurrency.IScheduler"/>;
/// the close handshake's bound and the silence watchdog are timeouts, on the <see cref="TimeProvider"/>.
/// </para>
/// </remarks>
internal sealed partial class ReconnectingWebSocket : IAsyncDisposable
{
    // The receive buffer a connection starts with, rented for the socket's life and doubled (up to the size limit) by a
    // message that does not fit. The chat protocol's messages are a few hundred bytes, and every open session holds one
    // buffer: 4 KB rather than 16 KB is 12 KB less a session at no cost to the rare large message.
    private const int InitialReceiveBufferBytes = 4 * 1024;

    private readonly ReconnectingWebSocketOptions _options;
    private readonly IWebSocketConnector _connector;
    private readonly IWebSocketProtocol _protocol;
    private readonly ILogger _logger;
    private readonly EventHub<ReconnectingWebSocketStatus> _status;
    // Orders the statuses (none after Closed); held only to queue one, never while anything is delivered.
    private readonly Lock _statusGate = new();
    // Orders the start of the receive loop against disposal (never held while anything else runs).
    private readonly Lock _lifecycleGate = new();
    private readonly WebSocketLink _link;
    private readonly Func<WebSocket?> _current;
    private readonly CancellationTokenSource _lifetime = new();

    private WebSocket? _socket;
    private ReconnectingWebSocketStatus? _currentStatus;
    private volatile Task? _receiveLoop;
    private IDisposable? _keepAlive;
    private int _started;
    private int _disposed;
    private bool _finished;
    private int _reconnectsStopped;
    private long _lastHeard;
    private ActivityContext _openedBy;

    /// <summary>Creates the core; nothing happens on the network until <see cref="ConnectAsync"/>.</summary>
    /// <param name="options">Where to connect and how to behave.</param>
    /// <param name="connector">The network seam.</param>
    /// <param name="protocol">What reads messages, says which closes are final and hears of status changes.</param>
    internal ReconnectingWebSocket(ReconnectingWebSocketOptions options, IWebSocketConnector connector, IWebSocketProtocol protocol)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(connector);
        ArgumentNullException.ThrowIfNull(protocol);
        _options = options;
        _connector = connector;
        _protocol = protocol;
        _logger = options.Logger;
        _link = new WebSocketLink(options.CloseTimeout, options.TimeProvider, _logger, _lifetime.Token);
        _current = () => Volatile.Read(ref _socket);
        var logger = _logger;
        var name = options.Name;
        _status = new EventHub<ReconnectingWebSocketStatus>(replayLatest: true, (e, s) => Log.SubscriberThrew(logger, e, name + " status " + s));
    }

    /// <summary>The socket's status; replays the latest one; completes after <see cref="ReconnectingWebSocketStatus.Closed"/>.</summary>
    internal IObservable<ReconnectingWebSocketStatus> Status => _status.AsObservable();

    /// <summary>The latest status, or <see langword="null"/> before <see cref="ConnectAsync"/>.</summary>
    internal ReconnectingWebSocketStatus? CurrentStatus => Volatile.Read(ref _currentStatus);

    /// <summary>Whether the connection is open now.</summary>
    internal bool IsOpen => Volatile.Read(ref _socket) is { State: WebSocketState.Open };

    /// <summary>Whether <see cref="DisposeAsync"/> was called.</summary>
    internal bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Whether the dispose has cancelled the socket's work (after its close handshake).</summary>
    internal bool IsStopping => _lifetime.IsCancellationRequested;

    /// <summary>Completes when the receive loop has ended (the socket closed for good or was disposed).</summary>
    internal Task Completion => _receiveLoop ?? Task.CompletedTask;

    /// <summary>Opens the socket and starts the receive loop (and the keep-alive). Call once.</summary>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <exception cref="InvalidOperationException">Already called.</exception>
    /// <exception cref="ObjectDisposedException">Disposed.</exception>
    /// <remarks>What the connector throws comes through; a failed first connection is final (<see cref="ClosedBy.ConnectFailed"/>).</remarks>
    internal async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException($"The {_options.Name.ToLowerInvariant()} was already connected; create a new one to connect again.");
        }

        Publish(new ReconnectingWebSocketStatus.Connecting());

        WebSocket socket;
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token))
        {
            // The upgrade's HTTP span is a child of this one, which is a child of the operation that opened the socket.
            using var activity = StartActivity(_options.ConnectActivityName);
            try
            {
                socket = await _connector.ConnectAsync(_options.Uri, Heard, linked.Token).ConfigureAwait(false);
                _openedBy = activity?.Context ?? default;
            }
            catch (Exception ex)
            {
                activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
                Finish(IsDisposed
                    ? new ReconnectingWebSocketStatus.Closed(ClosedBy.Client, null, null)
                    : new ReconnectingWebSocketStatus.Closed(ClosedBy.ConnectFailed, null, null, ex));
                if (IsDisposed && !cancellationToken.IsCancellationRequested)
                {
                    throw new ObjectDisposedException(_options.Name);
                }

                throw;
            }
        }

        lock (_lifecycleGate)
        {
            if (!IsDisposed)
            {
                Volatile.Write(ref _socket, socket);
            }
        }

        if (Volatile.Read(ref _socket) is null)
        {
            // Disposed during the handshake: DisposeAsync saw no socket to close.
            AbandonOpened(socket, watch: null);
        }

        // Published before the loop starts, so that Open comes before the first message; an observer may dispose the
        // socket from here (on this thread or another), which the start below then finds.
        Publish(new ReconnectingWebSocketStatus.Open(Reconnected: false));
        // Armed before the loop starts, so that whoever drives a virtual clock after the connect finds them armed.
        var watch = WatchSilence(socket);
        StartKeepAlive();
        lock (_lifecycleGate)
        {
            // Started only while not disposed: DisposeAsync then finds the loop and waits for it; disposed first, it
            // found no loop, so the socket is this method's to drop.
            if (!IsDisposed)
            {
                _receiveLoop = Task.Run(() => RunAsync(socket, watch), CancellationToken.None);
                return;
            }
        }

        AbandonOpened(socket, watch);
    }

    /// <summary>
    /// The session is ending: a drop from now on closes the socket for good instead of reconnecting (a reconnect that is
    /// waiting gives up when its delay ends).
    /// </summary>
    internal void StopReconnecting() => Volatile.Write(ref _reconnectsStopped, 1);

    /// <summary>Sends one whole message on the current connection, through the one send lock.</summary>
    /// <param name="encode">Writes the message, under the lock; an empty message is not sent (the encoder declined).</param>
    /// <param name="state">What <paramref name="encode"/> encodes.</param>
    /// <param name="type">Text or binary.</param>
    /// <param name="cancellationToken">Cancels waiting for the lock and a send not yet begun.</param>
    /// <returns><see langword="false"/>, having sent nothing, when no connection is open.</returns>
    internal ValueTask<bool> TrySendAsync<TState>(Func<TState, ReadOnlyMemory<byte>> encode, TState state, WebSocketMessageType type, CancellationToken cancellationToken) =>
        _link.TrySendAsync(_current, encode, state, type, cancellationToken);

    /// <summary>
    /// Closes the socket (a normal close handshake, bounded by the close timeout), stops reconnecting and the timers, and
    /// completes <see cref="Status"/> after a final <see cref="ReconnectingWebSocketStatus.Closed"/>. Idempotent; safe while
    /// a message is being received or a reconnect is waiting, and from an observer or the protocol on any thread: a
    /// receive loop held by one (blocked in its callback) is waited for no longer than the close timeout.
    /// </summary>
    /// <returns>Completes when the socket is closed.</returns>
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
            // Give the server the close timeout to answer; the loop ends when it does.
            await WaitForLoopAsync(loop).ConfigureAwait(false);
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        if (loop is not null)
        {
            // Cancelled, the loop ends at once, unless an observer holds it: that one must not hold the dispose too.
            await WaitForLoopAsync(loop).ConfigureAwait(false);
        }

        // With a connection, the client closed it normally (1000); without one (disposed before or during the
        // handshake) there was nothing to close.
        Finish(loop is not null
            ? new ReconnectingWebSocketStatus.Closed(ClosedBy.Client, (int)WebSocketCloseStatus.NormalClosure, "client_closed")
            : new ReconnectingWebSocketStatus.Closed(ClosedBy.Client, null, null));
        if (Volatile.Read(ref _socket) is { } last)
        {
            last.Abort();
            last.Dispose();
        }

        _lifetime.Dispose();
    }

    private async Task WaitForLoopAsync(Task loop)
    {
        try
        {
            await loop.WaitAsync(_options.CloseTimeout, _options.TimeProvider).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        catch (TimeoutException)
        {
            // The server did not answer in time, or an observer holds the loop; the socket is dropped.
        }
    }

    // Drops a connection that DisposeAsync (which found no receive loop) did not close, and ends the status stream.
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void AbandonOpened(WebSocket socket, IDisposable? watch)
    {
        watch?.Dispose();
        socket.Abort();
        socket.Dispose();
        Finish(new ReconnectingWebSocketStatus.Closed(ClosedBy.Client, null, null));
        throw new ObjectDisposedException(_options.Name);
    }

    private async Task RunAsync(WebSocket socket, IDisposable watch)
    {
        // The loop outlives the operation that opened the socket: what it starts (a reconnect) begins its own trace.
        Activity.Current = null;
        var token = _lifetime.Token;
        var buffer = new BufferHolder(ArrayPool<byte>.Shared.Rent(InitialReceiveBufferBytes));
        ReconnectingWebSocketStatus.Closed? final = null;
        try
        {
            while (true)
            {
                var (closeStatus, description) = await ReceiveUntilClosedAsync(socket, buffer, token).ConfigureAwait(false);
                watch.Dispose();
                await _link.AnswerCloseAsync(socket).ConfigureAwait(false);
                await _link.DisposeSocketAsync(socket).ConfigureAwait(false);
                if (IsDisposed)
                {
                    return; // DisposeAsync publishes the final status.
                }

                var next = await ReconnectAsync(closeStatus, description, token).ConfigureAwait(false);
                if (next is null)
                {
                    if (!IsDisposed)
                    {
                        final = new ReconnectingWebSocketStatus.Closed(ClosedBy.ConnectionEnded, closeStatus, description);
                    }

                    return;
                }

                socket = next;
                Volatile.Write(ref _socket, socket);
                if (IsDisposed)
                {
                    socket.Abort();
                    return;
                }

                watch = WatchSilence(socket);
                Publish(new ReconnectingWebSocketStatus.Open(Reconnected: true));
            }
        }
        catch (Exception) when (token.IsCancellationRequested || IsDisposed)
        {
            // Disposed: whatever the socket threw on being aborted, DisposeAsync publishes the final status.
        }
        catch (Exception ex)
        {
            // Not expected; still, the streams must end with a status rather than hang or fault.
            Log.ReceiveFailed(_logger, _options.Name, ex);
            final = new ReconnectingWebSocketStatus.Closed(ClosedBy.ConnectionEnded, null, null);
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

    // A span of this socket: a connect (a child of the current span), or a reconnect attempt (a root on the loop's
    // thread, linked to the connect that first opened the socket).
    private Activity? StartActivity(string name, int? attempt = null)
    {
        var source = _options.ActivitySource;
        if (source is null || !source.HasListeners())
        {
            return null;
        }

        ActivityLink[]? links = attempt is not null && _openedBy != default ? [new ActivityLink(_openedBy)] : null;
        var activity = source.StartActivity(name, ActivityKind.Internal, parentContext: default, links: links);
        foreach (var (key, value) in _options.ActivityTags)
        {
            activity?.SetTag(key, value);
        }

        if (attempt is { } n)
        {
            activity?.SetTag("konpro.reconnect.attempt", n);
        }

        return activity;
    }

    private void Publish(ReconnectingWebSocketStatus status)
    {
        lock (_statusGate)
        {
            if (_finished)
            {
                return;
            }

            Volatile.Write(ref _currentStatus, status);
            _status.Enqueue(status);
        }

        _protocol.OnStatus(status);
        _status.Drain();
    }

    // Publishes the final status once, stops the keep-alive, completes the status stream, then tells the protocol.
    private void Finish(ReconnectingWebSocketStatus.Closed closed)
    {
        lock (_statusGate)
        {
            if (_finished)
            {
                return;
            }

            Volatile.Write(ref _finished, true);
            Volatile.Write(ref _currentStatus, closed);
            _status.Enqueue(closed);
        }

        Interlocked.Exchange(ref _keepAlive, null)?.Dispose();
        _status.OnCompleted();
        _protocol.OnClosed(closed);
    }

    private sealed class BufferHolder(byte[] buffer)
    {
        public byte[] Buffer { get; set; } = buffer;
    }
}
