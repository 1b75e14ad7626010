using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace KonPro.Streaming;

/// <summary>
/// Removes secrets (the API key, session tokens, room and agent tokens, realtime endpoints) from text before it reaches
/// a message, a log or a trace. Knows the client's own secrets and masks each one however a server may have echoed it:
/// as is, JSON-escaped (<c>\u002B</c>, <c>\/</c>) or URL-encoded (<c>%2B</c>), in any mix. It also masks the
/// <c>session_token</c>/<c>token</c> query parameters of any URL.
/// </summary>
internal sealed partial class SecretRedactor
{
    public const string Mask = "***";

    private readonly Lock _gate = new();
    private Known[] _secrets = [];

    public void Add(string? secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return;
        }

        lock (_gate)
        {
            if (Array.FindIndex(_secrets, s => s.Secret == secret) < 0)
            {
                _secrets = [.. _secrets, new Known(secret)];
            }
        }
    }

    public string? Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        foreach (var known in Volatile.Read(ref _secrets))
        {
            text = text.Replace(known.Secret, Mask, StringComparison.Ordinal);
            if (text.Contains('\\', StringComparison.Ordinal) || text.Contains('%', StringComparison.Ordinal))
            {
                text = known.Encoded.Replace(text, Mask);
            }
        }

        return TokenQuery().Replace(text, "$1=" + Mask);
    }

    /// <summary>
    /// A pattern that matches <paramref name="secret"/> with any of its characters written as itself, as a JSON
    /// <c>\uXXXX</c> escape (or <c>\/</c> for a slash), or percent-encoded (its UTF-8 bytes as <c>%XX</c>). A plain
    /// sequence of alternatives: matching is linear in the text.
    /// </summary>
    private static Regex EncodedForms(string secret)
    {
        var pattern = new StringBuilder();
        var utf8 = new byte[4];
        for (var i = 0; i < secret.Length; i++)
        {
            var isPair = char.IsHighSurrogate(secret[i]) && i + 1 < secret.Length && char.IsLowSurrogate(secret[i + 1]);
            var unit = isPair ? secret.Substring(i, 2) : secret[i].ToString();
            pattern.Append("(?:").Append(Regex.Escape(unit));
            foreach (var c in unit)
            {
                pattern.Append('|').Append(@"\\u").Append(Hex(((int)c).ToString("X4", CultureInfo.InvariantCulture)));
            }

            if (unit == "/")
            {
                pattern.Append(@"|\\/");
            }

            if (!isPair && char.IsSurrogate(secret[i]))
            {
                pattern.Append(')');
                continue;
            }

            var count = Encoding.UTF8.GetBytes(unit, utf8);
            pattern.Append('|');
            for (var b = 0; b < count; b++)
            {
                pattern.Append('%').Append(Hex(utf8[b].ToString("X2", CultureInfo.InvariantCulture)));
            }

            pattern.Append(')');
            if (isPair)
            {
                i++;
            }
        }

        return new Regex(pattern.ToString(), RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture);
    }

    // Hex digits in either case: [Bb] for B.
    private static string Hex(string digits)
    {
        var text = new StringBuilder();
        foreach (var d in digits)
        {
            text.Append(char.IsAsciiLetter(d) ? $"[{char.ToUpperInvariant(d)}{char.ToLowerInvariant(d)}]" : d.ToString());
        }

        return text.ToString();
    }

    /// <summary>
    /// One known secret. The pattern of its encoded forms is built on first use: a session holds several long secrets
    /// (tokens, a realtime endpoint) and a pattern costs kilobytes, while most sessions never redact an escaped text.
    /// </summary>
    private sealed class Known(string secret)
    {
        private Regex? _encoded;

        public string Secret { get; } = secret;

        // Two threads may both build it; either result is the same pattern.
        public Regex Encoded => Volatile.Read(ref _encoded) ?? Interlocked.CompareExchange(ref _encoded, EncodedForms(Secret), null) ?? _encoded!;
    }

    [GeneratedRegex("((?:session_token|access_token|token|api_key))=[^&#\\s]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TokenQuery();
}
