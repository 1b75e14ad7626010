using System.Net;
using System.Text;
using KonPro.Streaming.Testing.Tests.Support;

namespace KonPro.Streaming.Testing.Tests.Cors;

/// <summary>
/// A page on another origin calls the fake from a browser: preflights are answered without a credential and every
/// answer, errors included, names the page's origin. Over real HTTP, with the headers a browser sends.
/// </summary>
public sealed class CorsTests
{
    private const string Page = "http://app.konpro-test.invalid:3000";

    [Theory]
    [InlineData("/v1/streaming.new", "POST", "authorization,content-type")]
    [InlineData("/v1/streaming/create_token", "POST", "content-type,x-api-key")]
    [InlineData("/v1/streaming/sessions", "GET", "x-api-key")]
    [InlineData("/v1/streaming/knowledge_base/kb-1", "DELETE", "x-api-key,x-trace-id")]
    public async Task A_preflight_is_answered_204_without_a_credential_with_what_the_browser_asked_for(string path, string method, string headers)
    {
        await using var server = await Servers.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };

        using var answer = await http.SendAsync(Preflight(path, method, headers));

        answer.StatusCode.Should().Be(HttpStatusCode.NoContent);
        Header(answer, "Access-Control-Allow-Origin").Should().Be(Page);
        Header(answer, "Access-Control-Allow-Credentials").Should().Be("true");
        Header(answer, "Access-Control-Allow-Methods").Should().Contain(method);
        Header(answer, "Access-Control-Allow-Headers")!.Split(", ").Should()
            .Contain(["authorization", "content-type", "x-api-key"]).And.Contain(headers.Split(','));
        int.Parse(Header(answer, "Access-Control-Max-Age")!, System.Globalization.CultureInfo.InvariantCulture).Should().BePositive();
        answer.Headers.Vary.Should().Contain("Origin");
        server.Journal.RestCalls.Should().BeEmpty("a preflight is no call of the API");
    }

    [Fact]
    public async Task A_preflight_that_asks_for_the_private_network_is_allowed_it()
    {
        await using var server = await Servers.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        using var preflight = Preflight("/v1/streaming.new", "POST", "authorization");
        preflight.Headers.Add("Access-Control-Request-Private-Network", "true");

        using var answer = await http.SendAsync(preflight);

        Header(answer, "Access-Control-Allow-Private-Network").Should().Be("true");
    }

    public static TheoryData<string, HttpStatusCode> Answers => new()
    {
        { "token", HttpStatusCode.OK },
        { "no credential", HttpStatusCode.Unauthorized },
        { "unknown route", HttpStatusCode.NotFound },
        { "invalid body", HttpStatusCode.BadRequest },
        { "body too large", HttpStatusCode.RequestEntityTooLarge },
        { "URL too long", HttpStatusCode.RequestUriTooLong },
        { "injected fault", HttpStatusCode.ServiceUnavailable },
        { "contract file", HttpStatusCode.OK },
        { "unknown contract file", HttpStatusCode.NotFound },
        { "outside the API", HttpStatusCode.NotFound },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task Every_answer_errors_included_names_the_page_origin(string what, HttpStatusCode status)
    {
        await using var server = await Servers.StartAsync(o => o.MaxRequestBodyBytes = 1024);
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        using var request = what switch
        {
            "token" => Post("/v1/streaming/create_token", "{}", server.ApiKey),
            "no credential" => Post("/v1/streaming.new", "{}", null),
            "unknown route" => Post("/v1/streaming/nothing_here", "{}", server.ApiKey),
            "invalid body" => Post("/v1/streaming/new", "{not json", server.ApiKey),
            "body too large" => Post("/v1/streaming/create_token", "{\"pad\":\"" + new string('x', 4096) + "\"}", server.ApiKey),
            "URL too long" => new HttpRequestMessage(HttpMethod.Get, "/v1/streaming/sessions?q=" + new string('x', 9000)),
            "injected fault" => Post("/v1/streaming/create_token", "{}", server.ApiKey),
            "contract file" => new HttpRequestMessage(HttpMethod.Get, "/openapi/konpro-streaming.yaml"),
            "unknown contract file" => new HttpRequestMessage(HttpMethod.Get, "/openapi/nothing.yaml"),
            _ => new HttpRequestMessage(HttpMethod.Get, "/not-an-api-path"),
        };
        if (what == "injected fault")
        {
            server.Faults.FailNext(KonProOperationIds.CreateToken, 1, FaultAnswer.Error(503, "SERVICE_UNAVAILABLE", "down", retryAfterSeconds: 1));
        }

        request.Headers.Add("Origin", Page);

        using var answer = await http.SendAsync(request);

        answer.StatusCode.Should().Be(status, await answer.Content.ReadAsStringAsync());
        Header(answer, "Access-Control-Allow-Origin").Should().Be(Page);
        Header(answer, "Access-Control-Allow-Credentials").Should().Be("true");
        Header(answer, "Access-Control-Expose-Headers").Should().Contain("Retry-After");
    }

    [Fact]
    public async Task A_request_without_an_origin_gets_the_wildcard()
    {
        await using var server = await Servers.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };

        using var answer = await http.GetAsync("/openapi/");

        Header(answer, "Access-Control-Allow-Origin").Should().Be("*");
        Header(answer, "Access-Control-Allow-Credentials").Should().BeNull("credentials never go with the wildcard");
    }

    [Fact]
    public async Task With_a_list_of_origins_only_those_pages_are_allowed()
    {
        await using var server = await Servers.StartAsync(o =>
        {
            o.CorsOrigins.Clear();
            o.CorsOrigins.Add("HTTP://App.KonPro-Test.invalid:3000/");
        });
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };

        using var allowed = await http.SendAsync(Preflight("/v1/streaming.new", "POST", "authorization"));
        using var otherPreflight = Preflight("/v1/streaming.new", "POST", "authorization");
        otherPreflight.Headers.Remove("Origin");
        otherPreflight.Headers.Add("Origin", "http://elsewhere.konpro-test.invalid");
        using var other = await http.SendAsync(otherPreflight);
        using var otherCall = Post("/v1/streaming/create_token", "{}", server.ApiKey);
        otherCall.Headers.Add("Origin", "http://elsewhere.konpro-test.invalid");
        using var otherAnswer = await http.SendAsync(otherCall);
        using var withoutOrigin = await http.GetAsync("/openapi/");

        Header(allowed, "Access-Control-Allow-Origin").Should().Be(Page);
        other.StatusCode.Should().Be(HttpStatusCode.NoContent);
        Header(other, "Access-Control-Allow-Origin").Should().BeNull();
        Header(other, "Access-Control-Allow-Methods").Should().BeNull();
        otherAnswer.StatusCode.Should().Be(HttpStatusCode.OK);
        Header(otherAnswer, "Access-Control-Allow-Origin").Should().BeNull();
        Header(withoutOrigin, "Access-Control-Allow-Origin").Should().BeNull("only a wildcard list answers a request without an origin with *");
    }

    [Fact]
    public async Task An_empty_list_turns_CORS_off()
    {
        await using var server = await Servers.StartAsync(o => o.CorsOrigins.Clear());
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };

        using var preflight = await http.SendAsync(Preflight("/v1/streaming.new", "POST", "authorization"));

        preflight.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "without CORS a preflight is an unauthenticated call like any other");
        Header(preflight, "Access-Control-Allow-Origin").Should().BeNull();
        preflight.Headers.Vary.Should().NotContain("Origin");
    }

    [Theory]
    [InlineData("localhost:3000")]
    [InlineData("http://localhost:3000/app")]
    [InlineData("ftp://localhost")]
    [InlineData("")]
    public async Task An_origin_that_is_not_one_is_refused_before_anything_starts(string origin)
    {
        var options = new KonProFakeServerOptions();
        options.CorsOrigins.Add(origin);

        var start = () => KonProFakeServer.StartAsync(options);

        (await start.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("scheme://host[:port]");
    }

    internal static HttpRequestMessage Preflight(string path, string method, string headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", Page);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", headers);
        return request;
    }

    internal static string? Header(HttpResponseMessage answer, string name) =>
        answer.Headers.TryGetValues(name, out var values) || answer.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;

    private static HttpRequestMessage Post(string path, string json, string? apiKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (apiKey is not null)
        {
            request.Headers.Add("x-api-key", apiKey);
        }

        return request;
    }
}
