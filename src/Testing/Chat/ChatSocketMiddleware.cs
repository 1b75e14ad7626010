using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace KonPro.StreamingAvatar.Testing.Chat;

/// <summary>
/// WireMock's WebSocket mappings have no on-connect callback, but the fake must authenticate and push events
/// before the client sends anything. This middleware runs just before WireMock's (PreWireMockMiddlewareInit)
/// and decorates the upgrade feature, so the hub learns of each socket the moment WireMock accepts it.
/// WireMock still matches, accepts, logs and receives; the hub only writes.
/// </summary>
internal static class ChatSocketMiddleware
{
    public static void Install(object app, ChatHub hub)
    {
        var builder = (IApplicationBuilder)app;
        builder.Use(async (HttpContext context, RequestDelegate next) =>
        {
            if (!context.WebSockets.IsWebSocketRequest || !context.Request.Path.Equals(ChatHub.Path, StringComparison.Ordinal))
            {
                await next(context).ConfigureAwait(false);
                return;
            }

            if (hub.Refuses(context))
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.Headers.RetryAfter = "1";
                return;
            }

            var inner = context.Features.Get<IHttpWebSocketFeature>()!;
            context.Features.Set<IHttpWebSocketFeature>(new NotifyingWebSocketFeature(inner, socket => hub.OnAccepted(context, socket)));
            try
            {
                await next(context).ConfigureAwait(false);
            }
            finally
            {
                hub.OnEnded(context);
            }
        });
    }

    private sealed class NotifyingWebSocketFeature(IHttpWebSocketFeature inner, Action<WebSocket> accepted) : IHttpWebSocketFeature
    {
        public bool IsWebSocketRequest => inner.IsWebSocketRequest;

        public async Task<WebSocket> AcceptAsync(WebSocketAcceptContext context)
        {
            var socket = await inner.AcceptAsync(context).ConfigureAwait(false);
            accepted(socket);
            return socket;
        }
    }
}
