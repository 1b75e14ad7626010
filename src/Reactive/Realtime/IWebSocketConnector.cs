using System.Net.WebSockets;

namespace KonPro.Streaming.Realtime;

/// <summary>The seam between the chat socket and the network: opens one WebSocket. Tests substitute it.</summary>
internal interface IWebSocketConnector
{
    /// <summary>Opens a client WebSocket to <paramref name="uri"/>.</summary>
    /// <param name="uri">The full chat socket URL (it contains the session token: never log it as is).</param>
    /// <param name="heard">
    /// Called whenever bytes arrive from the server on this connection, including frames that never surface as a
    /// message (the pongs answering the client's pings): the chat socket's silence watchdog counts from the last call.
    /// A connector that cannot see its transport may leave it uncalled; the chat socket also counts received messages.
    /// </param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <returns>The open socket; the caller owns it.</returns>
    Task<WebSocket> ConnectAsync(Uri uri, Action heard, CancellationToken cancellationToken);
}

/// <summary>
/// The default connector: a <see cref="ClientWebSocket"/> on a handler of its own whose transport stream reports every
/// read to the chat socket (so a pong counts as hearing from the server), and which pings a server it has not heard
/// from for <see cref="KeepAliveInterval"/>. The runtime's own pong timeout (<see cref="KeepAliveTimeout"/>) is only a
/// backstop: the chat socket drops a server it has not heard from for <see cref="ChatSocketOptions.SilenceTimeout"/>
/// (30 s) itself, on the options' scheduler, and a live server has answered a ping long before that.
/// </summary>
internal sealed class ClientWebSocketConnector : IWebSocketConnector
{
    /// <summary>How long the client waits without hearing from the server before it pings (the runtime checks every 3.75 s).</summary>
    internal static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The runtime's own pong timeout: a backstop after the chat socket's silence watchdog (a ping goes out 15-18.75 s
    /// into a silence, so the runtime would give up 35-42.5 s into it; the watchdog does at 30 s).
    /// </summary>
    internal static readonly TimeSpan KeepAliveTimeout = TimeSpan.FromSeconds(20);

    private readonly Action<ClientWebSocketOptions>? _configure;

    /// <summary>Creates the connector.</summary>
    /// <param name="configure">Adjusts each socket's options (keep-alive, headers, ...), or <see langword="null"/>.</param>
    internal ClientWebSocketConnector(Action<ClientWebSocketOptions>? configure = null) => _configure = configure;

    /// <inheritdoc />
    public async Task<WebSocket> ConnectAsync(Uri uri, Action heard, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(heard);
        var socket = new ClientWebSocket();
        // One handler per connection, so that its transport reports to this connection's watchdog; the socket owns it.
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var tcp = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await tcp.ConnectAsync(context.DnsEndPoint, ct).ConfigureAwait(false);
                    return new HeardStream(new System.Net.Sockets.NetworkStream(tcp, ownsSocket: true), heard);
                }
                catch
                {
                    tcp.Dispose();
                    throw;
                }
            },
        };
        try
        {
            socket.Options.KeepAliveInterval = KeepAliveInterval;
            socket.Options.KeepAliveTimeout = KeepAliveTimeout;
            socket.Options.CollectHttpResponseDetails = true;
            var defaultProxy = socket.Options.Proxy; // the runtime's "system proxy" marker, which the handler has by default
            _configure?.Invoke(socket.Options);
            MoveTransportSettingsToHandler(socket.Options, handler, defaultProxy);
#pragma warning disable CA2000 // the invoker does not own the handler; the returned socket does
            await socket.ConnectAsync(uri, new HttpMessageInvoker(handler, disposeHandler: false), cancellationToken).ConfigureAwait(false);
#pragma warning restore CA2000
            return new OwningWebSocket(socket, handler);
        }
        catch (WebSocketException ex) when (socket.HttpStatusCode is not 0 and not System.Net.HttpStatusCode.SwitchingProtocols)
        {
            var status = (int)socket.HttpStatusCode;
            socket.Dispose();
            handler.Dispose();
            throw new ChatSocketHandshakeException(status, ex);
        }
        catch
        {
            socket.Dispose();
            handler.Dispose();
            throw;
        }
    }

    // A socket that connects through a handler of its own refuses transport settings on its options (the runtime throws):
    // what a user set through ConfigureChatSocket (a certificate check, client certificates, a proxy, credentials,
    // cookies) goes to the handler instead, where it has the same effect.
    private static void MoveTransportSettingsToHandler(ClientWebSocketOptions options, SocketsHttpHandler handler, System.Net.IWebProxy? defaultProxy)
    {
        if (options.RemoteCertificateValidationCallback is { } validate)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = validate;
            options.RemoteCertificateValidationCallback = null;
        }

        if (options.ClientCertificates.Count > 0)
        {
            handler.SslOptions.ClientCertificates = new System.Security.Cryptography.X509Certificates.X509CertificateCollection(options.ClientCertificates);
            options.ClientCertificates.Clear();
        }

        if (!ReferenceEquals(options.Proxy, defaultProxy))
        {
            handler.Proxy = options.Proxy;
            handler.UseProxy = options.Proxy is not null;
            options.Proxy = defaultProxy;
        }

        if (options.Credentials is { } credentials)
        {
            handler.Credentials = credentials;
            options.Credentials = null;
        }

        if (options.UseDefaultCredentials)
        {
            handler.Credentials = System.Net.CredentialCache.DefaultCredentials;
            options.UseDefaultCredentials = false;
        }

        if (options.Cookies is { } cookies)
        {
            handler.CookieContainer = cookies;
            handler.UseCookies = true;
            options.Cookies = null;
        }
    }
}
