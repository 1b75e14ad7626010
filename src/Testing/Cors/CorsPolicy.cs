using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace KonPro.Streaming.Testing.Cors;

/// <summary>
/// CORS for pages that call the fake from a browser (<see cref="KonProFakeServerOptions.CorsOrigins"/>), as the
/// service answers them. The first middleware of the host: it answers a preflight itself (204, before authentication
/// and the request limits), and registers the <c>Access-Control-Allow-Origin</c> of every other answer to be written
/// when its headers go out, so that errors of any layer (the request limits' 413, an endpoint's 401, WireMock's own
/// 404) carry it too. Written by hand rather than with ASP.NET Core's CORS middleware to keep the fake's exact
/// promises in one place: echo the origin with credentials allowed, and echo the headers a preflight asks for.
/// </summary>
internal sealed class CorsPolicy
{
    /// <summary>The methods a preflight is told the API takes.</summary>
    public const string AllowedMethods = "GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS";

    /// <summary>The request headers a preflight is told the API takes, beside any it asks for.</summary>
    public const string AllowedHeaders = "authorization, content-type, x-api-key";

    /// <summary>How long (seconds) a browser may cache a preflight's answer (Chromium caps it at 7200).</summary>
    public const int MaxAgeSeconds = 600;

    /// <summary>The response headers a page may read beyond the safelisted ones.</summary>
    public const string ExposedHeaders = "Retry-After";

    private readonly bool _anyOrigin;
    private readonly HashSet<string> _origins;

    private CorsPolicy(bool anyOrigin, HashSet<string> origins)
    {
        _anyOrigin = anyOrigin;
        _origins = origins;
    }

    /// <summary>The policy of these options, or null when CORS is off (an empty list).</summary>
    public static CorsPolicy? From(KonProFakeServerOptions options)
    {
        if (options.CorsOrigins.Count == 0)
        {
            return null;
        }

        var origins = new HashSet<string>(StringComparer.Ordinal);
        foreach (var origin in options.CorsOrigins)
        {
            if (origin != KonProFakeServerOptions.AnyOrigin && TryNormalize(origin, out var normalized))
            {
                origins.Add(normalized);
            }
        }

        return new CorsPolicy(options.CorsOrigins.Contains(KonProFakeServerOptions.AnyOrigin), origins);
    }

    /// <summary>The list as the room program takes it (<c>--cors</c>): comma separated, empty when CORS is off.</summary>
    public static string ForRoom(KonProFakeServerOptions options) =>
        string.Join(',', options.CorsOrigins.Select(o => o == KonProFakeServerOptions.AnyOrigin ? o : TryNormalize(o, out var n) ? n : o));

    /// <summary>An origin as browsers serialize it: lower-case scheme and host, the port only when not the scheme's default.</summary>
    public static bool TryNormalize(string origin, out string normalized)
    {
        normalized = string.Empty;
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0
            || uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
        {
            return false;
        }

        normalized = uri.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped).ToLowerInvariant();
        return true;
    }

    public void Install(IApplicationBuilder app) => app.Use(InvokeAsync);

    private Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        var origin = request.Headers.Origin;
        var allowed = AllowedOrigin(origin);
        if (HttpMethods.IsOptions(request.Method) && !StringValues.IsNullOrEmpty(origin)
            && !StringValues.IsNullOrEmpty(request.Headers.AccessControlRequestMethod))
        {
            AnswerPreflight(context, allowed);
            return Task.CompletedTask;
        }

        context.Response.OnStarting(static state =>
        {
            var (response, allowOrigin, credentials) = ((HttpResponse, string?, bool))state;
            Apply(response, allowOrigin, credentials);
            if (allowOrigin is not null)
            {
                response.Headers.AccessControlExposeHeaders = ExposedHeaders;
            }

            return Task.CompletedTask;
        }, (context.Response, allowed, !StringValues.IsNullOrEmpty(origin)));
        return next(context);
    }

    // A preflight is answered whatever the path (no credential is checked): 204 with what the browser asked for,
    // or without the allow headers when the origin is not allowed (the browser then refuses the call).
    private static void AnswerPreflight(HttpContext context, string? allowed)
    {
        var response = context.Response;
        var request = context.Request;
        response.StatusCode = StatusCodes.Status204NoContent;
        Apply(response, allowed, credentials: true);
        if (allowed is null)
        {
            return;
        }

        response.Headers.AccessControlAllowMethods = AllowedMethods;
        response.Headers.AccessControlAllowHeaders = Headers(request.Headers.AccessControlRequestHeaders);
        response.Headers.AccessControlMaxAge = MaxAgeSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // Chromium's Private Network Access asks before a public page calls a private address (such as a CI machine's).
        if (string.Equals(request.Headers["Access-Control-Request-Private-Network"], "true", StringComparison.OrdinalIgnoreCase))
        {
            response.Headers["Access-Control-Allow-Private-Network"] = "true";
        }
    }

    private static void Apply(HttpResponse response, string? allowOrigin, bool credentials)
    {
        response.Headers.Append("Vary", "Origin");
        if (allowOrigin is null)
        {
            return;
        }

        response.Headers.AccessControlAllowOrigin = allowOrigin;
        if (credentials && allowOrigin != "*")
        {
            response.Headers.AccessControlAllowCredentials = "true";
        }
    }

    /// <summary>The value of <c>Access-Control-Allow-Origin</c> for this request's origin, or null when it is not allowed.</summary>
    private string? AllowedOrigin(StringValues origin)
    {
        if (StringValues.IsNullOrEmpty(origin))
        {
            return _anyOrigin ? "*" : null;
        }

        var value = origin.ToString();
        if (_anyOrigin)
        {
            return value; // echoed (never "*"), so that a page's fetch with credentials works too
        }

        return TryNormalize(value, out var normalized) && _origins.Contains(normalized) ? value : null;
    }

    // The base list and whatever the preflight asked for (lower case, no duplicates).
    private static string Headers(StringValues requested)
    {
        var names = new List<string>(AllowedHeaders.Split(", "));
        foreach (var value in requested)
        {
            foreach (var name in (value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var lower = name.ToLowerInvariant();
                if (!names.Contains(lower))
                {
                    names.Add(lower);
                }
            }
        }

        return string.Join(", ", names);
    }
}
