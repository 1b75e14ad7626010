using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using KonPro.Streaming.Testing.Tests.Support;

namespace KonPro.Streaming.Testing.Tests.Limits;

public sealed class BadJsonTests
{
    [Theory]
    [InlineData("{\"avatar_id\":\"\\ud800\"}", "avatar_id", "not valid Unicode")]
    [InlineData("{\"voice\":{\"voice_id\":\"a\\udc00b\"}}", "voice.voice_id", "not valid Unicode")]
    [InlineData("{\"\\ud800\":1}", "body", "not valid Unicode")]
    [InlineData("{\"tags\":[\"ok\",\"\\udfff\"]}", "tags[1]", "not valid Unicode")]
    public async Task An_escaped_lone_surrogate_anywhere_is_a_400_naming_the_field(string json, string field, string problem)
    {
        await using var server = await Servers.StartAsync();

        var (status, body) = await PostBytesAsync(server, "/v1/streaming/new", System.Text.Encoding.UTF8.GetBytes(json));

        status.Should().Be(HttpStatusCode.BadRequest, body.ToString());
        body.GetProperty("error").GetProperty("code").GetString().Should().Be("VALIDATION_ERROR");
        body.GetProperty("error").GetProperty("details").GetProperty("field").GetString().Should().Be(field);
        body.GetProperty("error").GetProperty("message").GetString().Should().Contain(problem);
        server.Sessions.Should().BeEmpty();
    }

    [Fact]
    public async Task A_lone_surrogate_in_a_task_text_is_a_400_not_a_500()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();

        var answer = await api.SendAsync(HttpMethod.Post, "/v1/streaming/task", $"{{\"session_id\":\"{sessionId}\",\"text\":\"hi \\ud83d\"}}", Credential.Bearer(token));

        answer.ShouldBeError(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        answer.ErrorField.Should().Be("text");
    }

    [Theory]
    [InlineData("nul after the object", new byte[] { (byte)'{', (byte)'}', 0 }, "body", "must be valid UTF-8 JSON (")]
    [InlineData("nul inside a string", new byte[] { (byte)'{', (byte)'"', (byte)'a', (byte)'"', (byte)':', (byte)'"', 0, (byte)'"', (byte)'}' }, "body", "must be valid UTF-8 JSON (")]
    [InlineData("invalid UTF-8 outside a string", new byte[] { (byte)'{', 0xC3, 0x28, (byte)'}' }, "body", "must be valid UTF-8 JSON (")]
    [InlineData("invalid UTF-8 in a string", new byte[] { (byte)'{', (byte)'"', (byte)'a', (byte)'"', (byte)':', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)'}' }, "a", "not valid Unicode")]
    [InlineData("a lone continuation byte in a string", new byte[] { (byte)'{', (byte)'"', (byte)'a', (byte)'"', (byte)':', (byte)'"', 0x80, (byte)'"', (byte)'}' }, "a", "not valid Unicode")]
    public async Task Bad_bytes_are_a_400_naming_the_problem_never_a_silent_default(string why, byte[] bytes, string field, string problem)
    {
        await using var server = await Servers.StartAsync();

        var (status, body) = await PostBytesAsync(server, "/v1/streaming/new", bytes);

        status.Should().Be(HttpStatusCode.BadRequest, why);
        body.GetProperty("error").GetProperty("code").GetString().Should().Be("VALIDATION_ERROR");
        body.GetProperty("error").GetProperty("details").GetProperty("field").GetString().Should().Be(field);
        body.GetProperty("error").GetProperty("message").GetString().Should().Contain(problem);
        server.Sessions.Should().BeEmpty();
    }

    [Fact]
    public async Task Invalid_fields_followed_by_a_NUL_are_not_a_default_session()
    {
        await using var server = await Servers.StartAsync();
        var bytes = System.Text.Encoding.UTF8.GetBytes("{\"avatar_id\":\"no-such-avatar\",\"quality\":\"ultra\"}").Append((byte)0).ToArray();

        var (status, _) = await PostBytesAsync(server, "/v1/streaming/new", bytes);

        status.Should().Be(HttpStatusCode.BadRequest);
        server.Sessions.Should().BeEmpty();
    }

    [Theory]
    [InlineData("120.0")]
    [InlineData("1.2e2")]
    [InlineData("1200e-1")]
    public async Task An_integral_number_in_any_notation_is_an_integer(string idle)
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);

        var answer = await api.SendAsync(HttpMethod.Post, "/v1/streaming/new", $"{{\"activity_idle_timeout\":{idle}}}", null);

        answer.Status.Should().Be(HttpStatusCode.OK, answer.Text);
        server.Sessions.Should().ContainSingle();
    }

    [Theory]
    [InlineData("120.5", "must be an integer")]
    [InlineData("1e400", "must be an integer")]
    [InlineData("2.9e1", "must be between 30 and 3600")]
    public async Task A_fraction_an_infinite_number_or_an_integral_value_out_of_range_is_refused(string idle, string reason)
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);

        var answer = await api.SendAsync(HttpMethod.Post, "/v1/streaming/new", $"{{\"activity_idle_timeout\":{idle}}}", null);

        answer.ShouldBeError(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        answer.ErrorField.Should().Be("activity_idle_timeout");
        answer.ErrorMessage.Should().Contain(reason);
    }

    [Fact]
    public async Task The_last_history_page_number_does_not_overflow_into_page_one()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        await api.NewSessionAsync();

        var answer = await api.GetAsync("/v1/streaming/sessions/history?page=2147483647&page_size=100");

        answer.Status.Should().Be(HttpStatusCode.OK, answer.Text);
        answer.Body.GetProperty("page").GetInt32().Should().Be(int.MaxValue);
        answer.Data.GetArrayLength().Should().Be(0);
        var hasNext = answer.Body.TryGetProperty("next_pagination_token", out var next) && next.ValueKind == JsonValueKind.String;
        hasNext.Should().BeFalse(answer.Text);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PostBytesAsync(KonProFakeServer server, string path, byte[] bytes)
    {
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Add("x-api-key", server.ApiKey);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return (response.StatusCode, document.RootElement.Clone());
    }
}
