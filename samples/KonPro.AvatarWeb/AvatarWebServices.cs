using System.ClientModel;
using System.Reactive.Concurrency;
using System.Text.Json.Serialization;
using KonPro.AvatarWeb.Backend;
using KonPro.AvatarWeb.Llm;
using KonPro.AvatarWeb.Sessions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenAI;

namespace KonPro.AvatarWeb;

/// <summary>The sample's services.</summary>
public static class AvatarWebServices
{
    /// <summary>Adds the KonPro backend, the model, the room connector and the sessions, bound to configuration.</summary>
    public static IServiceCollection AddAvatarWeb(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<KonProServiceOptions>().Bind(configuration.GetSection(KonProServiceOptions.Section));
        services.AddOptions<LlmOptions>().Bind(configuration.GetSection(LlmOptions.Section));
        services.AddOptions<AvatarWebOptions>().Bind(configuration.GetSection(AvatarWebOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient(nameof(KonProBackend));
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull);

        // Hosted services stop in reverse order: the sessions end (and stop their KonPro sessions) before the backend goes.
        services.AddSingleton<KonProBackend>();
        services.AddHostedService(sp => sp.GetRequiredService<KonProBackend>());
        services.AddSingleton<AvatarSessions>();
        services.AddHostedService(sp => sp.GetRequiredService<AvatarSessions>());

        services.TryAddSingleton<IScheduler>(DefaultScheduler.Instance);
        services.TryAddSingleton(sp => CreateModel(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<LlmOptions>>().Value, sp.GetRequiredService<ILoggerFactory>()));
        // The LiveKit room connector (KonPro:JoinRoom turns its use off).
        services.AddKonProLiveKit();

        return services;
    }

    private static IChatClient CreateModel(LlmOptions llm, ILoggerFactory logs)
    {
        var logger = logs.CreateLogger(typeof(AvatarWebServices));
        if (string.IsNullOrWhiteSpace(llm.Endpoint))
        {
            Log.Model(logger, StandInChatClient.Label);
            return new StandInChatClient(TimeSpan.FromMilliseconds(60));
        }

        Log.Model(logger, $"{llm.Model} at {llm.Endpoint}");
        var client = new OpenAIClient(new ApiKeyCredential(llm.ApiKey ?? "no-key"), new OpenAIClientOptions { Endpoint = new Uri(llm.Endpoint) });
        return client.GetChatClient(llm.Model).AsIChatClient();
    }
}
