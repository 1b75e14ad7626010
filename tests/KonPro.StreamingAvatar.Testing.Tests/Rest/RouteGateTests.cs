using System.Net;
using KonPro.Streaming.Testing.Rest;
using KonPro.Streaming.Testing.Tests.Support;
using WireMock;
using WireMock.Matchers.Request;
using WireMock.Server;

namespace KonPro.Streaming.Testing.Tests.Rest;

/// <summary>
/// An API request is matched against its own route's mapping and the catch-all only, never the other routes'; what it
/// is answered and logged is what it was when WireMock tried every mapping.
/// </summary>
public sealed class RouteGateTests
{
    [Fact]
    public async Task An_API_request_tries_only_its_own_routes_mapping()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        var tries = CountRouteMatching(server.WireMock);

        for (var i = 0; i < 5; i++)
        {
            (await api.PostAsync("/v1/streaming/keep_alive", new { session_id = sessionId }, Credential.Bearer(token))).Status.Should().Be(HttpStatusCode.OK);
        }

        (await api.PostAsync("/v1/streaming.keep_alive", new { session_id = sessionId }, Credential.Bearer(token))).Status.Should().Be(HttpStatusCode.OK);

        // Without the gate each request tries all seventeen routes (102 tries); with it, keep_alive's mapping alone.
        tries.Snapshot().Should().BeEquivalentTo(new Dictionary<string, int> { [KonProOperationIds.KeepAlive] = 6 });
    }

    [Fact]
    public async Task A_request_on_no_route_is_matched_by_the_catch_all_alone_and_a_wrong_method_as_before()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var tries = CountRouteMatching(server.WireMock);

        var unknown = await api.GetAsync("/v1/streaming/no_such_operation");
        var wrongMethod = await api.GetAsync("/v1/streaming/keep_alive");

        unknown.Status.Should().Be(HttpStatusCode.NotFound);
        wrongMethod.Status.Should().Be(HttpStatusCode.NotFound);
        tries.Snapshot().Should().BeEquivalentTo(new Dictionary<string, int> { [KonProOperationIds.KeepAlive] = 1 }, "the wrong method is tried against its path's route, which refuses it");
        server.Journal.RestCalls.Select(c => c.OperationId).Should().Equal(RestRoutes.UnknownOperation, RestRoutes.UnknownOperation);
    }

    [Fact]
    public async Task Paths_WireMock_may_read_differently_are_not_gated()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        var tries = CountRouteMatching(server.WireMock);

        // An empty segment is one the gate does not judge: such a path is left to WireMock's matching of every route.
        var odd = await api.PostAsync("/v1//streaming/keep_alive", new { session_id = sessionId }, Credential.Bearer(token));

        odd.Status.Should().Be(HttpStatusCode.NotFound);
        tries.Snapshot().Keys.Should().HaveCountGreaterThan(10, "an ungated request is tried against every route");
    }

    [Fact]
    public async Task The_route_mappings_are_gated_and_the_catch_all_and_users_mappings_are_not()
    {
        await using var server = await Servers.StartAsync();
        server.WireMock.Given(WireMock.RequestBuilders.Request.Create().WithPath("/v1/streaming/keep_alive").UsingPost())
            .AtPriority(-10).RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(503));

        var mappings = server.WireMock.Mappings.ToList();

        mappings.Count(m => m.TimeSettings is not null).Should().Be(17, "every operation's route and the contract route");
        mappings.Where(m => !m.IsAdminInterface && m.TimeSettings is null).Should().HaveCount(2, "the catch-all and the user's mapping");
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        using var overridden = await http.PostAsync("/v1/streaming/keep_alive", new StringContent("{}"));
        overridden.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, "a user's mapping is never gated");
    }

    [Theory]
    [InlineData("/v1/streaming/keep_alive", true)]
    [InlineData("/v1/streaming.keep_alive", true)]
    [InlineData("/v12/streaming/knowledge_base/kb-1~x/update", true)]
    [InlineData("/v1/streaming/./keep_alive", false)]
    [InlineData("/v1/streaming/../keep_alive", false)]
    [InlineData("/v1/streaming/keep_alive.", false)]
    [InlineData("/v1//streaming/keep_alive", false)]
    [InlineData("/v1/streaming/keep%2Falive", false)]
    [InlineData("/v1/streaming/keep alive", false)]
    [InlineData("/v1/streaming/kéep_alive", false)]
    [InlineData("/v1", false)]
    [InlineData("/vx/streaming", false)]
    [InlineData("/__admin/mappings", false)]
    [InlineData("/openapi/spec.yaml", false)]
    public void Only_API_paths_that_WireMock_reads_unchanged_are_gated(string path, bool gated) =>
        RouteGate.IsGateable(path).Should().Be(gated);

    /// <summary>
    /// Registers every gated route's mapping again with a matcher that counts its tries (by the route's name: its first
    /// path that the route matches among <see cref="Names"/>, else its first matcher's name) before it asks the original
    /// one; id, priority, provider and window stay the mapping's own.
    /// </summary>
    private static TryCounter CountRouteMatching(WireMockServer server)
    {
        var counter = new TryCounter();
        foreach (var mapping in server.Mappings.Where(m => !m.IsAdminInterface && m.TimeSettings is not null).ToList())
        {
            var route = ((WireMock.RequestBuilders.Request)mapping.RequestMatcher).GetRequestMessageMatcher<RoutePathMatcher>()!;
            var name = Names.FirstOrDefault(n => route.Matches(n.Value)).Key ?? mapping.Guid.ToString();
            server.Given(WireMock.RequestBuilders.Request.Create().Add(new CountingMatcher(mapping.RequestMatcher, counter, name)))
                .WithGuid(mapping.Guid).AtPriority(mapping.Priority).WithTimeSettings(mapping.TimeSettings!)
                .RespondWith(mapping.Provider);
        }

        return counter;
    }

    private static readonly Dictionary<string, string> Names = new() { [KonProOperationIds.KeepAlive] = "/v1/streaming/keep_alive" };

    private sealed class TryCounter
    {
        private readonly Dictionary<string, int> _tries = [];

        public void Add(string name)
        {
            lock (_tries)
            {
                _tries[name] = _tries.GetValueOrDefault(name) + 1;
            }
        }

        public Dictionary<string, int> Snapshot()
        {
            lock (_tries)
            {
                return new Dictionary<string, int>(_tries);
            }
        }
    }

    private sealed class CountingMatcher(IRequestMatcher inner, TryCounter counter, string name) : IRequestMatcher
    {
        public RequestMatcherType Type => inner.Type;

        public double GetMatchingScore(IRequestMessage requestMessage, IRequestMatchResult requestMatchResult)
        {
            counter.Add(name);
            return inner.GetMatchingScore(requestMessage, requestMatchResult);
        }
    }
}
