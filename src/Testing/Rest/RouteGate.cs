using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using WireMock.Models;

namespace KonPro.Streaming.Testing.Rest;

/// <summary>
/// Keeps an API request away from the mappings of the other routes. WireMock tries every mapping on every request, and
/// each try costs a match result, its details, the composite and method matchers' LINQ and a sort over all of them
/// (about 19 KB of a <c>keep_alive</c>'s 45 KB), although a request's path can match one route and the catch-all at most.
/// <para>
/// A middleware in front of WireMock's notes the path of each request under <c>/v&lt;n&gt;/</c>; each route's mapping
/// is valid (<see cref="ITimeSettings"/>) only while the noted path is one of its own, so WireMock passes the other
/// routes over at the cost of one check each, before it tries their matchers. A mapping whose path cannot match cannot
/// be the answer, and the catch-all of <c>/v&lt;n&gt;/</c> (never gated) matches every such request, so the answer, the
/// request log's best partial match and the journal are what they were. Requests outside <c>/v&lt;n&gt;/</c>, paths
/// that WireMock could read differently (escapes, dot segments), and mappings users add are not gated at all.
/// </para>
/// </summary>
internal static class RouteGate
{
    private static readonly AsyncLocal<string?> ServedPath = new();

    /// <summary>Notes the path of every API request with a path WireMock reads exactly as Kestrel does; others pass untouched.</summary>
    public static void Install(IApplicationBuilder app) => app.Use(next => context =>
        context.Request.Path.Value is { } path && IsGateable(path) ? ServeAsync(context, next, path) : next(context));

    /// <summary>The validity window of a route's mapping: open unless an API request with another path is being matched.</summary>
    public static ITimeSettings Window(RoutePathMatcher route) =>
        new RequestWindow(() => ServedPath.Value is not { } path || route.Matches(path), "A route's");

    /// <summary>
    /// Whether <paramref name="path"/> is under <c>/v&lt;digits&gt;/</c> and made of characters that WireMock's own
    /// reading of the URL (encode, parse as a <see cref="Uri"/>, decode) gives back unchanged: letters, digits,
    /// <c>-_.~/</c>, without dot segments or empty segments.
    /// </summary>
    internal static bool IsGateable(string path)
    {
        if (path.Length < 4 || path[0] != '/' || path[1] != 'v' || !char.IsAsciiDigit(path[2]))
        {
            return false;
        }

        var i = 2;
        while (i < path.Length && char.IsAsciiDigit(path[i]))
        {
            i++;
        }

        if (i == path.Length || path[i] != '/')
        {
            return false;
        }

        for (var j = 1; j < path.Length; j++)
        {
            var c = path[j];
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '~')
            {
                continue;
            }

            if (c == '/' && path[j - 1] != '/')
            {
                continue;
            }

            // A dot inside a segment (streaming.new) reads the same; one at a segment's edge may be or end a dot segment.
            if (c == '.' && path[j - 1] != '/' && j + 1 < path.Length && path[j + 1] != '/')
            {
                continue;
            }

            return false;
        }

        return true;
    }

    private static async Task ServeAsync(HttpContext context, RequestDelegate next, string path)
    {
        // Set inside this method, the path flows into WireMock's middleware below and is gone when the method returns.
        ServedPath.Value = path;
        await next(context).ConfigureAwait(false);
    }
}
