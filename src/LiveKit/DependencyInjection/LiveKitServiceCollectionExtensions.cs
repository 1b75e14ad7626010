using KonPro.Streaming.LiveKit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the LiveKit room connector.</summary>
public static class LiveKitServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="LiveKitRoomConnector"/> as the <see cref="KonPro.Streaming.Rooms.IAvatarRoomConnector"/> that
    /// <c>AddKonProStreamingAvatar</c> gives every <see cref="KonPro.Streaming.StreamingAvatar"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Adjusts the connector's options.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddKonProLiveKit(this IServiceCollection services, Action<LiveKitRoomOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new LiveKitRoomOptions();
        configure?.Invoke(options);
        services.Replace(ServiceDescriptor.Singleton<KonPro.Streaming.Rooms.IAvatarRoomConnector>(sp =>
            new LiveKitRoomConnector(options, sp.GetService<ILoggerFactory>())));
        return services;
    }
}
