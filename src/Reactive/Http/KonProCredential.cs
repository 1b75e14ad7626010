using System.Net.Http.Headers;

namespace KonPro.Streaming;

/// <summary>A session token or an API key, and how it is sent. <see cref="ToString"/> never shows the secret.</summary>
internal sealed class KonProCredential
{
    private readonly AuthenticationHeaderValue? _bearer;

    private KonProCredential(string secret, bool isApiKey)
    {
        Secret = secret;
        IsApiKey = isApiKey;
        _bearer = isApiKey ? null : new AuthenticationHeaderValue("Bearer", secret);
    }

    public string Secret { get; }

    public bool IsApiKey { get; }

    public static KonProCredential SessionToken(string token) => new(token, isApiKey: false);

    public static KonProCredential ApiKey(string apiKey) => new(apiKey, isApiKey: true);

    /// <summary>Puts the credential on one request (the generated client builds a new request per call).</summary>
    public void Apply(HttpRequestMessage request)
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

    public override string ToString() => IsApiKey ? "KonProCredential { ApiKey = *** }" : "KonProCredential { SessionToken = *** }";
}
