using System.ComponentModel;
using KonPro.Streaming.Testing;
using KonPro.Tools.Cli;
using Microsoft.Extensions.Logging;
using Spectre.Console.Cli;

namespace KonPro.FakeServer;

/// <summary>The fake server's command line.</summary>
internal sealed class FakeServerSettings : CommandSettings
{
    [CommandOption("--port <PORT>")]
    [Description("TCP port on 127.0.0.1 (0 picks a free port)")]
    [DefaultValue(5080)]
    public int Port { get; init; }

    [CommandOption("--api-key <KEY>")]
    [Description("an accepted API key (repeatable; default konpro-dev-key)")]
    public string[] ApiKeys { get; init; } = [];

    [CommandOption("--time-scale <X>")]
    [Description("multiplies every delay (1 = real time, 0.01 = a hundred times faster)")]
    [DefaultValue(1.0)]
    public double TimeScale { get; init; }

    [CommandOption("--max-sessions <N>")]
    [Description("concurrent sessions per API key")]
    [DefaultValue(20)]
    public int MaxSessions { get; init; }

    [CommandOption("--rate-limit <N>")]
    [Description("requests per second before 429 RATE_LIMIT_EXCEEDED (default: no limit)")]
    public int? RateLimit { get; init; }

    [CommandOption("--max-body-bytes <N>")]
    [Description("the largest request body read; larger ones answer 413")]
    [DefaultValue(1024 * 1024)]
    public int MaxBodyBytes { get; init; }

    [CommandOption("--strict")]
    [Description("check every request body against the spec and record each violation (JSON path and rule) in the journal")]
    public bool Strict { get; init; }

    [CommandOption("--strict-reject")]
    [Description("with --strict, answer a request that breaks the spec with 400 naming the rule")]
    public bool StrictReject { get; init; }

    [CommandOption("--request-log <N>")]
    [Description("how many requests WireMock's request log keeps for GET /__admin/requests, newest first (0 keeps none); a smaller log answers faster under load")]
    [DefaultValue(1000)]
    public int RequestLog { get; init; }

    [CommandOption("--no-admin")]
    [Description("do not serve WireMock's admin API (/__admin)")]
    public bool NoAdmin { get; init; }

    [CommandOption("--cors-origins <ORIGINS>")]
    [Description("the origins whose web pages may call the fake from a browser, comma separated (e.g. http://localhost:3000); * (the default) allows any origin, none turns CORS off")]
    public string? CorsOrigins { get; init; }

    [CommandOption("--room")]
    [Description("serve a LiveKit-compatible room per session (needs Node.js 20+ with npm on the PATH; WebRTC ignores loopback: on CI run inside a network namespace, eng/netns-run)")]
    public bool Room { get; init; }

    [CommandOption("--room-host <HOST>")]
    [Description("the host that room URLs name (default: the host the client used for `new`)")]
    public string? RoomHost { get; init; }

    [CommandOption("--room-listen <IP>")]
    [Description("the address the room's signalling listens on (default 127.0.0.1)")]
    public string? RoomListen { get; init; }

    [CommandOption("--event-delivery <DELIVERY>")]
    [Description("where events go: chat-only, chat-and-room (default with --room), room-only (the reference service: the chat socket carries only user_start/user_stop/user_silence)")]
    public string? EventDelivery { get; init; }

    [CommandOption("--https")]
    [Description("serve REST, the chat and realtime sockets and the room's signalling over TLS (https://, wss://) with a development certificate created on first use (its PEM path is printed on start: trust it in your test client), or --cert. Browsers running the web SDK need port 443 (--port 443: as root, or inside a network namespace)")]
    public bool Https { get; init; }

    [CommandOption("--cert <PATH>")]
    [Description("with --https, the certificate: a .pfx/.p12 file (password: --cert-password) or a PEM certificate with its key in the same file or in --cert-key")]
    public string? Cert { get; init; }

    [CommandOption("--cert-key <PATH>")]
    [Description("the PEM private key of a PEM --cert")]
    public string? CertKey { get; init; }

    [CommandOption("--cert-password <PASSWORD>")]
    [Description("the password of a .pfx --cert (or of an encrypted PEM key)")]
    public string? CertPassword { get; init; }

    [CommandOption("--install-room")]
    [Description("install the room program's dependencies (npm ci, from its lock file) and exit")]
    public bool InstallRoom { get; init; }

    [CommandOption("--proxy <URL>")]
    [Description("record mode, with --record: forward every REST call and the chat socket's messages to this service (e.g. https://api.konpro.ai)")]
    public string? Proxy { get; init; }

    [CommandOption("--record <DIR>")]
    [Description("record mode, with --proxy: write what was forwarded to DIR (WireMock mappings under mappings/, chat sockets as JSON lines under chat/), every API key and token redacted")]
    public string? Record { get; init; }

    [CommandOption("--replay <DIR>")]
    [Description("serve a recording offline: a replayed `new` gets a fresh session id and tokens, its later calls and chat socket the recorded answers and events; what the recording cannot answer gets 404 naming the request")]
    public string? Replay { get; init; }

    [CommandOption("--verbose")]
    [Description("log sessions, sockets and calls to standard error")]
    public bool Verbose { get; init; }

    public override Spectre.Console.ValidationResult Validate() =>
        Port is < 0 or > 65535 ? Spectre.Console.ValidationResult.Error("--port must be between 0 and 65535.")
        : !(TimeScale > 0) || double.IsInfinity(TimeScale) ? Spectre.Console.ValidationResult.Error("--time-scale must be a positive number.")
        : MaxSessions < 1 ? Spectre.Console.ValidationResult.Error("--max-sessions must be at least 1.")
        : RateLimit is < 1 ? Spectre.Console.ValidationResult.Error("--rate-limit must be at least 1.")
        : MaxBodyBytes < 1 ? Spectre.Console.ValidationResult.Error("--max-body-bytes must be at least 1.")
        : RequestLog < 0 ? Spectre.Console.ValidationResult.Error("--request-log must be 0 or more.")
        : (Proxy is null) != (Record is null) ? Spectre.Console.ValidationResult.Error("--proxy and --record go together.")
        : Proxy is not null && (!Uri.TryCreate(Proxy, UriKind.Absolute, out var proxy) || proxy.Scheme is not ("http" or "https"))
            ? Spectre.Console.ValidationResult.Error($"--proxy must be an absolute http or https URL; was '{Proxy}'.")
        : Replay is not null && Record is not null ? Spectre.Console.ValidationResult.Error("--replay cannot be combined with --record.")
        : Replay is not null && !Directory.Exists(Replay) ? Spectre.Console.ValidationResult.Error($"--replay: no such folder '{Replay}'.")
        : (Cert ?? CertKey ?? CertPassword) is not null && !Https ? Spectre.Console.ValidationResult.Error("--cert, --cert-key and --cert-password go with --https.")
        : Cert is not null && !File.Exists(Cert) ? Spectre.Console.ValidationResult.Error($"--cert: no such file '{Cert}'.")
        : CertKey is not null && (Cert is null || !File.Exists(CertKey)) ? Spectre.Console.ValidationResult.Error("--cert-key needs --cert and an existing file.")
        : EventDelivery is not (null or "chat-only" or "chat-and-room" or "room-only")
            ? Spectre.Console.ValidationResult.Error($"Unknown event delivery '{EventDelivery}' (chat-only, chat-and-room, room-only).")
        : Spectre.Console.ValidationResult.Success();
}

/// <summary>Serves the fake until Ctrl+C or SIGTERM. Standard output carries the one ready line only; logs go to standard error.</summary>
internal sealed class FakeServerCommand : AsyncCommand<FakeServerSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, FakeServerSettings settings, CancellationToken cancellationToken)
    {
        var options = new KonProFakeServerOptions
        {
            Port = settings.Port,
            TimeScale = settings.TimeScale,
            MaxConcurrentSessions = settings.MaxSessions,
            RateLimitPerSecond = settings.RateLimit,
            MaxRequestBodyBytes = settings.MaxBodyBytes,
            StartAdminInterface = !settings.NoAdmin,
            MaxRequestLogCount = settings.RequestLog,
            StrictMode = settings.Strict || settings.StrictReject,
            StrictModeRejects = settings.StrictReject,
            ProxyUrl = settings.Proxy is null ? null : new Uri(settings.Proxy),
            RecordDirectory = settings.Record,
            ReplayDirectory = settings.Replay,
            UseHttps = settings.Https,
            CertificatePath = settings.Cert,
            CertificateKeyPath = settings.CertKey,
            CertificatePassword = settings.CertPassword,
        };
        if (settings.CorsOrigins is not null)
        {
            options.CorsOrigins.Clear();
            foreach (var origin in settings.CorsOrigins.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!string.Equals(origin, "none", StringComparison.OrdinalIgnoreCase))
                {
                    options.CorsOrigins.Add(origin);
                }
            }
        }

        options.Room.Enabled = settings.Room;
        if (settings.RoomHost is not null)
        {
            options.Room.AdvertisedHost = settings.RoomHost;
        }

        if (settings.RoomListen is not null)
        {
            options.Room.ListenAddress = settings.RoomListen;
        }

        options.EventDelivery = settings.EventDelivery switch
        {
            "chat-only" => FakeEventDelivery.ChatOnly,
            "chat-and-room" => FakeEventDelivery.ChatAndRoom,
            "room-only" => FakeEventDelivery.RoomOnly,
            _ => options.EventDelivery,
        };
        if (settings.InstallRoom)
        {
            try
            {
                Console.WriteLine($"Fake LiveKit room installed in {await KonProFakeServer.InstallRoomAsync(options.Room)}");
                return 0;
            }
            catch (InvalidOperationException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return KonProCli.Failure;
            }
        }

        if (settings.ApiKeys.Length > 0)
        {
            options.ApiKeys.Clear();
            foreach (var key in settings.ApiKeys)
            {
                options.ApiKeys.Add(key);
            }
        }

        using var loggerFactory = LoggerFactory.Create(logging =>
        {
            logging.SetMinimumLevel(settings.Verbose ? LogLevel.Debug : LogLevel.Warning);
            logging.AddSimpleConsole(console => console.SingleLine = true);
            logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        });
        options.LoggerFactory = loggerFactory;

        KonProFakeServer server;
        try
        {
            server = await KonProFakeServer.StartAsync(options, cancellationToken);
        }
#pragma warning disable CA1031 // any failure to start (a port in use, a bad option) is reported, not thrown
        catch (Exception ex)
#pragma warning restore CA1031
        {
            await Console.Error.WriteLineAsync($"Could not start the fake server: {ex.Message}");
            return KonProCli.Failure;
        }

        await using (server)
        {
            // The ready line names every address actually bound: 127.0.0.1 first, then [::1] when a fixed port binds both.
            var others = server.BoundUrls.Skip(1).ToList();
            Console.WriteLine($"KonPro fake server listening on {server.Url}" + (others.Count > 0 ? $" (and {string.Join(", ", others)})" : string.Empty));
            if (server.Certificate is { } certificate)
            {
                // Standard output keeps its one ready line; the certificate to trust is named on standard error.
                await Console.Error.WriteLineAsync(server.CertificatePemPath is { } pem
                    ? $"TLS certificate (trust it in your test client): {pem} (SHA-256 {certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256)})"
                    : $"TLS certificate: {certificate.Subject} (SHA-256 {certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256)})");
            }

            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C or SIGTERM: stop.
            }
        }

        return 0;
    }
}
