namespace KonPro.StreamingAvatar;

/// <summary>
/// The settings of <see cref="Microsoft.Extensions.DependencyInjection.KonProServiceCollectionExtensions.AddKonProStreamingAvatar"/>:
/// where the API is, the credential, and the behaviour of each <see cref="StreamingAvatar"/> the factory creates.
/// <see cref="ToString"/> never shows the credential.
/// </summary>
public sealed class KonProStreamingAvatarOptions
{
    /// <summary>The name of the <see cref="HttpClient"/> the SDK asks <see cref="IHttpClientFactory"/> for.</summary>
    public const string HttpClientName = "KonPro.StreamingAvatar";

    /// <summary>The base URL of the API (<see cref="StreamingAvatarApiConfig.DefaultBasePath"/> by default).</summary>
    public string BasePath { get; set; } = StreamingAvatarApiConfig.DefaultBasePath;

    /// <summary>The account's API key (server side); needed by <see cref="KonProAdminClient"/>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>A session token, when this process drives one session with it instead of the API key.</summary>
    public string? Token { get; set; }

    /// <summary>See <see cref="StreamingAvatarOptions.AutoKeepAlive"/>.</summary>
    public bool AutoKeepAlive { get; set; }

    /// <summary>See <see cref="StreamingAvatarOptions.KeepAliveInterval"/>.</summary>
    public TimeSpan? KeepAliveInterval { get; set; }

    /// <summary>See <see cref="StreamingAvatarOptions.ReconnectPolicy"/>.</summary>
    public ReconnectPolicy? ReconnectPolicy { get; set; }

    /// <summary>See <see cref="StreamingAvatarOptions.Retry"/>; used by the avatars and the admin client.</summary>
    public KonProRetryOptions Retry { get; set; } = new();

    /// <summary>See <see cref="StreamingAvatarOptions.StreamReadyTimeout"/>.</summary>
    public TimeSpan StreamReadyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    public override string ToString() =>
        $"KonProStreamingAvatarOptions {{ BasePath = {BasePath}, ApiKey = {(ApiKey is null ? "null" : SecretRedactor.Mask)}, Token = {(Token is null ? "null" : SecretRedactor.Mask)} }}";
}

/// <summary>Creates one <see cref="StreamingAvatar"/> per session, wired to the container's HTTP, logging, metrics and time.</summary>
public interface IStreamingAvatarFactory
{
    /// <summary>Creates an avatar client with the configured credential, or with <paramref name="sessionToken"/> when given.</summary>
    /// <param name="sessionToken">A session token from <see cref="KonProAdminClient.CreateTokenAsync"/>, to use instead of the configured credential.</param>
    /// <returns>A new client; the caller disposes it.</returns>
    StreamingAvatar Create(string? sessionToken = null);
}
