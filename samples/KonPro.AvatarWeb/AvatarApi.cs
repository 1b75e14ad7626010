using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using KonPro.AvatarWeb.Sessions;

namespace KonPro.AvatarWeb;

/// <summary>The page's API: start a session, its events (Server-Sent Events), typed messages, stop.</summary>
public static class AvatarApi
{
    /// <summary>The longest typed message (KonPro's limit for a task's text).</summary>
    public const int MaxMessageLength = 1000;

    /// <summary>Maps the endpoints under <c>/api/sessions</c>.</summary>
    public static IEndpointRouteBuilder MapAvatarApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/sessions");

        // Start: the browser gets the room's URL and the user participant's token, and the id to address its session
        // by. Never the API key, never the session token.
        api.MapPost("/", async (AvatarSessions sessions, CancellationToken cancellationToken) =>
            await sessions.StartSessionAsync(cancellationToken).ConfigureAwait(false) is { } session
                ? Results.Created($"/api/sessions/{session.Id}", new StartedSession(session.Id, session.UserRoom))
                : Results.Problem("Too many sessions are running; try again later.", statusCode: StatusCodes.Status429TooManyRequests));

        // What happens, as Server-Sent Events: replayed from the start (or from Last-Event-ID), then live, until the
        // session ends, the page goes away or the server stops.
        api.MapGet("/{id}/events", (string id, HttpRequest request, AvatarSessions sessions, IHostApplicationLifetime lifetime, CancellationToken cancellationToken) =>
        {
            if (sessions.Find(id) is not { } session)
            {
                return Results.NotFound();
            }

            _ = long.TryParse(request.Headers["Last-Event-ID"].ToString(), out var after);
            return TypedResults.ServerSentEvents(Stream(session, after, lifetime.ApplicationStopping, cancellationToken));
        });

        // Typed text feeds the conversation; the answer reaches the page as events.
        api.MapPost("/{id}/messages", (string id, TypedMessage message, AvatarSessions sessions, ILoggerFactory logs) =>
        {
            if (string.IsNullOrWhiteSpace(message.Text) || message.Text.Length > MaxMessageLength)
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["text"] = [$"between 1 and {MaxMessageLength} characters"] });
            }

            if (sessions.Find(id) is not { } session)
            {
                return Results.NotFound();
            }

            var logger = logs.CreateLogger(typeof(AvatarApi));
            _ = session.SendAsync(message.Text).ContinueWith(
                t => Log.AnswerFailed(logger, id, t.Exception!.GetBaseException().GetType().Name),
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            return Results.Accepted();
        });

        // The Stop button.
        api.MapDelete("/{id}", async (string id, AvatarSessions sessions) =>
            await sessions.EndAsync(id, "stopped").ConfigureAwait(false) ? Results.NoContent() : Results.NotFound());

        // The page is being closed (navigator.sendBeacon, which can only POST).
        api.MapPost("/{id}/leave", async (string id, AvatarSessions sessions) =>
            await sessions.EndAsync(id, "page_closed").ConfigureAwait(false) ? Results.NoContent() : Results.NotFound());

        return app;
    }

    private static async IAsyncEnumerable<SseItem<PageEvent>> Stream(
        AvatarWebSession session,
        long after,
        CancellationToken stopping,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, cancellationToken);
        var channel = Channel.CreateUnbounded<PageEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var page = session.PageConnected();
        using var subscription = session.Events(after).Subscribe(
            e => channel.Writer.TryWrite(e),
            error => channel.Writer.TryComplete(error),
            () => channel.Writer.TryComplete());
        // First a "connected" event (no id: it does not move Last-Event-ID): it sends the response's headers at once, so
        // the page's EventSource opens now rather than with the first thing that happens.
        yield return new SseItem<PageEvent>(new PageEvent(0, "connected"), "connected");
        IAsyncEnumerator<PageEvent> events = channel.Reader.ReadAllAsync(linked.Token).GetAsyncEnumerator(linked.Token);
        try
        {
            while (true)
            {
                try
                {
                    if (!await events.MoveNextAsync().ConfigureAwait(false))
                    {
                        yield break;
                    }
                }
                catch (OperationCanceledException)
                {
                    break; // the page left or the server is stopping
                }

                var item = events.Current;
                yield return new SseItem<PageEvent>(item, item.Type) { EventId = item.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            }
        }
        finally
        {
            await events.DisposeAsync().ConfigureAwait(false);
        }

        // The streams close as the server starts stopping, before its sessions end (and publish why): say it here, or the
        // page would take the closed stream for a dropped connection and retry a server that is going away. No id: it
        // is not one of the session's events.
        if (stopping.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            yield return new SseItem<PageEvent>(new PageEvent(0, "ended") { Reason = "server_shutdown" }, "ended");
        }
    }
}

/// <summary>The answer to a start: the app's session id and the room credentials of the user participant.</summary>
/// <param name="Id">What the page addresses its session by.</param>
/// <param name="Room">The LiveKit URL and the user's token.</param>
public sealed record StartedSession(string Id, KonPro.Streaming.RoomCredentials Room);

/// <summary>A typed message from the page.</summary>
/// <param name="Text">The words.</param>
public sealed record TypedMessage(string? Text);
