using System.Diagnostics.Metrics;
using System.Reactive.Concurrency;
using KonPro.Streaming;
using KonPro.Streaming.Admin;
using KonPro.Streaming.Rooms;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the KonPro Streaming Avatar SDK in a service collection.</summary>
/// <remarks>
/// <para>What is registered: <see cref="IStreamingAvatarFactory"/> (singleton; each <see cref="StreamingAvatar"/> it
/// creates belongs to the caller, who disposes it) and <see cref="KonProAdminClient"/> (singleton, owned and disposed
/// by the container; it needs <see cref="StreamingAvatarApiConfig.ApiKey"/>). Both send through the named
/// <see cref="HttpClient"/> <see cref="HttpClientName"/> of <see cref="IHttpClientFactory"/>; configure it further
/// with the returned builder.</para>
/// <para>Settings: the endpoint and credential are an <see cref="StreamingAvatarApiConfig"/> and the behaviour a
/// <see cref="StreamingAvatarOptions"/>, the same two types the constructors take, validated by the same rule when
/// the container starts resolving them. The container's <see cref="ILoggerFactory"/>, <see cref="IMeterFactory"/>,
/// <see cref="TimeProvider"/>, <see cref="IScheduler"/> and <see cref="IAvatarRoomConnector"/> are used where the
/// options leave them unset.</para>
/// </remarks>
public static class KonProServiceCollectionExtensions
{
    /// <summary>The name of the <see cref="HttpClient"/> the SDK asks <see cref="IHttpClientFactory"/> for.</summary>
    public const string HttpClientName = "KonPro.StreamingAvatar";

    /// <summary>Registers the SDK with settings bound from configuration.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">
    /// A section such as <c>configuration.GetSection("KonPro")</c> with the keys of <see cref="StreamingAvatarApiConfig"/>
    /// (<c>BasePath</c>, <c>ApiKey</c> or <c>Token</c>) and of <see cref="StreamingAvatarOptions"/> (e.g. <c>AutoKeepAlive</c>,
    /// <c>KeepAliveInterval</c>, <c>StreamReadyTimeout</c>, <c>ReconnectPolicy:MaxAttempts</c>).
    /// </param>
    /// <returns>The builder of the SDK's named HTTP client.</returns>
    /// <example>
    /// <code>
    /// // appsettings.json: { "KonPro": { "ApiKey": "...", "AutoKeepAlive": true } }
    /// builder.Services.AddKonProStreamingAvatar(builder.Configuration.GetSection("KonPro"));
    /// </code>
    /// </example>
    public static IHttpClientBuilder AddKonProStreamingAvatar(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<StreamingAvatarApiConfig>().Bind(configuration);
        services.AddOptions<StreamingAvatarOptions>().Bind(configuration)
            .Configure(options => options.ReconnectPolicy = BindReconnectPolicy(configuration.GetSection(nameof(StreamingAvatarOptions.ReconnectPolicy)), options.ReconnectPolicy));
        return AddCore(services, (configuration as IConfigurationSection)?.Path);
    }

    /// <summary>Registers the SDK with settings from delegates.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the endpoint and credential.</param>
    /// <param name="configureOptions">Sets the behaviour of each client (keep-alive, reconnect, room, ...); defaults when null.</param>
    /// <returns>The builder of the SDK's named HTTP client.</returns>
    public static IHttpClientBuilder AddKonProStreamingAvatar(
        this IServiceCollection services,
        Action<StreamingAvatarApiConfig> configure,
        Action<StreamingAvatarOptions>? configureOptions = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<StreamingAvatarApiConfig>().Configure(configure);
        var options = services.AddOptions<StreamingAvatarOptions>();
        if (configureOptions is not null)
        {
            options.Configure(configureOptions);
        }

        return AddCore(services, sectionPath: null);
    }

    // ReconnectPolicy is an immutable record (init-only properties, a shared Default instance), which the
    // configuration binder cannot set on an existing instance; its keys are read here and applied with `with`.
    private static ReconnectPolicy? BindReconnectPolicy(IConfigurationSection section, ReconnectPolicy? bound)
    {
        if (!section.Exists())
        {
            return bound;
        }

        var policy = ReconnectPolicy.Default;
        return policy with
        {
            MaxAttempts = section.GetValue(nameof(ReconnectPolicy.MaxAttempts), policy.MaxAttempts),
            InitialDelay = section.GetValue(nameof(ReconnectPolicy.InitialDelay), policy.InitialDelay),
            MaxDelay = section.GetValue(nameof(ReconnectPolicy.MaxDelay), policy.MaxDelay),
            BackoffMultiplier = section.GetValue(nameof(ReconnectPolicy.BackoffMultiplier), policy.BackoffMultiplier),
            JitterRatio = section.GetValue(nameof(ReconnectPolicy.JitterRatio), policy.JitterRatio),
            JitterSeed = section.GetValue(nameof(ReconnectPolicy.JitterSeed), policy.JitterSeed),
        };
    }

    private static IHttpClientBuilder AddCore(IServiceCollection services, string? sectionPath)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StreamingAvatarApiConfig>>(new ApiConfigValidation(sectionPath)));
        services.AddOptions<StreamingAvatarOptions>().PostConfigure<IServiceProvider>((options, sp) =>
        {
            options.LoggerFactory ??= sp.GetService<ILoggerFactory>();
            options.MeterFactory ??= sp.GetService<IMeterFactory>();
            options.TimeProvider ??= sp.GetService<TimeProvider>();
            options.Scheduler ??= sp.GetService<IScheduler>();
            options.RoomConnector ??= sp.GetService<IAvatarRoomConnector>();
        });
        services.TryAddSingleton<IStreamingAvatarFactory, StreamingAvatarFactory>();
        services.TryAddSingleton(sp =>
        {
            var config = sp.GetRequiredService<IOptions<StreamingAvatarApiConfig>>().Value;
            if (string.IsNullOrWhiteSpace(config.ApiKey))
            {
                throw new InvalidOperationException("KonProAdminClient needs the account's API key: set StreamingAvatarApiConfig.ApiKey (configuration key 'ApiKey'); a session token cannot call the admin endpoints.");
            }

            var options = sp.GetRequiredService<IOptions<StreamingAvatarOptions>>().Value;
            return new KonProAdminClient(
                config,
                sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
                new KonProAdminClientOptions { LoggerFactory = options.LoggerFactory, MeterFactory = options.MeterFactory, TimeProvider = options.TimeProvider, Retry = options.Retry });
        });

        // The admin client is a long-lived singleton holding one HttpClient, so the handler must notice DNS changes by
        // itself instead of through the factory's handler rotation.
        return services.AddHttpClient(HttpClientName)
            .UseSocketsHttpHandler((handler, _) => handler.PooledConnectionLifetime = TimeSpan.FromMinutes(5));
    }

    // The constructors' rule; bound from configuration, the message names the section the settings came from.
    private sealed class ApiConfigValidation(string? sectionPath) : IValidateOptions<StreamingAvatarApiConfig>
    {
        public ValidateOptionsResult Validate(string? name, StreamingAvatarApiConfig options)
        {
            try
            {
                options.Validate();
                return ValidateOptionsResult.Success;
            }
            catch (ArgumentException e)
            {
                return ValidateOptionsResult.Fail(sectionPath is null
                    ? e.Message
                    : $"Configuration section '{sectionPath}' ({sectionPath}:BasePath, {sectionPath}:ApiKey or {sectionPath}:Token): {e.Message}");
            }
        }
    }

    private sealed class StreamingAvatarFactory(IOptions<StreamingAvatarApiConfig> config, IOptions<StreamingAvatarOptions> options, IHttpClientFactory httpClientFactory)
        : IStreamingAvatarFactory
    {
        public StreamingAvatar Create(string? sessionToken = null)
        {
            var settings = config.Value;
            var effective = sessionToken is null
                ? settings
                : new StreamingAvatarApiConfig { Token = sessionToken, BasePath = settings.BasePath };
            return new StreamingAvatar(effective, httpClientFactory.CreateClient(HttpClientName), options.Value);
        }
    }
}
