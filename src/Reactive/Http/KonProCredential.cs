using System.Net.Http.Headers;

namespace KonPro.Streaming;

/// <summary>
/// The credential a client sends: a session token (from <c>create_token</c>; safe for browsers, devices and workers,
/// sent as <c>Authorization: Bearer</c>) or the account's API key (secret, server side only, sent as <c>x-api-key</c>).
/// Made with <see cref="FromSessionToken"/> or <see cref="FromApiKey"/>; <see cref="ToString"/> never shows the secret.
/// </summary>
/// <example>
/// <code>
/// await using var avatar = new StreamingAvatar(new Uri("https://api.konpro.ai"), KonProCredential.FromSessionToken(token));
/// </code>
/// </example>
public sealed class KonProCredential
{
    private readonly AuthenticationHeaderValue? _bearer;

    private KonProCredential(string secret, bool isApiKey)
    {
        Secret = secret;
        IsApiKey = isApiKey;
        _bearer = isApiKey ? null : new AuthenticationHeaderValue("Bearer", secret);
    }

    internal string Secret { get; }

    internal bool IsApiKey { get; }

    /// <summary>A session token from <c>create_token</c> (sent as <c>Authorization: Bearer</c> and on the chat socket).</summary>
    /// <param name="token">The token.</param>
    /// <returns>The credential.</returns>
    /// <exception cref="ArgumentException">The token is null, empty or white space.</exception>
    public static KonProCredential FromSessionToken(string token)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        return SessionToken(token);
    }

    /// <summary>The account's API key (sent as <c>x-api-key</c>). Never ship it to a browser or device.</summary>
    /// <param name="apiKey">The key.</param>
    /// <returns>The credential.</returns>
    /// <exception cref="ArgumentException">The key is null, empty or white space.</exception>
    public static KonProCredential FromApiKey(string apiKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        return ApiKey(apiKey);
    }

    internal static KonProCredential SessionToken(string token) => new(token, isApiKey: false);

    internal static KonProCredential ApiKey(string apiKey) => new(apiKey, isApiKey: true);

    /// <summary>Puts the credential on one request (the generated client builds a new request per call).</summary>
    internal void Apply(HttpRequestMessage request)
    {
        if (IsApiKey)
        {
            request.Headers.TryAddWithoutValidation("x-api-key", Secret);
        }
        else
        {
            request.Headers.Authorization = _bearer;
        }
    }

    /// <inheritdoc />
    public override string ToString() => IsApiKey ? "KonProCredential { ApiKey = *** }" : "KonProCredential { SessionToken = *** }";
}
