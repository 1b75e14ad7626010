using System.Diagnostics;
using System.Net.WebSockets;

namespace KonPro.Streaming.Realtime;

/// <summary>The core's one reconnect rule and its attempts, through <see cref="ReconnectPolicy"/> on the injected scheduler.</summary>
internal sealed partial class ReconnectingWebSocket
{
    /// <summary>
    /// The one reconnect rule: a connection that ended may be reopened while a policy is set and the owner has not
    /// stopped reconnecting, unless its end was final. A connection lost without a close handshake never is; a close
    /// status is final when the protocol's document says so (<see cref="IWebSocketProtocol.IsFinal"/>).
    /// </summary>
    private bool MayReconnect(int? closeStatus) =>
        _options.ReconnectPolicy is not null && ReconnectsAllowed() && (closeStatus is not { } status || !_protocol.IsFinal(status));

    // The rule's other half: an upgrade refused with a status that says the session or its credential is gone (401,
    // 403, 404, 410) ends the attempts; any other failure is tried again.
    private static bool MayRetry(ChatSocketHandshakeException refused) => ChatSocketCloseStatus.IsRetryable(refused.Reason);

    // Tries the reconnect policy. Returns the new socket, or null when the socket stays closed.
    private async Task<WebSocket?> ReconnectAsync(int? closeStatus, string? description, CancellationToken token)
    {
        if (!MayReconnect(closeStatus))
        {
            return null;
        }

        var policy = _options.ReconnectPolicy!;
        var jitter = policy.CreateJitterSource();
        for (var attempt = 1; attempt <= policy.MaxAttempts; attempt++)
        {
            var delay = policy.GetDelay(attempt, jitter);
            // The timer is armed before the status goes out, so whoever drives a virtual clock on seeing the status
            // finds it armed.
            var wait = SchedulerDelay.DelayAsync(_options.Scheduler, delay, token);
            Publish(new ReconnectingWebSocketStatus.Reconnecting(attempt, delay, closeStatus, description));
            await wait.ConfigureAwait(false);
            if (!ReconnectsAllowed() || IsDisposed)
            {
                return null;
            }

            using var activity = StartActivity("KonPro Reconnect", attempt);
            try
            {
                return await _connector.ConnectAsync(_options.Uri, Heard, token).ConfigureAwait(false);
            }
            catch (ChatSocketHandshakeException ex) when (!MayRetry(ex))
            {
                // The server says the session is gone or the credential no longer valid: stop trying.
                activity?.SetStatus(ActivityStatusCode.Error, ex.Reason.ToString());
                Log.ReconnectFailed(_logger, _options.Name, attempt, ex);
                return null;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
            {
                activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
                Log.ReconnectFailed(_logger, _options.Name, attempt, ex);
            }
        }

        return null;
    }

    private bool ReconnectsAllowed() => Volatile.Read(ref _reconnectsStopped) == 0;
}
