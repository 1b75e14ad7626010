using KonPro.Streaming.Testing.Tests.Chat;
using KonPro.Streaming.Testing.Tests.Support;

namespace KonPro.Streaming.Testing.Tests;

public sealed class LoggingTests
{
    [Fact]
    public async Task Sessions_sockets_and_calls_are_logged_without_keys_or_tokens()
    {
        var logs = new CapturingLoggerProvider();
        await using var server = await Servers.StartAsync(o => o.LoggerFactory = logs);
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        await using (var chat = await ChatClient.ConnectAsync(server, sessionId, token))
        {
            await ChatSocketTests.WaitForSocketAsync(server, sessionId, 1);
        }

        await using (var refused = await ChatClient.ConnectAsync(server, sessionId, "st_wrong"))
        {
            await refused.WaitClosedAsync();
        }

        await api.PostAsync("/v1/streaming/stop", new { session_id = sessionId }, Credential.Bearer(token));

        var messages = logs.Messages;
        messages.Select(m => m.EventId).Should().Contain([1, 2, 3, 4, 5, 6]);
        messages.Should().Contain(m => m.EventId == 4 && m.Message.Contains(sessionId) && m.Message.Contains("1000 session_stopped"));
        messages.Should().NotContain(m => m.Message.Contains(server.ApiKey) || m.Message.Contains(token) || m.Message.Contains("st_wrong"));
    }
}
