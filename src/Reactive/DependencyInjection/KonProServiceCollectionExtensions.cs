using System.Diagnostics.Metrics;
using System.Reactive.Concurrency;
using KonPro.StreamingAvatar;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the KonPro Streaming Avatar SDK in a service collection.</summary>
public static class KonProServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IStreamingAvatarFactory"/> (singleton) and <see cref="KonProAdminClient"/> (transient; needs
    /// <see cref="KonProStreamingAvatarOptions.ApiKey"/>), both on the named <see cref="HttpClient"/>
    /// <see cref="KonProStreamingAvatarOptions.HttpClientName"/> of <see cref="IHttpClientFactory"/> (configure it further
    /// with the returned builder). Uses the container's <see cref="ILoggerFactory"/>, <see cref="IMeterFactory"/>,
    /// <see cref="TimeProvider"/>, <see cref="IScheduler"/> and <see cref="IAvatarRoomConnector"/> when registered.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder of the SDK's named HTTP client.</returns>
    public static IHttpClientBuilder AddKonProStreamingAvatar(this IServiceCollection services, Action<KonProStreamingAvatarOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<KonProStreamingAvatarOptions>()
            .Configure(configure)
            .Validate(o => !string.IsNullOrWhiteSpace(o.ApiKey) || !string.IsNullOrWhiteSpace(o.Token), "Set KonProStreamingAvatarOptions.ApiKey (server side) or Token.")
            .Validate(o => Uri.TryCreate(o.BasePath, UriKind.Absolute, out _), "KonProStreamingAvatarOptions.BasePath must be an absolute URL.");
        services.TryAddSingleton<IStreamingAvatarFactory, StreamingAvatarFactory>();
        services.TryAddTransient(sp =>
        {
            var options = sp.GetRequiredService<IOptions<KonProStreamingAvatarOptions>>().Value;
            var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(KonProStreamingAvatarOptions.HttpClientName);
            return new KonProAdminClient(
                new StreamingAvatarApiConfig { ApiKey = options.ApiKey, BasePath = options.BasePath },
                http,
                new KonProAdminClientOptions
                {
                    LoggerFactory = sp.GetService<ILoggerFactory>(),
                    MeterFactory = sp.GetService<IMeterFactory>(),
                    TimeProvider = sp.GetService<TimeProvider>(),
                    Retry = options.Retry,
                });
        });
        return services.AddHttpClient(KonProStreamingAvatarOptions.HttpClientName);
    }

    private sealed class StreamingAvatarFactory(IServiceProvider services, IOptions<KonProStreamingAvatarOptions> options, IHttpClientFactory httpClientFactory)
        : IStreamingAvatarFactory
    {
        public StreamingAvatar Create(string? sessionToken = null)
        {
            var settings = options.Value;
            var config = sessionToken is not null
                ? new StreamingAvatarApiConfig { Token = sessionToken, BasePath = settings.BasePath }
                : new StreamingAvatarApiConfig { ApiKey = string.IsNullOrWhiteSpace(settings.Token) ? settings.ApiKey : null, Token = settings.Token, BasePath = settings.BasePath };
            return new StreamingAvatar(
                config,
                httpClientFactory.CreateClient(KonProStreamingAvatarOptions.HttpClientName),
                new StreamingAvatarOptions
                {
                    LoggerFactory = services.GetService<ILoggerFactory>(),
                    MeterFactory = services.GetService<IMeterFactory>(),
                    TimeProvider = services.GetService<TimeProvider>(),
                    Scheduler = services.GetService<IScheduler>(),
                    RoomConnector = services.GetService<IAvatarRoomConnector>(),
                    AutoKeepAlive = settings.AutoKeepAlive,
                    KeepAliveInterval = settings.KeepAliveInterval,
                    ReconnectPolicy = settings.ReconnectPolicy,
                    StreamReadyTimeout = settings.StreamReadyTimeout,
                    Retry = settings.Retry,
                });
        }
    }
}
