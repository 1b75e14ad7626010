namespace KonPro.Streaming.Testing;

/// <content>The CORS settings: which web pages (origins) may call the fake from a browser.</content>
public sealed partial class KonProFakeServerOptions
{
    /// <summary>The value of <see cref="CorsOrigins"/> that allows every origin (the default).</summary>
    public const string AnyOrigin = "*";

    /// <summary>
    /// The origins (<c>scheme://host[:port]</c>, e.g. <c>http://localhost:3000</c>) whose pages may call the fake from a
    /// browser; <see cref="AnyOrigin"/> (the default, alone in the list) allows every origin, and an empty list turns CORS
    /// off. An allowed page's preflight (<c>OPTIONS</c> with <c>Access-Control-Request-Method</c>) is answered 204 without
    /// a credential, and every answer to it (errors included, and the room's HTTP answers) names its origin in
    /// <c>Access-Control-Allow-Origin</c> with <c>Access-Control-Allow-Credentials: true</c>, so <c>fetch</c> works in
    /// any credentials mode. A request without an <c>Origin</c> header gets <c>Access-Control-Allow-Origin: *</c> when
    /// every origin is allowed.
    /// </summary>
    public IList<string> CorsOrigins { get; } = [AnyOrigin];

    internal void ValidateCors()
    {
        foreach (var origin in CorsOrigins)
        {
            if (origin == AnyOrigin)
            {
                continue;
            }

            if (!Cors.CorsPolicy.TryNormalize(origin, out _))
            {
                throw new ArgumentException(
                    $"'{origin}' is not an origin: give scheme://host[:port] (e.g. http://localhost:3000), or * for any origin.",
                    nameof(CorsOrigins));
            }
        }
    }
}
