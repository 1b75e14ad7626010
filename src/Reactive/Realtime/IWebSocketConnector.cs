using System.Net.WebSockets;

namespace KonPro.Streaming.Realtime;

/// <summary>The seam between the chat socket and the network: opens one WebSocket. Tests substitute it.</summary>
internal interface IWebSocketConnector
{
    /// <summary>Opens a client WebSocket to <paramref name="uri"/>.</summary>
    /// <param name="uri">The full chat socket URL (it contains the session token: never log it as is).</param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <returns>The open socket; the caller owns it.</returns>
    Task<WebSocket> ConnectAsync(Uri uri, CancellationToken cancellationToken);
}

/// <summary>
/// The default connector: a <see cref="ClientWebSocket"/> that pings the server every <see cref="KeepAliveInterval"/>
/// and gives up on a server that has not answered a ping within <see cref="KeepAliveTimeout"/> (the runtime's
/// keep-alive timeout): a server that goes silent is detected within their sum (30 s) and the drop is a network loss,
/// reconnected where the policy allows.
/// </summary>
internal sealed class ClientWebSocketConnector : IWebSocketConnector
{
    /// <summary>How often the client pings the server.</summary>
    internal static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(20);

    /// <summary>How long the client waits for the pong before it drops the connection.</summary>
    internal static readonly TimeSpan KeepAliveTimeout = TimeSpan.FromSeconds(10);

    private readonly Action<ClientWebSocketOptions>? _configure;

    /// <summary>Creates the connector.</summary>
    /// <param name="configure">Adjusts each socket's options (proxy, keep-alive, ...), or <see langword="null"/>.</param>
    internal ClientWebSocketConnector(Action<ClientWebSocketOptions>? configure = null) => _configure = configure;

    /// <inheritdoc />
    public async Task<WebSocket> ConnectAsync(Uri uri, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        try
        {
            socket.Options.KeepAliveInterval = KeepAliveInterval;
            socket.Options.KeepAliveTimeout = KeepAliveTimeout;
            socket.Options.CollectHttpResponseDetails = true;
            _configure?.Invoke(socket.Options);
            await socket.ConnectAsync(uri, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch (WebSocketException ex) when (socket.HttpStatusCode is not 0 and not System.Net.HttpStatusCode.SwitchingProtocols)
        {
            var status = (int)socket.HttpStatusCode;
            socket.Dispose();
            throw new ChatSocketHandshakeException(status, ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
