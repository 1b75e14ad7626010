using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using KonPro.Streaming.Testing.Tests.Support;

namespace KonPro.Streaming.Testing.Tests.Limits;

public sealed class RequestLimitTests
{
    [Fact]
    public async Task A_body_over_the_cap_is_answered_413_in_the_error_envelope()
    {
        await using var server = await Servers.StartAsync(o => o.MaxRequestBodyBytes = 64 * 1024);
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };

        using var request = Post(server, new ByteArrayContent(new byte[100 * 1024]));
        using var response = await http.SendAsync(request);

        await ShouldBeEnvelopeAsync(response, HttpStatusCode.RequestEntityTooLarge, "VALIDATION_ERROR", "body");
        server.Sessions.Should().BeEmpty();
    }

    [Fact]
    public async Task A_chunked_body_over_the_cap_is_answered_413_without_a_content_length()
    {
        await using var server = await Servers.StartAsync(o => o.MaxRequestBodyBytes = 64 * 1024);
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };

        using var request = Post(server, new RepeatingContent(new byte[8 * 1024], 32, knownLength: false));
        using var response = await http.SendAsync(request);

        request.Content!.Headers.ContentLength.Should().BeNull();
        await ShouldBeEnvelopeAsync(response, HttpStatusCode.RequestEntityTooLarge, "VALIDATION_ERROR", "body");
    }

    [Fact]
    public async Task A_body_under_the_cap_but_over_the_recorded_limit_reaches_the_endpoint_whole_and_is_recorded_as_a_prefix()
    {
        await using var server = await Servers.StartAsync(o => o.MaxRecordedBodyBytes = 1024);
        using var api = new ApiClient(server);
        var prompt = new string('p', 20_000);

        var answer = await api.PostAsync("/v1/streaming/new", new { knowledge_base = prompt, activity_idle_timeout = 3600 });

        answer.Status.Should().Be(HttpStatusCode.OK, answer.Text);
        var recorded = server.Journal.RestCalls.Single().RequestBody!;
        recorded.Length.Should().BeLessThan(1100);
        recorded.Should().StartWith("{\"knowledge_base\":\"ppp").And.MatchRegex(@"…\[truncated: 200[0-9]{2} bytes\]$");
        var logged = server.WireMock.LogEntries.Single().RequestMessage!;
        logged.BodyAsBytes!.Length.Should().Be(1024);
    }

    [Fact]
    public async Task A_url_over_8_KB_is_answered_414_in_the_error_envelope()
    {
        await using var server = await Servers.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };

        using var response = await http.GetAsync("/v1/streaming/sessions?pad=" + new string('a', 9000));

        await ShouldBeEnvelopeAsync(response, HttpStatusCode.RequestUriTooLong, "VALIDATION_ERROR", "url");
    }

    [Fact]
    public async Task Headers_over_32_KB_are_answered_431_in_the_error_envelope()
    {
        await using var server = await Servers.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/streaming/sessions");
        request.Headers.Add("x-api-key", server.ApiKey);
        for (var i = 0; i < 8; i++)
        {
            request.Headers.Add($"x-pad-{i}", new string('h', 5000));
        }

        using var response = await http.SendAsync(request);

        await ShouldBeEnvelopeAsync(response, HttpStatusCode.RequestHeaderFieldsTooLarge, "VALIDATION_ERROR", "headers");
    }

    [Fact]
    public async Task A_NUL_escape_in_a_path_gets_Kestrels_bare_400_before_any_handler_runs()
    {
        // Kestrel refuses a %00 in the request target while parsing it, before any middleware; no envelope is possible
        // there (README: "What the fake cannot wrap"). What is achieved: a 400, the connection answered, no session.
        await using var server = await Servers.StartAsync();

        var (status, body) = await RawRequestAsync(server, "POST /v1/streaming/%00new HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}");

        status.Should().Be(400);
        body.Should().NotContain("\"data\"");
        server.Sessions.Should().BeEmpty();
    }

    [Theory]
    [InlineData("DELETE", "/v1/streaming/knowledge_base/%00")]
    [InlineData("POST", "/v1/streaming/knowledge_base/%00/update")]
    [InlineData("DELETE", "/v1/streaming/knowledge_base/kb%00x")]
    public async Task A_NUL_escape_in_a_knowledge_base_id_gets_Kestrels_bare_400_and_nothing_changes(string method, string target)
    {
        // Issue 18.9: listed in the README's Limits with the other targets Kestrel refuses before any handler runs.
        await using var server = await Servers.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        using var list = new HttpRequestMessage(HttpMethod.Get, "/v1/streaming/knowledge_base/list");
        list.Headers.Add("x-api-key", server.ApiKey);
        var before = await (await http.SendAsync(list)).Content.ReadAsStringAsync();

        var (status, body) = await RawRequestAsync(server, $"{method} {target} HTTP/1.1\r\nHost: x\r\nx-api-key: {server.ApiKey}\r\nContent-Length: 2\r\n\r\n{{}}");

        status.Should().Be(400);
        body.Should().NotContain("\"data\"");
        using var again = new HttpRequestMessage(HttpMethod.Get, "/v1/streaming/knowledge_base/list");
        again.Headers.Add("x-api-key", server.ApiKey);
        (await (await http.SendAsync(again)).Content.ReadAsStringAsync()).Should().Be(before, "no handler ran");
    }

    [Theory]
    [InlineData("DELETE", "/v1/streaming/knowledge_base/%2500")]
    [InlineData("POST", "/v1/streaming/knowledge_base/%2500/update")]
    [InlineData("DELETE", "/v1/streaming/knowledge_base/kb%2501x")]
    public async Task An_escaped_NUL_that_reaches_the_knowledge_base_routes_is_a_validation_error_in_the_envelope(string method, string target)
    {
        // Kestrel decodes %25 to %, the route decodes %00 to NUL: the id has a NUL in it, refused like one in a JSON
        // body (it was a 404 that echoed the NUL).
        await using var server = await Servers.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        using var request = new HttpRequestMessage(new HttpMethod(method), target)
        {
            Content = new StringContent("{\"name\":\"n\"}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-api-key", server.ApiKey);

        using var response = await http.SendAsync(request);

        await ShouldBeEnvelopeAsync(response, HttpStatusCode.BadRequest, "VALIDATION_ERROR", "knowledge_base_id");
    }

    private static HttpRequestMessage Post(KonProFakeServer server, HttpContent content)
    {
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/streaming/new") { Content = content };
        request.Headers.Add("x-api-key", server.ApiKey);
        return request;
    }

    internal static async Task ShouldBeEnvelopeAsync(HttpResponseMessage response, HttpStatusCode status, string code, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, text);
        using var document = JsonDocument.Parse(text);
        var error = document.RootElement.GetProperty("error");
        error.GetProperty("code").GetString().Should().Be(code);
        error.GetProperty("details").GetProperty("field").GetString().Should().Be(field);
        document.RootElement.GetProperty("request_id").GetString().Should().StartWith("req-");
    }

    private static async Task<(int Status, string Body)> RawRequestAsync(KonProFakeServer server, string request)
    {
        var uri = new Uri(server.Url);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, uri.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var statusLine = await reader.ReadLineAsync(cts.Token) ?? string.Empty;
        var rest = await reader.ReadToEndAsync(cts.Token); // Kestrel closes the connection after a bad request
        return (int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), rest);
    }
}

/// <summary>A request body made of one buffer sent many times: large bodies without large allocations in the test.</summary>
internal sealed class RepeatingContent(byte[] chunk, int times, bool knownLength) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        for (var i = 0; i < times; i++)
        {
            await stream.WriteAsync(chunk);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = (long)chunk.Length * times;
        return knownLength;
    }
}
