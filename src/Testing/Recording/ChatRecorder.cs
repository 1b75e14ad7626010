using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using KonPro.Streaming.Testing.Chat;
using Microsoft.AspNetCore.Http;

namespace KonPro.Streaming.Testing.Recording;

/// <summary>
/// Record mode's chat socket: opens the same socket (same query) on the upstream, then forwards every message both ways
/// and writes each to the socket's recording, server frames with the client action they followed.
/// </summary>
internal sealed class ChatRecorder(FakeServerCore core, RecordingRedactor redactor, ConcurrentDictionary<string, SessionTimeline> timelines, CancellationToken stopping)
{
    private readonly string _root = core.Options.RecordDirectory!;
    private readonly Uri _upstream = core.Options.ProxyUrl!;

    public SessionTimeline TimelineOf(string sessionId) =>
        timelines.GetOrAdd(sessionId, _ => new SessionTimeline(core.Options.TimeProvider));

    public async Task ServeAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            return;
        }

        var query = context.Request.QueryString.Value ?? string.Empty;
        var sessionId = context.Request.Query[Api.ChatProtocol.SessionIdParameter].FirstOrDefault() ?? "unknown";
        redactor.Learn(context.Request.Query[Api.ChatProtocol.SessionTokenParameter].FirstOrDefault());
        var target = new UriBuilder(_upstream)
        {
            Scheme = _upstream.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
            Path = _upstream.AbsolutePath.TrimEnd('/') + ChatHub.Path,
            Query = query.TrimStart('?'),
        }.Uri;

        using var upstream = new ClientWebSocket();
        upstream.Options.CollectHttpResponseDetails = true;
        try
        {
            await upstream.ConnectAsync(target, context.RequestAborted).ConfigureAwait(false);
        }
        catch (WebSocketException ex)
        {
            Log.RecordChatUpstreamFailed(core.Logger, ex.WebSocketErrorCode.ToString());
            context.Response.StatusCode = upstream.HttpStatusCode == 0 ? StatusCodes.Status502BadGateway : (int)upstream.HttpStatusCode;
            return;
        }

        using var client = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        var timeline = TimelineOf(sessionId);
        var socketNumber = timeline.NextSocket();
        using var file = new ChatRecordingFile(RecordingLayout.ChatFile(_root, sessionId, socketNumber));
        timeline.Note(SessionTimeline.Open);
        var opened = core.Options.TimeProvider.GetTimestamp();
        double Now() => core.Options.TimeProvider.GetElapsedTime(opened).TotalMilliseconds;
        file.Write(new ChatLine { Direction = ChatLine.OpenDirection, Url = redactor.RedactUrl(ChatHub.Path + query) });
        Log.RecordChatOpened(core.Logger, sessionId, socketNumber);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var max = core.Options.MaxChatMessageBytes;
        var fromClient = Task.Run(() => ForwardAsync(client, upstream, max, stop.Token, (type, bytes) =>
        {
            if (type == WebSocketMessageType.Close)
            {
                timeline.Note(SessionTimeline.Close);
                file.Write(new ChatLine { AtMs = Now(), Direction = ChatLine.ClientDirection, Kind = SessionTimeline.Close, CloseStatus = (int?)client.CloseStatus, Reason = client.CloseStatusDescription });
                return;
            }

            var (kind, text) = ChatLine.Classify(type, bytes);
            timeline.Note(kind);
            file.Write(new ChatLine { AtMs = Now(), Direction = ChatLine.ClientDirection, Kind = kind, Bytes = bytes.Length, Text = text is null ? null : redactor.Redact(text) });
        }));
        var fromServer = Task.Run(() => ForwardAsync(upstream, client, max, stop.Token, (type, bytes) =>
        {
            var (kind, ordinal, at) = timeline.Last;
            var line = new ChatLine
            {
                AtMs = Now(),
                After = kind,
                Ordinal = ordinal,
                DelayMs = Math.Round(core.Options.TimeProvider.GetElapsedTime(at).TotalMilliseconds, 1),
            };
            file.Write(type switch
            {
                WebSocketMessageType.Close => line with { CloseStatus = (int?)upstream.CloseStatus, Reason = upstream.CloseStatusDescription },
                WebSocketMessageType.Text => line with { Text = redactor.RedactBody(Encoding.UTF8.GetString(bytes)) },
                _ => line with { Binary = Convert.ToBase64String(bytes) },
            });
        }));

        // When one direction ends (a close went through, or a side dropped), give the other a moment to finish its close.
        var first = await Task.WhenAny(fromClient, fromServer).ConfigureAwait(false);
        var other = first == fromClient ? fromServer : fromClient;
        if (await Task.WhenAny(other, Task.Delay(core.Options.ChatCloseTimeout, core.Options.TimeProvider)).ConfigureAwait(false) != other)
        {
            await stop.CancelAsync().ConfigureAwait(false);
            client.Abort();
            upstream.Abort();
        }

        await Task.WhenAll(fromClient.ContinueWith(_ => { }, TaskScheduler.Default), fromServer.ContinueWith(_ => { }, TaskScheduler.Default)).ConfigureAwait(false);
    }

    // Forwards whole messages from one socket to the other until a close went through; a close is forwarded with its status.
    private static async Task ForwardAsync(WebSocket from, WebSocket to, int maxBytes, CancellationToken cancellationToken, Action<WebSocketMessageType, byte[]> record)
    {
        try
        {
            while (from.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                var (type, bytes) = await SocketMessages.ReceiveAsync(from, maxBytes, cancellationToken).ConfigureAwait(false);
                record(type, bytes);
                if (type == WebSocketMessageType.Close)
                {
                    await SocketMessages.CloseAsync(to, from.CloseStatus ?? WebSocketCloseStatus.NormalClosure, from.CloseStatusDescription, cancellationToken).ConfigureAwait(false);
                    return;
                }

                if (to.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    await to.SendAsync(bytes, type, endOfMessage: true, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // One side dropped: drop the other too (the client then sees an abrupt loss, as it would have).
            to.Abort();
        }
    }
}
