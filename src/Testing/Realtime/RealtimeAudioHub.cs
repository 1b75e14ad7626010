using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Security.Cryptography;
using KonPro.Streaming.Api;
using KonPro.Streaming.Testing.Sessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace KonPro.Streaming.Testing.Realtime;

/// <summary>
/// The realtime audio socket of each session (bring your own voice), at the URL <c>new</c> returns in
/// <c>realtime_endpoint</c>: <c>ws://127.0.0.1:PORT/v1/ws/streaming.realtime/&lt;secret&gt;</c>. The URL is the
/// credential: an unknown secret is accepted and closed with 4401. Served by a middleware of its own before WireMock's.
/// </summary>
internal sealed class RealtimeAudioHub(FakeServerCore core)
{
    private readonly ConcurrentDictionary<string, FakeSession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<RealtimeAudioConnection, byte> _open = new();

    /// <summary>Gives a session its realtime endpoint (a fresh secret in the path).</summary>
    public string EndpointFor(FakeSession session)
    {
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _sessions[secret] = session;
        return core.WebSocketBaseUrl + RealtimeProtocol.PathPrefix + secret;
    }

    /// <summary>Registers the middleware that serves the sockets.</summary>
    public void Install(object app)
    {
        var builder = (IApplicationBuilder)app;
        builder.Use(async (HttpContext context, RequestDelegate next) =>
        {
            var path = context.Request.Path.Value ?? string.Empty;
            if (!context.WebSockets.IsWebSocketRequest || !path.StartsWith(RealtimeProtocol.PathPrefix, StringComparison.Ordinal))
            {
                await next(context).ConfigureAwait(false);
                return;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
            var secret = path[RealtimeProtocol.PathPrefix.Length..];
            if (!_sessions.TryGetValue(secret, out var session))
            {
                Log.RealtimeRefused(core.Logger, "unknown endpoint");
                await RealtimeSocket.CloseQuietlyAsync(socket, (WebSocketCloseStatus)ChatCloseStatus.Unauthorized, ChatCloseStatus.UnauthorizedReason).ConfigureAwait(false);
                return;
            }

            var connection = new RealtimeAudioConnection(core, session, socket);
            _open[connection] = 0;
            try
            {
                await connection.RunAsync(context.RequestAborted).ConfigureAwait(false);
            }
            finally
            {
                _open.TryRemove(connection, out _);
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        });
    }

    /// <summary>Closes every open realtime socket (server shutdown).</summary>
    public void CloseAll(int status, string reason)
    {
        foreach (var connection in _open.Keys)
        {
            connection.Close(status, reason);
        }
    }
}
