using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using KonPro.Streaming.Api;
using KonPro.Streaming.Testing.Sessions;
using Microsoft.Extensions.Logging;
using WireMock;

namespace KonPro.Streaming.Testing.Room;

/// <summary>A session's room as <c>new</c> answers it: the URL, the client's access token and an agent participant's token.</summary>
internal sealed record RoomGrant(string Url, string AccessToken, string AgentToken);

/// <summary>
/// The fake server's LiveKit-compatible rooms: one room program (a Node child process) for the server, one room per
/// session, tokens signed with a secret of this server's own, and what clients do in the rooms recorded in the journal.
/// </summary>
internal sealed class FakeRoomHost : IRoomFaultTarget, IAsyncDisposable
{
    private const string Issuer = "konpro-fake";
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(6);
    private readonly KonProFakeServerOptions _options;
    private readonly KonProJournal _journal;
    private readonly ILogger _logger;
    private readonly RoomTurns? _turns;
    private readonly string _secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
    private FakeLiveKitProcess? _process;
    private string _scheme = "ws";

    private FakeRoomHost(KonProFakeServerOptions options, KonProJournal journal, ILogger logger, RoomTurns? turns)
    {
        _options = options;
        _journal = journal;
        _logger = logger;
        _turns = turns;
    }

    /// <summary>The port of the room's signalling.</summary>
    public int Port => Process.Port;

    private FakeLiveKitProcess Process => _process ?? throw new InvalidOperationException("The room is not started.");

    /// <summary>Installs (when needed) and starts the room program.</summary>
    /// <param name="options">The server's settings.</param>
    /// <param name="journal">Where what clients do in the rooms is recorded.</param>
    /// <param name="logger">The server's logger.</param>
    /// <param name="turns">Answers what users say in the rooms (typed messages, push-to-talk, microphones); null only records it.</param>
    /// <param name="tls">The certificate the signalling serves (wss://), or null for ws://.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The started rooms.</returns>
    public static async Task<FakeRoomHost> StartAsync(KonProFakeServerOptions options, KonProJournal journal, ILogger logger, RoomTurns? turns, Tls.ServerCertificate? tls, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Room.StartTimeout);
        var folder = await FakeLiveKitInstall.PrepareAsync(options.Room, new InlineProgress(line => Log.RoomInstall(logger, line)), timeout.Token).ConfigureAwait(false);
        var host = new FakeRoomHost(options, journal, logger, turns);
        host._scheme = tls is null ? "ws" : "wss";
        host._process = await FakeLiveKitProcess.StartAsync(folder, options.Room, Cors.CorsPolicy.ForRoom(options), tls, host.OnReport, logger, timeout.Token).ConfigureAwait(false);
        Log.RoomStarted(logger, options.Room.ListenAddress, host.Port);
        return host;
    }

    /// <summary>Creates the session's room and the grant <c>new</c> returns; the room URL names the host the client used.</summary>
    public async Task<RoomGrant> OpenAsync(FakeSession session, IRequestMessage request, CancellationToken cancellationToken = default)
    {
        var command = new JsonObject
        {
            ["cmd"] = "create_room",
            ["session"] = session.Id,
            ["room"] = session.Id,
            ["secret"] = _secret,
        };
        await Process.SendAsync(command, cancellationToken).ConfigureAwait(false);
        var delivery = _options.EffectiveEventDelivery;
        session.GetOrSubscribe(s => new SessionRoom(Process, s.Id, delivery));
        session.Delivery = delivery;
        var secret = System.Text.Encoding.UTF8.GetBytes(_secret);
        var now = DateTimeOffset.UtcNow; // the room checks expiry against the real clock
        return new RoomGrant(
            $"{_scheme}://{HostFor(request)}:{Port}",
            LiveKitAccessToken.Create(Issuer, secret, "client", session.Id, now, TokenLifetime),
            LiveKitAccessToken.Create(Issuer, secret, "agent", session.Id, now, TokenLifetime));
    }

    /// <inheritdoc />
    public async Task<int> SetConnectionQualityAsync(RoomConnectionQuality quality, string? sessionId, CancellationToken cancellationToken)
    {
        var command = new JsonObject
        {
            ["cmd"] = "connection_quality",
            ["quality"] = quality switch
            {
                RoomConnectionQuality.Excellent => "excellent",
                RoomConnectionQuality.Good => "good",
                RoomConnectionQuality.Poor => "poor",
                RoomConnectionQuality.Lost => "lost",
                _ => throw new ArgumentOutOfRangeException(nameof(quality), quality, "Not a connection quality."),
            },
        };
        if (sessionId is not null)
        {
            command["session"] = sessionId;
        }

        var answer = await Process.SendAsync(command, cancellationToken).ConfigureAwait(false);
        return answer.GetProperty("delivered_to").GetInt32();
    }

    private string HostFor(IRequestMessage request)
    {
        if (_options.Room.AdvertisedHost is { } advertised)
        {
            return advertised.Contains(':', StringComparison.Ordinal) && !advertised.StartsWith('[') ? $"[{advertised}]" : advertised;
        }

        var header = request.Headers is not null && request.Headers.TryGetValue("Host", out var values) && values.Count > 0 ? values[0] : null;
        return Uri.TryCreate("http://" + (header ?? request.Host), UriKind.Absolute, out var uri) ? uri.Host : _options.Room.ListenAddress;
    }

    private void OnReport(JsonElement report)
    {
        var type = report.GetProperty("type").GetString();
        var session = Text(report, "session") ?? string.Empty;
        var identity = Text(report, "identity") ?? string.Empty;
        RoomActivityRecord Record(RoomActivityKind kind, string? text, string? trackSid = null, string? trackKind = null, double seconds = 0, double level = 0) =>
            new(DateTimeOffset.UtcNow, session, identity, kind, text, trackSid, trackKind, seconds, level);

        switch (type)
        {
            case "participant_joined":
                _journal.Add(Record(RoomActivityKind.ParticipantJoined, $"protocol {Number(report, "protocol")} {Text(report, "sdk")}".TrimEnd()));
                Log.RoomParticipantJoined(_logger, session, identity);
                break;
            case "participant_left":
                _journal.Add(Record(RoomActivityKind.ParticipantLeft, Text(report, "reason")));
                Log.RoomParticipantLeft(_logger, session, identity, Text(report, "reason") ?? string.Empty);
                break;
            case "data_received":
                var payload = Text(report, "payload") ?? string.Empty;
                var kind = PushToTalk(payload) ?? RoomActivityKind.UserMessage;
                _journal.Add(Record(kind, payload));
                _turns?.OnData(session, kind, payload);
                break;
            case "track_published":
                _journal.Add(Record(RoomActivityKind.TrackPublished, Text(report, "source"), Text(report, "track"), Text(report, "kind")));
                break;
            case "audio_level":
                _journal.Add(Record(RoomActivityKind.AudioReceived, null, Text(report, "track"), "audio", Number(report, "seconds"), Number(report, "rms")));
                _turns?.OnAudio(session, Text(report, "track") ?? string.Empty, Number(report, "seconds"), Number(report, "rms"));
                break;
            case "join_rejected":
                Log.RoomJoinRejected(_logger, Text(report, "reason") ?? string.Empty);
                break;
            case "error":
                Log.RoomError(_logger, Text(report, "message") ?? string.Empty);
                break;
            default:
                break; // avatar_started, track_received, track_muted: nothing to record
        }
    }

    /// <summary>Push-to-talk as <c>openapi/konpro-chat.asyncapi.yaml</c> names it (the reference publishes it as a JSON string).</summary>
    private static RoomActivityKind? PushToTalk(string payload) => RoomDataMessages.PushToTalkOf(payload) switch
    {
        RoomDataMessages.PushToTalkStart => RoomActivityKind.PushToTalkStart,
        RoomDataMessages.PushToTalkStop => RoomActivityKind.PushToTalkStop,
        _ => null,
    };

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static double Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : 0;

    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            await process.DisposeAsync().ConfigureAwait(false);
        }
    }
}
