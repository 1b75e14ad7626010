using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using KonPro.Streaming.Api;
using KonPro.Streaming.Testing.Chat;
using KonPro.Streaming.Testing.Rest;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using WireMock;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace KonPro.Streaming.Testing.Recording;

/// <summary>
/// Record and replay, in place of the fake's own behaviour. Record: WireMock's proxy-and-record forwards every REST call
/// to <see cref="KonProFakeServerOptions.ProxyUrl"/> and writes a mapping per call (redacted on its way to the disk);
/// the chat socket is forwarded and written by <see cref="ChatRecorder"/>. Replay: WireMock serves the recorded mappings,
/// a middleware rewrites the ids of each call both ways, and <see cref="ChatReplayer"/> plays the chat sockets back.
/// </summary>
internal sealed class RecordReplayHost
{
    /// <summary>The answer of a request the recording cannot answer: after every recorded mapping.</summary>
    private const int NoRecordingPriority = 1_000_000;

    private readonly FakeServerCore _core;
    private readonly RestPipeline _pipeline;
    private readonly RecordingRedactor _redactor = new();
    private readonly ConcurrentDictionary<string, SessionTimeline> _recordedTimelines = new(StringComparer.Ordinal);
    private readonly ReplaySessions _replay;
    private readonly ChatRecorder? _recorder;
    private readonly ChatReplayer? _replayer;

    // When the REST call being forwarded arrived: WireMock saves its mapping in the call's own flow, which reads it.
    private readonly AsyncLocal<long?> _callStarted = new();

    // Cancelled when the server stops: every proxied or replayed chat socket ends.
    private readonly CancellationTokenSource _stopping = new();

    private RecordReplayHost(FakeServerCore core, RestPipeline pipeline)
    {
        _core = core;
        _pipeline = pipeline;
        _replay = new ReplaySessions(core.Options.TimeProvider);
        if (core.Options.IsRecording)
        {
            _recorder = new ChatRecorder(core, _redactor, _recordedTimelines, _stopping.Token);
        }
        else
        {
            _replayer = new ChatReplayer(core, _replay, _stopping.Token);
        }
    }

    /// <summary>The host of record or replay mode, or null when the options ask for neither.</summary>
    public static RecordReplayHost? Create(FakeServerCore core, RestPipeline pipeline) =>
        core.Options.IsRecording || core.Options.IsReplaying ? new RecordReplayHost(core, pipeline) : null;

    /// <summary>Record: proxy everything to the upstream and save each call as a redacted mapping file.</summary>
    public void Configure(WireMockServerSettings settings)
    {
        if (_recorder is null)
        {
            return;
        }

        var root = _core.Options.RecordDirectory!;
        Directory.CreateDirectory(Path.Combine(root, RecordingLayout.MappingsFolder));
        Directory.CreateDirectory(Path.Combine(root, RecordingLayout.ChatFolder));
        var time = _core.Options.TimeProvider;
        settings.FileSystemHandler = new RedactingFileSystemHandler(root, _redactor, () => _callStarted.Value is { } started ? time.GetElapsedTime(started) : null);
        settings.ProxyAndRecordSettings = new ProxyAndRecordSettings
        {
            Url = _core.Options.ProxyUrl!.ToString().TrimEnd('/'),
            // Only to files: a call is forwarded every time (a second keep_alive is not answered from the first one).
            SaveMapping = false,
            SaveMappingToFile = true,
            AppendGuidToSavedMappingFile = true,
        };
        Log.RecordingStarted(_core.Logger, _core.Options.ProxyUrl!, root);
    }

    /// <summary>The middleware of the mode, before WireMock's and before the fake's chat socket.</summary>
    public void Install(IApplicationBuilder app)
    {
        app.Use(async (HttpContext context, RequestDelegate next) =>
        {
            if (context.Request.Path.Equals(ChatHub.Path, StringComparison.Ordinal) && HttpMethods.IsGet(context.Request.Method))
            {
                await (_recorder is not null ? _recorder.ServeAsync(context) : _replayer!.ServeAsync(context)).ConfigureAwait(false);
                return;
            }

            if (!IsApiCall(context.Request.Path))
            {
                await next(context).ConfigureAwait(false);
                return;
            }

            await (_recorder is not null ? ObserveAsync(context, next) : ReplayAsync(context, next)).ConfigureAwait(false);
        });
    }

    /// <summary>Replay: the recorded mappings, and a clear answer for any call they do not answer.</summary>
    public void Map(WireMockServer server)
    {
        if (_replayer is null)
        {
            return;
        }

        ReplayMappings.Load(server, Path.Combine(_core.Options.ReplayDirectory!, RecordingLayout.MappingsFolder));
        server.Given(Request.Create().WithPath(new RegexMatcher(@"^/v[0-9]+/")).UsingAnyMethod())
            .AtPriority(NoRecordingPriority)
            .RespondWith(Response.Create().WithCallback(NoRecording));
        Log.ReplayStarted(_core.Logger, _core.Options.ReplayDirectory!);
    }

    /// <summary>Ends every proxied or replayed chat socket (the server is stopping).</summary>
    public void Stop()
    {
        if (!_stopping.IsCancellationRequested)
        {
            _stopping.Cancel();
        }
    }

    private static bool IsApiCall(PathString path) =>
        path.HasValue && path.Value!.Length > 2 && path.Value[1] == 'v' && char.IsAsciiDigit(path.Value[2]);

    // Record: note the call in its session's timeline before it is forwarded, so the frames it causes follow it.
    private async Task ObserveAsync(HttpContext context, RequestDelegate next)
    {
        _callStarted.Value = _core.Options.TimeProvider.GetTimestamp();
        var (_, sessionId) = await ReadBodyAsync(context).ConfigureAwait(false);
        var operation = SessionTimeline.OperationOf(context.Request.Path.Value!);
        if (sessionId is not null && SessionTimeline.Anchors(operation))
        {
            _recorder!.TimelineOf(sessionId).Note(SessionTimeline.Rest(operation));
        }

        await next(context).ConfigureAwait(false);
    }

    // Replay: the request with the recorded ids to WireMock, its answer with the fresh ones to the client.
    private async Task ReplayAsync(HttpContext context, RequestDelegate next)
    {
        // As the service: a call without any credential is refused, and so is a session token this replay did not hand
        // out. An API key is taken as it comes: the recording does not hold it.
        var bearer = context.Request.Headers.Authorization.FirstOrDefault(v => v?.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) == true)?["Bearer ".Length..].Trim();
        var refusal = context.Request.Headers.ContainsKey("x-api-key") ? null
            : bearer is null ? "missing API key or session token"
            : !_replay.Issued(bearer) ? "invalid or expired session token"
            : null;
        if (refusal is not null)
        {
            var refused = _pipeline.ErrorAnswer(RestError.Unauthorized(refusal));
            context.Response.StatusCode = refused.Status;
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(refused.Body, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var (body, sessionId) = await ReadBodyAsync(context).ConfigureAwait(false);
        var asSent = (Method: context.Request.Method, Target: context.Request.Path.Value + context.Request.QueryString.Value, Body: body);
        var session = _replay.Find(sessionId);
        var operation = SessionTimeline.OperationOf(context.Request.Path.Value!);
        if (session is not null)
        {
            body = ReplaySessions.ToRecorded(body, session);
            if (context.Request.QueryString.HasValue)
            {
                context.Request.QueryString = new QueryString(ReplaySessions.ToRecorded(context.Request.QueryString.Value!, session));
            }
        }

        // The recording holds request bodies redacted (a token in a body is a secret too) and, once loaded, canonical
        // (ReplayMappings): match them alike, so that key order and whitespace do not matter.
        var redactor = new RecordingRedactor();
        var matchable = Encoding.UTF8.GetBytes(ReplayMappings.Canonical(redactor.RedactBody(body)));
        context.Request.Body = new MemoryStream(matchable);
        context.Request.ContentLength = matchable.Length;

        var original = context.Response.Body;
        using var buffered = new MemoryStream();
        context.Response.Body = buffered;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            context.Response.Body = original;
        }

        // Only an answer from the recording carries its recorded delay: anything else is a request it has no answer for.
        if (!context.Response.Headers.Remove(ReplayMappings.DelayHeader, out var delayHeader))
        {
            var what = $"{asSent.Method} {redactor.RedactUrl(asSent.Target)}";
            Log.ReplayMissing(_core.Logger, what);
            var shown = asSent.Body.Trim().Length > 0 ? " with body " + ReplayMappings.Readable(redactor.RedactBody(asSent.Body)) : string.Empty;
            var missing = _pipeline.ErrorAnswer(RestError.NotFound($"the recording has no answer for {what}{shown}"));
            context.Response.StatusCode = missing.Status;
            context.Response.ContentType = "application/json; charset=utf-8";
            var bytes = Encoding.UTF8.GetBytes(missing.Body);
            context.Response.ContentLength = bytes.Length;
            await original.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        // Answered from the recording: now the chat events that followed this call may play, while the answer waits
        // out its recorded latency (a sync task answers when the avatar has finished, its events streaming meanwhile).
        if (session is not null && SessionTimeline.Anchors(operation))
        {
            session.Timeline.Note(SessionTimeline.Rest(operation));
        }

        if (int.TryParse(delayHeader, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var delayMs) && delayMs > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(delayMs), _core.Options.TimeProvider, context.RequestAborted).ConfigureAwait(false);
        }

        var answer = Encoding.UTF8.GetString(buffered.GetBuffer(), 0, (int)buffered.Length);
        if (operation == "new" && context.Response.StatusCode == StatusCodes.Status200OK && RecordedSessionOf(answer) is { } recorded)
        {
            session = _replay.Register(recorded);
            Log.ReplaySessionStarted(_core.Logger, session.FreshId, recorded);
        }

        var rewritten = Encoding.UTF8.GetBytes(_replay.ToFresh(answer, session));
        context.Response.ContentLength = rewritten.Length;
        await original.WriteAsync(rewritten, context.RequestAborted).ConfigureAwait(false);
    }

    // The body as text (left readable for WireMock) and the session it names (body field or query parameter).
    private static async Task<(string Body, string? SessionId)> ReadBodyAsync(HttpContext context)
    {
        context.Request.EnableBuffering();
        string body;
        using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        }

        context.Request.Body.Position = 0;
        var sessionId = context.Request.Query[ChatProtocol.SessionIdParameter].FirstOrDefault();
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("session_id", out var id) && id.ValueKind == JsonValueKind.String)
            {
                sessionId = id.GetString();
            }
        }
        catch (JsonException)
        {
            // Not JSON (or no body): the session, if any, is in the query.
        }

        return (body, sessionId);
    }

    private static string? RecordedSessionOf(string answer)
    {
        try
        {
            using var json = JsonDocument.Parse(answer);
            return json.RootElement.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
                && data.TryGetProperty("session_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // The catch-all after every recorded mapping: no delay header, so the replay middleware answers 404 naming the request.
    private static ResponseMessage NoRecording(IRequestMessage request) => new() { StatusCode = StatusCodes.Status404NotFound };
}
