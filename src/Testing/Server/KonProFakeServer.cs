using KonPro.Streaming.Testing.Chat;
using KonPro.Streaming.Testing.Realtime;
using KonPro.Streaming.Testing.Rest;
using KonPro.Streaming.Testing.Speech;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace KonPro.Streaming.Testing;

/// <summary>
/// An offline, stateful fake of the KonPro Streaming Avatar API on WireMock.Net: every REST operation (on KonPro's
/// routes and the older aliases), the chat WebSocket, a believable avatar, faults and a journal. It listens on
/// loopback only (see <see cref="BoundUrls"/>). Dispose it to close its sockets and stop its timers.
/// </summary>
/// <example>
/// <code>
/// await using var server = await KonProFakeServer.StartAsync(new KonProFakeServerOptions { TimeScale = 0.01 });
/// var token = await server.CreateSessionTokenAsync();
/// </code>
/// </example>
public sealed partial class KonProFakeServer : IAsyncDisposable
{
    private readonly FakeServerCore _core;
    private readonly AvatarBehaviour _avatar;
    private readonly RealtimeAudioHub _realtime;
    private readonly Room.FakeRoomHost? _rooms;
    private int _disposed;

    private KonProFakeServer(FakeServerCore core, AvatarBehaviour avatar, RealtimeAudioHub realtime, Room.FakeRoomHost? rooms, WireMockServer wireMock, ChatHub hub)
    {
        _core = core;
        _avatar = avatar;
        _realtime = realtime;
        _rooms = rooms;
        WireMock = wireMock;
        Hub = hub;
    }

    /// <summary>The TLS certificate, with <see cref="KonProFakeServerOptions.UseHttps"/>.</summary>
    private Tls.ServerCertificate? ServerTls { get; init; }

    /// <summary>Record or replay mode, when the options asked for one.</summary>
    private Recording.RecordReplayHost? RecordReplay { get; init; }

    /// <summary>The chat socket's behaviour (tests count its open connections).</summary>
    internal ChatHub Hub { get; }

    /// <summary>The base URL, <c>http://127.0.0.1:PORT</c> (<c>https://</c> with <see cref="KonProFakeServerOptions.UseHttps"/>; no trailing slash).</summary>
    public string Url => _core.BaseUrl;

    /// <summary>
    /// The certificate the server presents with <see cref="KonProFakeServerOptions.UseHttps"/> (its public part: what a
    /// client trusts), or null without TLS.
    /// </summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? Certificate { get; private init; }

    /// <summary>
    /// A PEM file of <see cref="Certificate"/> for clients to trust (the development certificate's
    /// <c>konpro-fake-dev.crt</c>, or a configured PEM certificate), or null without TLS or for a PKCS#12 certificate.
    /// </summary>
    public string? CertificatePemPath => ServerTls?.PemPath;

    /// <summary>
    /// Every address the server listens on, <see cref="Url"/> first: <c>http://127.0.0.1:PORT</c> for a free port; with a
    /// fixed <see cref="KonProFakeServerOptions.Port"/> also <c>http://[::1]:PORT</c> (loopback on both IP versions).
    /// </summary>
    public IReadOnlyList<string> BoundUrls { get; private init; } = [];

    /// <summary>The chat socket's URL, <c>ws://127.0.0.1:PORT/v1/ws/streaming.chat</c> (<c>wss://</c> over TLS; without the query).</summary>
    public Uri ChatUrl => new(_core.WebSocketBaseUrl + ChatHub.Path);

    /// <summary>The first configured API key (header <c>x-api-key</c>).</summary>
    public string ApiKey => _core.Options.ApiKeys[0];

    /// <summary>
    /// The underlying WireMock server: its REST mappings, its request log and (when started) its admin API. The chat
    /// socket is served beside WireMock on the same host, so its upgrades are in <see cref="Journal"/>, not in WireMock's log.
    /// </summary>
    public WireMockServer WireMock { get; }

    /// <summary>Every REST call and chat frame the server saw.</summary>
    public KonProJournal Journal => _core.Journal;

    /// <summary>The fault switches.</summary>
    public KonProFaults Faults => _core.Faults;

    /// <summary>
    /// Replaces the avatar's offline responder of talk tasks (and of user input); null restores the default, which is
    /// deterministic: the knowledge base's opening line, then <c>You said: &lt;text&gt;.</c>, then the prompt it answers under.
    /// </summary>
    public Func<AvatarReplyContext, string>? Responder
    {
        get => _avatar.Responder;
        set => _avatar.Responder = value;
    }

    /// <summary>Every session so far, oldest first.</summary>
    public IReadOnlyList<FakeSessionSnapshot> Sessions => [.. _core.Store.All().Select(s => s.Snapshot())];

    /// <summary>Starts a fake server with the default options on a free port.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The started server.</returns>
    public static Task<KonProFakeServer> StartAsync(CancellationToken cancellationToken = default) =>
        StartAsync(new KonProFakeServerOptions(), cancellationToken);

    /// <summary>Starts a fake server.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The started server.</returns>
    public static async Task<KonProFakeServer> StartAsync(KonProFakeServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        cancellationToken.ThrowIfCancellationRequested();

        if (options.Port != 0)
        {
            EnsurePortIsFree(options.Port);
        }

        var tls = options.UseHttps ? Tls.ServerCertificate.Load(options) : null;
        // The faults act on the chat sockets, which only the hub knows, and the hub is built on the core that holds the
        // faults: the faults find the hub when they act, long after both are built.
        ChatHub? chat = null;
        var core = new FakeServerCore(options, sessionId => chat!.SocketsOf(sessionId));
        var avatar = new AvatarBehaviour(core);
        var account = new AccountEndpoints(core);
        var hub = chat = new ChatHub(core, avatar);
        var realtime = new RealtimeAudioHub(core);
        var pipeline = new RestPipeline(core);
        var limits = new RequestLimits(options, pipeline);
        var recording = Recording.RecordReplayHost.Create(core, pipeline);
        var cors = Cors.CorsPolicy.From(options);
        var logBound = options.MaxRequestLogCount > 0 ? new RequestLogBound(options.MaxRequestLogCount) : null;
        var settings = new WireMockServerSettings
        {
            Urls = [$"{(tls is null ? "http" : "https")}://127.0.0.1:{options.Port}"],
            CertificateSettings = tls is null ? null : new WireMockCertificateSettings { X509CertificateFilePath = tls.PfxPath, X509CertificatePassword = tls.PfxPassword },
            StartAdminInterface = options.StartAdminInterface,
            // The endpoints parse the body bytes themselves; WireMock's own JSON parse of every body is pure cost.
            DisableJsonBodyParsing = true,
            // The request log is bounded by RequestLogBound (in batches) rather than by WireMock's per-request sort; 0 keeps none.
            MaxRequestLogCount = options.MaxRequestLogCount == 0 ? 0 : null,
            AdditionalServiceRegistration = services => services.PostConfigure<KestrelServerOptions>(kestrel =>
            {
                // Kestrel answers a long URL or large headers itself, without the error envelope; let them through to
                // RequestLimits, which answers them (up to these larger bounds) in the envelope.
                kestrel.Limits.MaxRequestLineSize = RequestLimits.KestrelMaxRequestLineBytes;
                kestrel.Limits.MaxRequestHeadersTotalSize = RequestLimits.KestrelMaxHeaderBytes;
            }),
            PreWireMockMiddlewareInit = app =>
            {
                cors?.Install((IApplicationBuilder)app);
                logBound?.Install((IApplicationBuilder)app);
                limits.Install((IApplicationBuilder)app);
                recording?.Install((IApplicationBuilder)app);
                ChatSocketMiddleware.Install(app, hub);
                realtime.Install(app);
                if (options.StartAdminInterface)
                {
                    AdminRequestGate.Install((IApplicationBuilder)app);
                }

                RouteGate.Install((IApplicationBuilder)app);
            },
        };
        recording?.Configure(settings);
        // WireMock starts Kestrel synchronously; keep the caller's thread free while it does.
        WireMockServer wireMock;
        try
        {
            wireMock = await Task.Run(() => WireMockServer.Start(settings), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            tls?.Dispose();
            throw;
        }

        string[] boundUrls;
        Room.FakeRoomHost? rooms = null;
        try
        {
            // With a fixed port WireMock listens on "localhost": both 127.0.0.1 and [::1]. The base URL names 127.0.0.1.
            var bound = wireMock.Urls.Select(u => u.TrimEnd('/')).ToList();
            boundUrls = [.. bound.SelectMany(u => u.Contains("://localhost:", StringComparison.Ordinal)
                ? new[] { u.Replace("://localhost:", "://127.0.0.1:", StringComparison.Ordinal), u.Replace("://localhost:", "://[::1]:", StringComparison.Ordinal) }
                : [u])];
            core.BaseUrl = boundUrls[0];
            rooms = options.Room.Enabled ? await Room.FakeRoomHost.StartAsync(options, core.Journal, core.Logger, new Room.RoomTurns(core, avatar), tls, cancellationToken).ConfigureAwait(false) : null;
            if (rooms is not null)
            {
                core.Faults.AttachRooms(rooms);
            }

            logBound?.Attach(wireMock);
            if (options.StartAdminInterface)
            {
                // API requests skip WireMock's admin mappings; requests under /__admin are matched as before.
                AdminRequestGate.Apply(wireMock);
            }

            if (recording is null)
            {
                RestRoutes.Map(wireMock, pipeline, new SessionEndpoints(core, avatar, realtime, rooms), account);
                ContractRoutes.Map(wireMock, pipeline);
            }
            else
            {
                recording.Map(wireMock);
            }
        }
        catch
        {
            await (rooms?.DisposeAsync() ?? ValueTask.CompletedTask).ConfigureAwait(false);
            wireMock.Stop();
            wireMock.Dispose();
            tls?.Dispose();
            throw;
        }

        Log.ServerStarted(core.Logger, core.BaseUrl);
        if (tls is not null)
        {
            Log.TlsCertificate(core.Logger, tls.Certificate.Subject, tls.Certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256), tls.PemPath ?? "(a PKCS#12 file: no PEM)");
        }

        return new KonProFakeServer(core, avatar, realtime, rooms, wireMock, hub)
        {
            BoundUrls = boundUrls,
            RecordReplay = recording,
            ServerTls = tls,
            Certificate = tls is null ? null : System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(tls.Certificate.RawData),
        };
    }

    // WireMock only notices a taken port when its start times out; a quick probe gives a clear error at once.
    private static void EnsurePortIsFree(int port)
    {
        try
        {
            var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
            probe.Start();
            probe.Stop();
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            throw new InvalidOperationException($"Port {port} on 127.0.0.1 is in use.", ex);
        }
    }

    /// <summary>Issues a session token as <c>create_token</c> would (without an HTTP call), under <see cref="ApiKey"/>.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A fresh, single-use session token.</returns>
    public Task<string> CreateSessionTokenAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_core.Tokens.IssueToken(ApiKey));
    }

    /// <summary>The current state of one session, or null when the id is unknown.</summary>
    /// <param name="sessionId">The session's id.</param>
    /// <returns>The snapshot, or null.</returns>
    public FakeSessionSnapshot? GetSession(string sessionId) => _core.Store.Find(sessionId)?.Snapshot();

    /// <summary>What the server shares between its parts (its sessions and their one close path), for the fake's own tests.</summary>
    internal FakeServerCore Core => _core;

    /// <summary>
    /// Queues what the next user utterance heard on a chat socket is transcribed as (first in, first out). Without a
    /// transcript an utterance reads <c>[speech 1.2 s]</c>, naming its length.
    /// </summary>
    /// <param name="transcript">The words.</param>
    /// <param name="sessionId">Only for this session's utterances (taken before the server-wide queue), or null for any session.</param>
    public void EnqueueTranscript(string transcript, string? sessionId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(transcript);
        _avatar.Transcripts.EnqueueTranscript(transcript, sessionId);
    }

    /// <inheritdoc />
    public override string ToString() => $"KonProFakeServer {Url}";

    /// <summary>Closes every chat socket (1001), stops every session timer and the server.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        var sessions = _core.Store.All();
        RecordReplay?.Stop();
        _realtime.CloseAll(1001, "server_shutdown");
        foreach (var socket in Hub.SocketsOf(null))
        {
            socket.Close(1001, "server_shutdown");
        }

        // Give clients a moment to answer the close; a socket still open then is dropped, so that stopping the host
        // does not wait for a client that never answers.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(1);
        while (sessions.Any(s => s.OpenSockets > 0) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10).ConfigureAwait(false);
        }

        foreach (var socket in Hub.SocketsOf(null))
        {
            socket.Abort();
        }

        foreach (var session in sessions)
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }

        WireMock.Stop();
        WireMock.Dispose();
        await (_rooms?.DisposeAsync() ?? ValueTask.CompletedTask).ConfigureAwait(false);
        ServerTls?.Dispose();
        Certificate?.Dispose();
    }
}
