using System.Collections.Concurrent;
using KonPro.Streaming.Testing;
using KonPro.Streaming.Tests.Support;
using Microsoft.Extensions.Logging;

namespace KonPro.Streaming.Tests.Errors;

/// <summary>
/// A server that echoes a credential in an error body (its own message, a request id, a raw dump of the request,
/// JSON-escaped or URL-encoded): the SDK's exception (message, ToString, every property) and its logs never repeat
/// it, over real HTTP against the fake.
/// </summary>
public sealed class EchoedCredentialTests
{
    // '+', '/' and '=' are escaped by JSON writers (\u002B, \/) and URL encoders (%2B, %2F, %3D).
    private const string Key = "sk-live+Echo/Me==0123456789abcdef";

    public static TheoryData<string, int, string> EchoingBodies() => new()
    {
        { "in the request id", 500, $$"""{"error":{"code":"PROCESSING_ERROR","message":"boom"},"request_id":"{{Key}}"}""" },
        { "JSON-escaped in a detail object", 400, """{"detail":{"x-api-key":"sk-live\u002BEcho\/Me\u003D\u003D0123456789abcdef"}}""" },
        { "URL-encoded in the message", 401, """{"error":{"code":"INVALID_API_KEY","message":"refused x-api-key=sk-live%2BEcho%2FMe%3D%3D0123456789abcdef"}}""" },
        { "split by the SDK's cut of a body that is not JSON (at 200 characters)", 502, new string('x', 179) + " " + Key + " and more text after it" },
        { "JSON-escaped in a success answer that is not a complete result", 200, """{"code":100,"message":"success","data":{"echo":"sk-live\u002BEcho\/Me\u003D\u003D0123456789abcdef"}}""" },
    };

    [Theory]
    [MemberData(nameof(EchoingBodies))]
    public async Task An_api_key_echoed_by_the_server_is_masked_in_the_exception_and_the_logs(string where, int status, string body)
    {
        await using var scope = await FakeServerScope.StartAsync(o =>
        {
            o.ApiKeys.Clear();
            o.ApiKeys.Add(Key);
        });
        var logs = new ConcurrentQueue<string>();
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new QueueLoggerProvider(logs)));
        var avatar = new StreamingAvatar(scope.ApiKeyConfig(), scope.Http, new StreamingAvatarOptions { LoggerFactory = factory });
        await using var _ = avatar;
        scope.Server.Faults.FailNext(KonProOperationIds.NewSession, 1, FaultAnswer.Raw(status, body));

        var exception = await Assert.ThrowsAnyAsync<KonProApiException>(() => avatar.CreateStartAvatarAsync(new StartAvatarRequest()));

        var seen = string.Join(
            '\n',
            [exception.Message, exception.ToString(), exception.ApiMessage, exception.ErrorCode, exception.Field, exception.RequestId, .. logs]);
        foreach (var form in Forms(Key))
        {
            seen.Should().NotContain(form, "the key was echoed {0}", where);
        }

        // Not even a part of it: the first half of the key is as good as gone, but never printed.
        seen.Should().NotContain("Echo", "the key was echoed {0}", where);
    }

    [Fact]
    public async Task Every_credential_of_the_session_is_masked_when_a_later_answer_echoes_it()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync();
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        using var answer = System.Text.Json.JsonDocument.Parse(scope.Calls(KonProOperationIds.NewSession).Single().ResponseBody);
        var agentToken = answer.RootElement.GetProperty("data").GetProperty("livekit_agent_token").GetString()!;
        var secrets = new[] { session.AccessToken, agentToken, session.RealtimeEndpoint! };
        scope.Server.Faults.FailNext(
            KonProOperationIds.SendTask,
            1,
            FaultAnswer.Error(500, "PROCESSING_ERROR", $"room token {secrets[0]}, agent token {secrets[1]}, endpoint {secrets[2]}"));

        var exception = await Assert.ThrowsAnyAsync<KonProApiException>(() => avatar.SpeakAsync(new SpeakRequest { Text = "Hi.", TaskMode = TaskMode.Async }));

        foreach (var secret in secrets)
        {
            secret.Should().NotBeNullOrEmpty();
            exception.ToString().Should().NotContain(secret);
        }
    }

    private static IEnumerable<string> Forms(string secret) =>
    [
        secret,
        Uri.EscapeDataString(secret),
        System.Text.Json.JsonEncodedText.Encode(secret).ToString(),
        secret.Replace("/", "\\/", StringComparison.Ordinal),
    ];

    private sealed class QueueLoggerProvider(ConcurrentQueue<string> messages) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new QueueLogger(messages);

        public void Dispose()
        {
        }

        private sealed class QueueLogger(ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                messages.Enqueue(formatter(state, exception) + " " + exception);
        }
    }
}
