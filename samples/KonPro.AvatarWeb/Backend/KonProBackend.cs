using KonPro.Streaming;
using KonPro.Streaming.Admin;
using KonPro.Streaming.Testing;
using Microsoft.Extensions.Options;

namespace KonPro.AvatarWeb.Backend;

/// <summary>
/// The KonPro service this app talks to, and the one place the API key is used: the configured service, or (without
/// <c>KonPro:BaseUrl</c>) the fake KonPro service with its LiveKit room, started inside the app. Started before the app
/// listens and stopped after the sessions (hosted services stop in reverse order).
/// </summary>
public sealed class KonProBackend(
    IOptions<KonProServiceOptions> options,
    IHttpClientFactory httpClients,
    ILoggerFactory loggerFactory,
    ILogger<KonProBackend> logger) : IHostedService, IAsyncDisposable
{
    private KonProAdminClient? _admin;

    /// <summary>The service's base URL (the fake's loopback URL offline).</summary>
    public string BaseUrl { get; private set; } = string.Empty;

    /// <summary>The embedded fake when running offline (its journal shows what the app did), else null.</summary>
    public KonProFakeServer? Offline { get; private set; }

    /// <summary>Mints single-use session tokens with the API key, which never leaves the server.</summary>
    public KonProAdminClient Admin => _admin ?? throw new InvalidOperationException("The KonPro backend has not started.");

    /// <summary>The shared HTTP client of the app's sessions.</summary>
    public HttpClient Http => httpClients.CreateClient(nameof(KonProBackend));

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var service = options.Value;
        var apiKey = service.ApiKey;
        if (string.IsNullOrWhiteSpace(service.BaseUrl))
        {
            var fake = new KonProFakeServerOptions
            {
                // What the service does: with the room, the avatar's events travel on the room's data channel only.
                EventDelivery = service.OfflineRoom ? FakeEventDelivery.RoomOnly : FakeEventDelivery.ChatOnly,
                LoggerFactory = loggerFactory,
            };
            fake.Room.Enabled = service.OfflineRoom;
            fake.Room.AdvertisedHost = service.OfflineRoomHost;
            Offline = await KonProFakeServer.StartAsync(fake, cancellationToken).ConfigureAwait(false);
            BaseUrl = Offline.Url;
            apiKey = Offline.ApiKey;
            Log.Offline(logger, BaseUrl, service.OfflineRoom);
        }
        else
        {
            BaseUrl = service.BaseUrl;
            if (string.IsNullOrWhiteSpace(apiKey))
            {
                throw new InvalidOperationException("KonPro:BaseUrl is set but KonPro:ApiKey is not: set it with `dotnet user-secrets set KonPro:ApiKey <key>` or the environment variable KonPro__ApiKey.");
            }
        }

        _admin = new KonProAdminClient(new StreamingAvatarApiConfig { ApiKey = apiKey, BasePath = BaseUrl }, Http, new KonProAdminClientOptions { LoggerFactory = loggerFactory });
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync().ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        _admin?.Dispose();
        _admin = null;
        if (Offline is { } fake)
        {
            Offline = null;
            await fake.DisposeAsync().ConfigureAwait(false);
        }
    }
}
