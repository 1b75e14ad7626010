using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using WireMock;
using WireMock.Models;
using WireMock.Server;

namespace KonPro.Streaming.Testing.Rest;

/// <summary>
/// Keeps WireMock's admin mappings out of the matching of API requests. With the admin interface on, WireMock adds
/// about forty mappings of its own (<c>/__admin/mappings</c>, <c>/__admin/requests</c>, ...) to the same table as the
/// fake's routes and tries every one of them on every request: on a <c>keep_alive</c> they cost more than the fake's
/// own matching and endpoint together (108 KB allocated a request against 45 KB without them).
/// <para>
/// A middleware in front of WireMock's marks the requests under <c>/__admin</c>; every admin mapping is registered
/// again (same id, matcher, priority and response provider, so it stays an admin mapping: authenticated, unlogged,
/// unlisted) with a validity window that is open only while such a request is matched. WireMock checks a mapping's
/// window before it tries its matchers and allocates nothing for a mapping outside it, so an API request skips the
/// admin mappings at the cost of one check each, and an admin request is matched against every mapping as before.
/// Proxy mappings, which WireMock also counts as admin mappings but which answer any path, are left as they are.
/// </para>
/// </summary>
internal static class AdminRequestGate
{
    /// <summary>WireMock's admin path (its default; the fake does not change it).</summary>
    public const string AdminPath = "/__admin";

    private static readonly AsyncLocal<bool> InAdminRequest = new();

    /// <summary>The window of the admin mappings: open only while a request under <see cref="AdminPath"/> is matched.</summary>
    public static ITimeSettings Window { get; } = new RequestWindow(static () => InAdminRequest.Value, "The admin mappings'");

    /// <summary>Whether the request being served is under <see cref="AdminPath"/>.</summary>
    public static bool IsAdminRequest => InAdminRequest.Value;

    /// <summary>Marks the requests under <see cref="AdminPath"/> (any case, as a superset of WireMock's own path matching); others pass untouched.</summary>
    public static void Install(IApplicationBuilder app) => app.Use(next => context =>
        context.Request.Path.StartsWithSegments(AdminPath, StringComparison.OrdinalIgnoreCase) ? ServeAdminRequestAsync(context, next) : next(context));

    /// <summary>Registers every admin mapping of the server again inside <see cref="Window"/>; mappings already inside it are left alone.</summary>
    /// <returns>How many mappings were gated.</returns>
    public static int Apply(WireMockServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        var gated = 0;
        foreach (var mapping in server.Mappings)
        {
            if (!IsGateable(mapping))
            {
                continue;
            }

            var builder = server.Given(mapping.RequestMatcher).WithGuid(mapping.Guid).AtPriority(mapping.Priority).WithTimeSettings(Window);
            if (mapping.Title is { } title)
            {
                builder = builder.WithTitle(title);
            }

            if (mapping.Description is { } description)
            {
                builder = builder.WithDescription(description);
            }

            builder.RespondWith(mapping.Provider);
            gated++;
        }

        return gated;
    }

    // WireMock's own admin endpoints: admin mappings whose answers are not logged (its dynamic providers), not proxies,
    // and in no scenario, time window or probability of their own (which re-registering would lose).
    private static bool IsGateable(IMapping mapping) =>
        mapping.IsAdminInterface && !mapping.IsProxy && !mapping.LogMapping
        && mapping.TimeSettings is null && mapping.Scenario is null && mapping.Probability is null && !mapping.IsDisabled;

    private static async Task ServeAdminRequestAsync(HttpContext context, RequestDelegate next)
    {
        // Set inside this method, the flag flows into WireMock's middleware below and is gone when the method returns.
        InAdminRequest.Value = true;
        await next(context).ConfigureAwait(false);
    }
}
