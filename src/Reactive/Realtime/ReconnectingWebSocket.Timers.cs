using System.Net.WebSockets;
using System.Reactive.Linq;

namespace KonPro.Streaming.Realtime;

/// <summary>
/// The core's watch on a silent server (a timeout, on the <see cref="TimeProvider"/>) and the protocol's keep-alive (a
/// timer, on the injected scheduler): ADR 0007.
/// </summary>
internal sealed partial class ReconnectingWebSocket
{
    // Something arrived from the server (a message, a frame of one, a pong): the silence watchdog counts from now. The
    // timestamp is also the arrival time the protocol stamps a whole message with (one clock read per message, ADR 0019).
    private void Heard() => HeardAt();

    private long HeardAt()
    {
        var now = _options.TimeProvider.GetTimestamp();
        Volatile.Write(ref _lastHeard, now);
        return now;
    }

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

                Log.ServerSilent(_logger, _options.Name, timeout.TotalSeconds);
                socket.Abort();
            },
            state: null,
            Timeout.InfiniteTimeSpan,
            Timeout.InfiniteTimeSpan);
        timer.Change(timeout, Timeout.InfiniteTimeSpan);
        return timer;
    }

    // The protocol's keep-alive, every interval of the injected scheduler from the first open until the socket closes
    // for good; one that cannot go out (the socket is reconnecting) is logged and the next one tries again.
    private void StartKeepAlive()
    {
        if (_options.KeepAliveInterval <= TimeSpan.Zero)
        {
            return;
        }

        var keepAlive = Observable.Interval(_options.KeepAliveInterval, _options.Scheduler).Subscribe(tick => _ = KeepAliveQuietlyAsync());
        Interlocked.Exchange(ref _keepAlive, keepAlive); // a full fence: Finish, which sets the flag first, sees the timer or is seen below
        if (Volatile.Read(ref _finished))
        {
            // Closed meanwhile: Finish may have looked before the timer was there.
            keepAlive.Dispose();
        }
    }

    private async Task KeepAliveQuietlyAsync()
    {
        try
        {
            await _protocol.SendKeepAliveAsync(_lifetime.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or InvalidOperationException or OperationCanceledException or ObjectDisposedException)
        {
            Log.SocketKeepAliveFailed(_logger, _options.Name, ex.GetType().Name);
        }
    }
}
