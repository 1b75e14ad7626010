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
/// The default connector: a <see cref="ClientWebSocket"/> whose transport stream reports every read to the chat socket
/// (so a pong counts as hearing from the server), and which pings a server it has not heard from for
/// <see cref="KeepAliveInterval"/>. The runtime's own pong timeout (<see cref="KeepAliveTimeout"/>) is only a
/// backstop: the chat socket drops a server it has not heard from for <see cref="ChatSocketOptions.SilenceTimeout"/>
/// (30 s) itself, on the options' scheduler, and a live server has answered a ping long before that.
/// </summary>
/// <remarks>
/// Every socket whose options need no transport settings of their own (the default) connects through one
/// <see cref="SocketsHttpHandler"/> for the process, <see cref="SharedHandler"/>: a handler, its connection pool and
/// the pool's timer were a few kilobytes of every session's memory. Its connections are not tied to one socket when
/// they are opened (the pool may give a new connection to another waiting request), so a connection's stream learns
/// whose it is from the handshake it carries: the connect runs its request under <see cref="HeardStream.Listener"/>,
/// and the stream takes the listener of every read made in that flow (the 101's), keeping it for the reads after the
/// upgrade, which only its socket makes. A socket with transport settings (a certificate check, client certificates,
/// a proxy, credentials, cookies) or HTTP/2 (whose one connection carries many sockets) gets a handler of its own, as
/// before, which it disposes with itself.
/// </remarks>
internal sealed class ClientWebSocketConnector : IWebSocketConnector
{
    /// <summary>How long the client waits without hearing from the server before it pings (the runtime checks every 3.75 s).</summary>
    internal static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The runtime's own pong timeout: a backstop after the chat socket's silence watchdog (a ping goes out 15-18.75 s
    /// into a silence, so the runtime would give up 35-42.5 s into it; the watchdog does at 30 s).
    /// </summary>
    internal static readonly TimeSpan KeepAliveTimeout = TimeSpan.FromSeconds(20);

    private static readonly Lazy<SocketsHttpHandler> Shared = new(() => CreateHandler(heard: null));

    private readonly Action<ClientWebSocketOptions>? _configure;

    /// <summary>Creates the connector.</summary>
    /// <param name="configure">Adjusts each socket's options (keep-alive, headers, ...), or <see langword="null"/>.</param>
    internal ClientWebSocketConnector(Action<ClientWebSocketOptions>? configure = null) => _configure = configure;

    /// <summary>The handler of every socket without transport settings of its own, for the life of the process.</summary>
    internal static SocketsHttpHandler SharedHandler => Shared.Value;

    /// <inheritdoc />
    public async Task<WebSocket> ConnectAsync(Uri uri, Action heard, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(heard);
        var socket = new ClientWebSocket();
        SocketsHttpHandler? own = null;
        try
        {
            socket.Options.KeepAliveInterval = KeepAliveInterval;
            socket.Options.KeepAliveTimeout = KeepAliveTimeout;
            socket.Options.CollectHttpResponseDetails = true;
            var defaultProxy = socket.Options.Proxy; // the runtime's "system proxy" marker, which a handler has by default
            _configure?.Invoke(socket.Options);
            if (NeedsOwnHandler(socket.Options, defaultProxy))
            {
                // One handler for this connection alone, so its transport reports to this connection's watchdog.
                own = CreateHandler(heard);
                MoveTransportSettingsToHandler(socket.Options, own, defaultProxy);
            }

            using var invoker = new HandshakeInvoker(own ?? SharedHandler, heard);
            await socket.ConnectAsync(uri, invoker, cancellationToken).ConfigureAwait(false);
            return own is null ? socket : new OwningWebSocket(socket, own);
        }
        catch (WebSocketException ex) when (socket.HttpStatusCode is not 0 and not System.Net.HttpStatusCode.SwitchingProtocols)
        {
            var status = (int)socket.HttpStatusCode;
            socket.Dispose();
            own?.Dispose();
            throw new ChatSocketHandshakeException(status, ex);
        }
        catch
        {
            socket.Dispose();
            own?.Dispose();
            throw;
        }
    }

    // A handler whose connections report their reads: to this listener, or (shared) to the listener of the handshake
    // each connection carries.
    private static SocketsHttpHandler CreateHandler(Action? heard) => new()
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

    // Whether these options need a handler of their own: transport settings a shared handler cannot take per socket,
    // or HTTP/2, where one connection (and so one transport stream) carries many sockets.
    private static bool NeedsOwnHandler(ClientWebSocketOptions options, System.Net.IWebProxy? defaultProxy) =>
        options.RemoteCertificateValidationCallback is not null
        || options.ClientCertificates.Count > 0
        || !ReferenceEquals(options.Proxy, defaultProxy)
        || options.Credentials is not null
        || options.UseDefaultCredentials
        || options.Cookies is not null
        || options.HttpVersion.Major != 1
        || options.HttpVersionPolicy != System.Net.Http.HttpVersionPolicy.RequestVersionOrLower;

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

    /// <summary>
    /// The invoker of one connect: sends its handshake under <see cref="HeardStream.Listener"/>, so that the connection
    /// that carries it (its reads of the 101 run in this flow) reports to this socket's listener. The listener is set in
    /// this async method and so is gone from the flow when it returns.
    /// </summary>
    private sealed class HandshakeInvoker(HttpMessageHandler handler, Action heard) : HttpMessageInvoker(handler, disposeHandler: false)
    {
        public override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            HeardStream.Listener.Value = heard;
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
    }
}
