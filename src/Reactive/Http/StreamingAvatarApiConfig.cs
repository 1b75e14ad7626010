namespace KonPro.Streaming;

/// <summary>
/// Where the API is and which credential to use: a session <see cref="Token"/> (from <c>create_token</c>; safe
/// for browsers, devices and workers) or an <see cref="ApiKey"/> (secret, server side only). Set exactly one.
/// <see cref="ToString"/> never shows either.
/// </summary>
public sealed class StreamingAvatarApiConfig
{
    /// <summary>The default base URL of the KonPro API.</summary>
    public const string DefaultBasePath = "https://api.konpro.ai";

    /// <summary>A session token from <c>create_token</c>, sent as <c>Authorization: Bearer</c> (and on the chat socket).</summary>
    public string? Token { get; set; }

    /// <summary>The account's API key, sent as <c>x-api-key</c>. Never ship it to a browser or device.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The base URL of the API (default <see cref="DefaultBasePath"/>); <c>http://</c> bases use <c>ws://</c> for the chat socket.</summary>
    /// <remarks>The web SDK's name (<c>basePath</c>); <see cref="Endpoint"/> is the same setting as a <see cref="Uri"/>.</remarks>
    public string BasePath { get; set; } = DefaultBasePath;

    /// <summary>
    /// The base URL of the API as a <see cref="Uri"/>, the name .NET client libraries give it: one setting with
    /// <see cref="BasePath"/> (setting either sets both; configuration may use <c>Endpoint</c> or <c>BasePath</c>).
    /// <see langword="null"/> while <see cref="BasePath"/> is not an absolute URL.
    /// </summary>
    /// <exception cref="ArgumentNullException">Set to <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Set to a relative URI.</exception>
    public Uri? Endpoint
    {
        get => Uri.TryCreate(BasePath, UriKind.Absolute, out var uri) ? uri : null;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (!value.IsAbsoluteUri)
            {
                throw new ArgumentException($"Endpoint must be an absolute http:// or https:// URL; was '{value}'.", nameof(value));
            }

            BasePath = value.AbsoluteUri.TrimEnd('/');
        }
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"StreamingAvatarApiConfig {{ BasePath = {BasePath}, Token = {(Token is null ? "null" : SecretRedactor.Mask)}, ApiKey = {(ApiKey is null ? "null" : SecretRedactor.Mask)} }}";

    /// <summary>
    /// The one validation of an endpoint and credential, used by every constructor and by dependency injection:
    /// throws an <see cref="ArgumentException"/> naming the setting when the base URL is not an absolute http(s) URL,
    /// or when not exactly one of <see cref="Token"/> and <see cref="ApiKey"/> is set.
    /// </summary>
    internal void Validate()
    {
        _ = GetBaseUri();
        _ = GetCredential();
    }

    internal Uri GetBaseUri()
    {
        if (!Uri.TryCreate(BasePath, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"BasePath must be an absolute http:// or https:// URL; was '{BasePath}'.", nameof(BasePath));
        }

        return uri;
    }

    /// <summary>An endpoint and a credential as the settings every constructor validates.</summary>
    internal static StreamingAvatarApiConfig From(Uri endpoint, KonProCredential credential)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(credential);
        var config = new StreamingAvatarApiConfig { Endpoint = endpoint };
        if (credential.IsApiKey)
        {
            config.ApiKey = credential.Secret;
        }
        else
        {
            config.Token = credential.Secret;
        }

        return config;
    }

    internal KonProCredential GetCredential()
    {
        var hasToken = !string.IsNullOrWhiteSpace(Token);
        var hasKey = !string.IsNullOrWhiteSpace(ApiKey);
        return (hasToken, hasKey) switch
        {
            (true, false) => KonProCredential.SessionToken(Token!),
            (false, true) => KonProCredential.ApiKey(ApiKey!),
            (true, true) => throw new ArgumentException("Set either Token or ApiKey, not both.", nameof(Token)),
            _ => throw new ArgumentException("Set Token (a session token from create_token) or ApiKey (server side only).", nameof(Token)),
        };
    }
}
