using System.Net;
using System.Text;
using System.Text.Json;
using KonPro.Streaming.Testing.Tests.Support;
using WireMock;
using WireMock.Matchers.Request;
using WireMock.Server;

namespace KonPro.Streaming.Testing.Tests.Admin;

/// <summary>
/// With the admin interface on, API requests are matched without WireMock's admin mappings, while every admin request
/// is matched and answered as before (AdminApiTests covers the endpoints the README names).
/// </summary>
public sealed class AdminRequestGateTests
{
    [Fact]
    public async Task Api_requests_never_try_an_admin_mapping_and_admin_requests_still_do()
    {
        await using var server = await Servers.StartAsync(o => o.StartAdminInterface = true);
        var tries = CountAdminMatching(server.WireMock);
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();

        for (var i = 0; i < 5; i++)
        {
            (await api.PostAsync("/v1/streaming/keep_alive", new { session_id = sessionId }, Credential.Bearer(token))).Status.Should().Be(HttpStatusCode.OK);
        }

        (await api.GetAsync("/v1/streaming/no_such_operation")).Status.Should().Be(HttpStatusCode.NotFound);
        (await api.PostAsync("/v1/streaming.keep_alive", new { session_id = sessionId }, Credential.Bearer(token))).Status.Should().Be(HttpStatusCode.OK);
        tries.Count.Should().Be(0, "no API request may be matched against an admin mapping");

        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        using var health = await http.GetAsync("/__admin/health");
        health.StatusCode.Should().Be(HttpStatusCode.OK);
        tries.Count.Should().BeGreaterThan(0, "an admin request is matched against the admin mappings");
    }

    [Fact]
    public async Task Every_WireMock_admin_endpoint_mapping_is_gated_and_proxy_and_fake_routes_are_not()
    {
        await using var server = await Servers.StartAsync(o => o.StartAdminInterface = true);

        var admin = server.WireMock.Mappings.Where(m => m.IsAdminInterface).ToList();
        admin.Should().HaveCountGreaterThan(30);
        admin.Should().OnlyContain(m => ReferenceEquals(m.TimeSettings, KonPro.Streaming.Testing.Rest.AdminRequestGate.Window));
        // The fake's routes have windows of their own (RouteGateTests), never the admin one.
        server.WireMock.Mappings.Where(m => !m.IsAdminInterface).Should().NotContain(m => ReferenceEquals(m.TimeSettings, KonPro.Streaming.Testing.Rest.AdminRequestGate.Window));
    }

    [Fact]
    public async Task The_request_log_holds_the_API_requests_and_not_the_admin_ones()
    {
        await using var server = await Servers.StartAsync(o => o.StartAdminInterface = true);
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        (await api.PostAsync("/v1/streaming/keep_alive", new { session_id = sessionId }, Credential.Bearer(token))).Status.Should().Be(HttpStatusCode.OK);
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        (await http.GetAsync("/__admin/health")).Dispose();

        using var log = JsonDocument.Parse(await http.GetStringAsync("/__admin/requests"));

        var paths = log.RootElement.EnumerateArray().Select(e => e.GetProperty("Request").GetProperty("Path").GetString()).ToList();
        paths.Should().Contain("/v1/streaming/keep_alive").And.Contain("/v1/streaming/new");
        paths.Should().NotContain(p => p!.StartsWith("/__admin", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_mapping_of_the_users_answers_API_requests_is_listed_and_is_deleted_through_the_admin_API()
    {
        await using var server = await Servers.StartAsync(o => o.StartAdminInterface = true);
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        var guid = Guid.NewGuid();
        server.WireMock.Given(WireMock.RequestBuilders.Request.Create().WithPath("/v1/streaming/keep_alive").UsingPost())
            .WithGuid(guid).AtPriority(-10)
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(503).WithBody("overridden"));

        using var overridden = await http.PostAsync("/v1/streaming/keep_alive", new StringContent("{}", Encoding.UTF8, "application/json"));
        (await overridden.Content.ReadAsStringAsync()).Should().Be("overridden");
        (await http.GetStringAsync("/__admin/mappings")).Should().Contain(guid.ToString());
        using var deleted = await http.DeleteAsync($"/__admin/mappings/{guid}");
        deleted.StatusCode.Should().Be(HttpStatusCode.OK);
        using var restored = await http.PostAsync("/v1/streaming/keep_alive", new StringContent("{}", Encoding.UTF8, "application/json"));

        (await restored.Content.ReadAsStringAsync()).Should().NotBe("overridden");
    }

    [Fact]
    public async Task An_unknown_admin_path_is_still_WireMocks_404()
    {
        await using var server = await Servers.StartAsync(o => o.StartAdminInterface = true);
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };

        using var response = await http.GetAsync("/__admin/no_such_thing");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync()).Should().Contain("No matching mapping found");
    }

    /// <summary>
    /// Registers every admin mapping again with a matcher that counts its tries before it asks the original one; the
    /// id, priority, provider and validity window stay the mapping's own.
    /// </summary>
    private static TryCounter CountAdminMatching(WireMockServer server)
    {
        var counter = new TryCounter();
        foreach (var mapping in server.Mappings.Where(m => m.IsAdminInterface && !m.IsProxy).ToList())
        {
            var builder = server.Given(WireMock.RequestBuilders.Request.Create().Add(new CountingMatcher(mapping.RequestMatcher, counter))).WithGuid(mapping.Guid).AtPriority(mapping.Priority);
            if (mapping.TimeSettings is { } window)
            {
                builder = builder.WithTimeSettings(window);
            }

            builder.RespondWith(mapping.Provider);
        }

        return counter;
    }

    private sealed class TryCounter
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Add() => Interlocked.Increment(ref _count);
    }

    private sealed class CountingMatcher(IRequestMatcher inner, TryCounter counter) : IRequestMatcher
    {
        public RequestMatcherType Type => inner.Type;

        public double GetMatchingScore(IRequestMessage requestMessage, IRequestMatchResult requestMatchResult)
        {
            counter.Add();
            return inner.GetMatchingScore(requestMessage, requestMatchResult);
        }
    }
}
