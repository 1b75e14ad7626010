using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace KonPro.Streaming.Testing.Tests.Support;

/// <summary>A raw HTTP client of the fake: sends JSON, returns status, parsed body and headers.</summary>
internal sealed class ApiClient(KonProFakeServer server, HttpMessageHandler? handler = null) : IDisposable
{
    private readonly HttpClient _http = new(handler ?? new HttpClientHandler()) { BaseAddress = new Uri(server.Url), Timeout = TimeSpan.FromSeconds(30) };

    public KonProFakeServer Server { get; } = server;

    public Task<ApiAnswer> PostAsync(string path, object? body, Credential? credential = null) =>
        SendAsync(HttpMethod.Post, path, body is null ? null : body as string ?? JsonSerializer.Serialize(body), credential);

    public Task<ApiAnswer> GetAsync(string path, Credential? credential = null) => SendAsync(HttpMethod.Get, path, null, credential);

    public Task<ApiAnswer> DeleteAsync(string path, Credential? credential = null) => SendAsync(HttpMethod.Delete, path, null, credential);

    public async Task<ApiAnswer> SendAsync(HttpMethod method, string path, string? json, Credential? credential)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        var auth = credential ?? Credential.Key(Server.ApiKey);
        if (auth.ApiKey is not null)
        {
            request.Headers.Add("x-api-key", auth.ApiKey);
        }

        if (auth.Token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", auth.Token);
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(string.IsNullOrEmpty(text) ? "null" : text);
        return new ApiAnswer(response.StatusCode, document.RootElement.Clone(), text, response.Headers.RetryAfter?.Delta);
    }

    /// <summary>create_token with the server's API key.</summary>
    public async Task<string> CreateTokenAsync()
    {
        var answer = await PostAsync("/v1/streaming/create_token", new { });
        answer.Status.Should().Be(HttpStatusCode.OK, answer.Text);
        return answer.Body.GetProperty("data").GetProperty("token").GetString()!;
    }

    /// <summary>
    /// create_token, new (with the token and the given body) and optionally start. Without a body the session gets the
    /// longest idle timeout, so a slow, loaded machine does not close it in the middle of a test.
    /// </summary>
    public async Task<(string Token, string SessionId)> NewSessionAsync(object? body = null, bool start = true)
    {
        var token = await CreateTokenAsync();
        var created = await PostAsync("/v1/streaming/new", body ?? new { activity_idle_timeout = 3600 }, Credential.Bearer(token));
        created.Status.Should().Be(HttpStatusCode.OK, created.Text);
        var sessionId = created.Body.GetProperty("data").GetProperty("session_id").GetString()!;
        if (start)
        {
            var started = await PostAsync("/v1/streaming/start", new { session_id = sessionId }, Credential.Bearer(token));
            started.Status.Should().Be(HttpStatusCode.OK, started.Text);
        }

        return (token, sessionId);
    }

    public void Dispose() => _http.Dispose();
}

internal sealed record Credential(string? ApiKey, string? Token)
{
    public static Credential None { get; } = new(null, null);

    public static Credential Key(string key) => new(key, null);

    public static Credential Bearer(string token) => new(null, token);
}

internal sealed record ApiAnswer(HttpStatusCode Status, JsonElement Body, string Text, TimeSpan? RetryAfter)
{
    public string? ErrorCode => Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object
        ? e.GetProperty("code").GetString()
        : null;

    public string? ErrorMessage => Body.GetProperty("error").GetProperty("message").GetString();

    public string? ErrorField => Body.GetProperty("error").TryGetProperty("details", out var d) && d.ValueKind == JsonValueKind.Object
        ? d.GetProperty("field").GetString()
        : null;

    public JsonElement Data => Body.GetProperty("data");

    public void ShouldBeError(HttpStatusCode status, string code)
    {
        Status.Should().Be(status, Text);
        ErrorCode.Should().Be(code, Text);
    }
}
