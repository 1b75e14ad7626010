using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace KonPro.Streaming.Testing.Chat;

/// <summary>
/// Serves the chat socket on the fake's Kestrel host, in a middleware just before WireMock's
/// (PreWireMockMiddlewareInit). The socket is served here rather than by a WireMock WebSocket mapping because such a
/// mapping breaks WireMock's admin listing (<c>GET /__admin/mappings</c> answers 500), and because the fake must
/// authenticate and push events before the client sends anything. One receive loop per socket hands each frame to
/// the hub; everything sent goes through the connection's one writer.
/// </summary>
internal static class ChatSocketMiddleware
{
    private const int ReceiveBufferBytes = 16 * 1024;

    public static void Install(object app, ChatHub hub)
    {
        var builder = (IApplicationBuilder)app;
        builder.Use(async (HttpContext context, RequestDelegate next) =>
        {
            if (!context.Request.Path.Equals(ChatHub.Path, StringComparison.Ordinal) || !HttpMethods.IsGet(context.Request.Method))
            {
                await next(context).ConfigureAwait(false);
                return;
            }

            await ServeAsync(context, hub).ConfigureAwait(false);
        });
    }

    private static async Task ServeAsync(HttpContext context, ChatHub hub)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            context.Response.Headers.Upgrade = "websocket";
            return;
        }

        if (hub.Refuses(context))
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "1";
            return;
        }

        hub.Bind(context);
        WebSocket socket;
        try
        {
            socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { KeepAliveInterval = TimeSpan.FromSeconds(30) }).ConfigureAwait(false);
        }
        catch
        {
            hub.OnNotAccepted(context);
            throw;
        }

        using var owned = socket;
        ChatHub.OnAccepted(context, socket);
        try
        {
            await ReceiveAsync(context, socket, hub).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away, or the connection was dropped after an unanswered close.
        }
        finally
        {
            await hub.OnEndedAsync(context).ConfigureAwait(false);
        }
    }

    private static async Task ReceiveAsync(HttpContext context, WebSocket socket, ChatHub hub)
    {
        var buffer = new byte[ReceiveBufferBytes];
        while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
        {
            var result = await socket.ReceiveAsync(buffer, context.RequestAborted).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                // The client closed (or answered the server's close): complete the handshake through the one writer.
                hub.OnClientClosed(context);
                return;
            }

            await hub.OnMessageAsync(context, result.MessageType, buffer.AsSpan(0, result.Count), result.EndOfMessage).ConfigureAwait(false);
        }
    }
}
