using System.Net.WebSockets;
using System.Text;
using KonPro.Streaming.Api;
using Microsoft.AspNetCore.Http;

namespace KonPro.Streaming.Testing.Recording;

/// <summary>
/// Replay mode's chat socket: the n-th socket of a replayed session plays the n-th recorded socket of its recorded
/// session. Each recorded server frame (and close) is sent once the client has done what it followed in the recording
/// (the same REST call, the same message), after the recorded delay, in the recorded order, with the ids rewritten.
/// </summary>
internal sealed class ChatReplayer(FakeServerCore core, ReplaySessions sessions, CancellationToken stopping)
{
    private readonly string _root = core.Options.ReplayDirectory!;

    public async Task ServeAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        if (!sessions.Issued(context.Request.Query[ChatProtocol.SessionTokenParameter].FirstOrDefault()))
        {
            await SocketMessages.CloseAsync(socket, (WebSocketCloseStatus)ChatCloseStatus.Unauthorized, ChatCloseStatus.UnauthorizedReason, context.RequestAborted).ConfigureAwait(false);
            await DrainAsync(socket, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var session = sessions.Find(context.Request.Query[ChatProtocol.SessionIdParameter].FirstOrDefault());
        if (session is null)
        {
            await SocketMessages.CloseAsync(socket, (WebSocketCloseStatus)ChatCloseStatus.SessionNotFound, ChatCloseStatus.SessionNotFoundReason, context.RequestAborted).ConfigureAwait(false);
            await DrainAsync(socket, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var number = session.Timeline.NextSocket();
        var path = RecordingLayout.ChatFile(_root, session.RecordedId, number);
        if (!File.Exists(path))
        {
            Log.ReplayMissing(core.Logger, $"chat socket {number} of session {session.FreshId}");
            await SocketMessages.CloseAsync(socket, (WebSocketCloseStatus)ChatCloseStatus.SessionNotFound, $"no recording of chat socket {number}", context.RequestAborted).ConfigureAwait(false);
            await DrainAsync(socket, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var lines = ChatRecordingFile.Read(path).Where(l => l.Direction == ChatLine.ServerDirection).ToList();
        session.Timeline.Note(SessionTimeline.Open);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var sender = Task.Run(() => SendAsync(socket, session, lines, stop.Token), CancellationToken.None);
        var closing = 0;
        async Task CloseOnceAsync(WebSocketCloseStatus status, string? reason)
        {
            if (Interlocked.Exchange(ref closing, 1) == 0)
            {
                await SocketMessages.CloseAsync(socket, status, reason, CancellationToken.None).ConfigureAwait(false);
            }
        }

        // The server stops: the sender stops (a cancelled receive would drop the socket), then the socket is closed 1001.
        using var shutdown = stopping.Register(() => _ = Task.Run(async () =>
        {
            await sender.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await CloseOnceAsync(WebSocketCloseStatus.EndpointUnavailable, "server_shutdown").ConfigureAwait(false);

            // As the fake does: a client that has not answered the close within a second is dropped.
            await Task.Delay(TimeSpan.FromSeconds(1), core.Options.TimeProvider).ConfigureAwait(false);
            if (socket.State != WebSocketState.Closed)
            {
                socket.Abort();
            }
        }));
        try
        {
            while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                var (type, bytes) = await SocketMessages.ReceiveAsync(socket, core.Options.MaxChatMessageBytes, context.RequestAborted).ConfigureAwait(false);
                session.Timeline.Note(type == WebSocketMessageType.Close ? SessionTimeline.Close : ChatLine.Classify(type, bytes).Kind);
                if (type == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away.
        }

        // The client closed: let the sender play what the recording sent after that close (its answer), then stop it.
        await Task.WhenAny(sender, Task.Delay(TimeSpan.FromMilliseconds(200), core.Options.TimeProvider)).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        await sender.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await CloseOnceAsync(socket.CloseStatus ?? WebSocketCloseStatus.NormalClosure, socket.CloseStatusDescription).ConfigureAwait(false);
    }

    private async Task SendAsync(WebSocket socket, ReplaySession session, List<ChatLine> lines, CancellationToken cancellationToken)
    {
        foreach (var line in lines)
        {
            var at = await session.Timeline.WhenAsync(line.After ?? SessionTimeline.Open, line.Ordinal ?? 0, cancellationToken).ConfigureAwait(false);
            var wait = TimeSpan.FromMilliseconds(line.DelayMs ?? 0) - (at == 0 ? TimeSpan.Zero : session.Timeline.Since(at));
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, core.Options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }

            if (line.CloseStatus is { } status)
            {
                await SocketMessages.CloseAsync(socket, (WebSocketCloseStatus)status, line.Reason, cancellationToken).ConfigureAwait(false);
                return;
            }

            if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
            {
                return;
            }

            var (bytes, type) = line.Text is { } text
                ? (Encoding.UTF8.GetBytes(sessions.ToFresh(text, session)), WebSocketMessageType.Text)
                : (Convert.FromBase64String(line.Binary ?? string.Empty), WebSocketMessageType.Binary);
            await socket.SendAsync(bytes, type, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task DrainAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        try
        {
            while (socket.State is WebSocketState.CloseSent)
            {
                using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                bounded.CancelAfter(TimeSpan.FromSeconds(5));
                var (type, _) = await SocketMessages.ReceiveAsync(socket, 64 * 1024, bounded.Token).ConfigureAwait(false);
                if (type == WebSocketMessageType.Close)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away.
        }
    }
}
