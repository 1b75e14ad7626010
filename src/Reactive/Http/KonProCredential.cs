using System.Net.Http.Headers;

namespace KonPro.StreamingAvatar;

/// <summary>A session token or an API key, and how it is sent. <see cref="ToString"/> never shows the secret.</summary>
internal sealed class KonProCredential
{
    private KonProCredential(string secret, bool isApiKey)
    {
        Secret = secret;
        IsApiKey = isApiKey;
    }

    public string Secret { get; }

    public bool IsApiKey { get; }

    public static KonProCredential SessionToken(string token) => new(token, isApiKey: false);

    public static KonProCredential ApiKey(string apiKey) => new(apiKey, isApiKey: true);

    public void Apply(HttpRequestMessage request)
    {
        request.Headers.Remove("x-api-key");
        request.Headers.Authorization = null;
        if (IsApiKey)
        {
            request.Headers.TryAddWithoutValidation("x-api-key", Secret);
        }
        else
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Secret);
        }
    }

    public override string ToString() => IsApiKey ? "KonProCredential { ApiKey = *** }" : "KonProCredential { SessionToken = *** }";
}
