using System.Text.RegularExpressions;

namespace KonPro.Streaming;

/// <summary>
/// Removes secrets (the API key, session tokens, room access tokens) from text before it reaches a message,
/// a log or a trace. Knows the client's own secrets and also masks the <c>session_token</c>/<c>token</c> query
/// parameters of any URL.
/// </summary>
internal sealed partial class SecretRedactor
{
    public const string Mask = "***";

    private readonly Lock _gate = new();
    private string[] _secrets = [];

    public void Add(string? secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return;
        }

        lock (_gate)
        {
            if (Array.IndexOf(_secrets, secret) < 0)
            {
                _secrets = [.. _secrets, secret];
            }
        }
    }

    public string? Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        foreach (var secret in Volatile.Read(ref _secrets))
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        return TokenQuery().Replace(text, "$1=" + Mask);
    }

    [GeneratedRegex("((?:session_token|access_token|token|api_key))=[^&#\\s]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TokenQuery();
}
