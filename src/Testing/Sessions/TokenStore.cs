using System.Security.Cryptography;
using KonPro.Streaming.Testing.Time;

namespace KonPro.Streaming.Testing.Sessions;

/// <summary>The credentials the fake accepts: the configured API keys and the session tokens it issued.</summary>
internal sealed class TokenStore(ScaledClock clock, KonProFakeServerOptions options)
{
    private readonly Lock _gate = new();
    private readonly ScaledClock _clock = clock;
    private readonly KonProFakeServerOptions _options = options;
    private readonly Dictionary<string, TokenRecord> _tokens = new(StringComparer.Ordinal);

    public bool IsApiKey(string? key) => key is not null && _options.ApiKeys.Contains(key, StringComparer.Ordinal);

    public string IssueToken(string apiKey)
    {
        var token = "st_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var expires = _clock.Time.GetTimestamp() + (long)(_clock.ToReal(_options.SessionTokenLifetime).TotalSeconds * _clock.Time.TimestampFrequency);
        lock (_gate)
        {
            _tokens[token] = new TokenRecord(apiKey, expires);
        }

        return token;
    }

    /// <summary>Finds a live token; null when unknown or expired.</summary>
    public TokenRecord? FindToken(string token)
    {
        lock (_gate)
        {
            if (!_tokens.TryGetValue(token, out var record))
            {
                return null;
            }

            return _clock.Time.GetTimestamp() >= record.ExpiresAtTimestamp ? null : record;
        }
    }
}
