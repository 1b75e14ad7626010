using System.Net;
using System.Reflection;
using System.Text.Json;
using KonPro.Streaming.Testing.Rest;
using KonPro.Streaming.Testing.Tests.Support;
using WireMock.Matchers.Request;
using WireMock;
using WireMock.RequestBuilders;

namespace KonPro.Streaming.Testing.Tests.Rest;

public sealed class RoutePathMatcherTests
{
    [Theory]
    [InlineData("/v1/streaming/keep_alive", 1.0)]
    [InlineData("/v1/streaming.keep_alive", 1.0)]
    [InlineData("/v1/streaming/KEEP_ALIVE", 0.0)]
    [InlineData("/v1/streaming/keep_alive/", 0.0)]
    [InlineData("/v1/streaming/keep_aliv", 0.0)]
    public void An_exact_route_matches_its_paths_case_sensitively_as_WireMocks_own_path_matcher(string path, double expected)
    {
        IRequestMatcher matcher = RoutePathMatcher.Exact("/v1/streaming/keep_alive", "/v1/streaming.keep_alive");
        var result = new RequestMatchResult();

        var score = matcher.GetMatchingScore(RequestWithPath(path), result);

        score.Should().Be(expected);
        result.MatchDetails.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Name = "ExactMatcher", MatcherType = "MatchResult", Score = expected });
    }

    [Theory]
    [InlineData("/v1/streaming/knowledge_base/kb-1/update", 1.0)]
    [InlineData("/v1/streaming/knowledge_base//update", 0.0)]
    [InlineData("/v1/streaming/knowledge_base/a/b/update", 0.0)]
    public void A_pattern_route_matches_as_its_regular_expression(string path, double expected)
    {
        IRequestMatcher matcher = RoutePathMatcher.Pattern(@"^/v1/streaming/knowledge_base/[^/]+/update$");
        var result = new RequestMatchResult();

        matcher.GetMatchingScore(RequestWithPath(path), result).Should().Be(expected);
        result.MatchDetails.Should().ContainSingle().Which.Name.Should().Be("RegexMatcher");
    }

    [Fact]
    public void It_is_listed_as_a_path_matcher_over_the_routes_paths()
    {
        var matcher = RoutePathMatcher.Exact("/v1/streaming/new", "/v1/streaming.new");

        var request = (Request)Request.Create().Add(matcher);

        var listed = request.GetRequestMessageMatcher<RequestMessagePathMatcher>();
        listed.Should().BeSameAs(matcher);
        listed!.Matchers.Should().ContainSingle().Which.GetPatterns().Select(p => (string)p).Should().Equal("/v1/streaming/new", "/v1/streaming.new");
    }

    [Fact]
    public async Task Over_the_wire_each_route_answers_its_method_only_and_the_listing_keeps_paths_and_methods()
    {
        await using var server = await Servers.StartAsync(o => o.StartAdminInterface = true);
        using var api = new ApiClient(server);
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };

        var wrongMethod = await api.GetAsync("/v1/streaming/keep_alive");
        var dotted = await api.PostAsync("/v1/streaming.create_token", new { });
        using var listing = JsonDocument.Parse(await http.GetStringAsync("/__admin/mappings"));

        wrongMethod.ShouldBeError(HttpStatusCode.NotFound, "RESOURCE_NOT_FOUND");
        server.Journal.RestCalls.Should().Contain(c => c.OperationId == RestRoutes.UnknownOperation && c.Route == "/v1/streaming/keep_alive");
        dotted.Status.Should().Be(HttpStatusCode.OK, dotted.Text);
        var keepAlive = listing.RootElement.EnumerateArray()
            .Single(m => m.GetProperty("Request").TryGetProperty("Path", out var p) && p.ToString().Contains("/v1/streaming/keep_alive", StringComparison.Ordinal))
            .GetProperty("Request");
        keepAlive.GetProperty("Methods").EnumerateArray().Select(e => e.GetString()).Should().Equal("POST");
        keepAlive.GetProperty("Path").ToString().Should().Contain("/v1/streaming.keep_alive").And.Contain("ExactMatcher");
    }

    // WireMock's RequestMessage has no public constructor; the matcher reads the path only.
    private static IRequestMessage RequestWithPath(string path)
    {
        var request = DispatchProxy.Create<IRequestMessage, PathOnlyRequest>();
        ((PathOnlyRequest)(object)request).Path = path;
        return request;
    }

    /// <summary>A request message that knows its path and nothing else.</summary>
    public class PathOnlyRequest : DispatchProxy
    {
        public string Path { get; set; } = string.Empty;

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod?.Name == "get_Path" ? Path : throw new NotSupportedException(targetMethod?.Name);
    }
}
