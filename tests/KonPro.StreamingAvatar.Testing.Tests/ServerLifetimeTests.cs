using System.Net.WebSockets;
using KonPro.Streaming.Testing.Tests.Chat;
using KonPro.Streaming.Testing.Tests.Support;

namespace KonPro.Streaming.Testing.Tests;

public sealed class ServerLifetimeTests
{
    [Fact]
    public async Task The_server_binds_loopback_on_a_free_port()
    {
        await using var first = await KonProFakeServer.StartAsync();
        await using var second = await KonProFakeServer.StartAsync();

        first.Url.Should().MatchRegex(@"^http://127\.0\.0\.1:\d+$");
        first.Url.Should().NotBe(second.Url);
        first.ChatUrl.ToString().Should().Be(first.Url.Replace("http://", "ws://", StringComparison.Ordinal) + "/v1/ws/streaming.chat");
        first.ApiKey.Should().Be(KonProFakeServerOptions.DefaultApiKey);
        first.WireMock.Urls.Should().ContainSingle().Which.TrimEnd('/').Should().Be(first.Url);
    }

    [Fact]
    public async Task Disposing_the_server_closes_its_sockets_1001()
    {
        var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        await using var chat = await ChatClient.ConnectAsync(server, sessionId, token);
        await ChatSocketTests.WaitForSocketAsync(server, sessionId, 1);

        await server.DisposeAsync();

        var closed = await chat.WaitClosedAsync();
        closed.Status.Should().Be(WebSocketCloseStatus.EndpointUnavailable);
        await server.DisposeAsync(); // idempotent
    }

    [Fact]
    public async Task A_client_reconnects_after_a_network_loss()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        await using var first = await ChatClient.ConnectAsync(server, sessionId, token);
        await ChatSocketTests.WaitForSocketAsync(server, sessionId, 1);
        server.Faults.AbortChat(sessionId);
        (await first.WaitClosedAsync()).Aborted.Should().BeTrue();

        await using var second = await ChatClient.ConnectAsync(server, sessionId, token);
        await second.SendTypedAsync("I am back");

        (await second.WaitForAsync("user_talking_message")).GetProperty("message").GetString().Should().Be("I am back");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public async Task A_time_scale_that_is_not_positive_is_rejected(double scale)
    {
        var start = () => KonProFakeServer.StartAsync(new KonProFakeServerOptions { TimeScale = scale });

        await start.Should().ThrowAsync<ArgumentOutOfRangeException>();
    }

    [Fact]
    public async Task An_empty_api_key_list_is_rejected()
    {
        var options = new KonProFakeServerOptions();
        options.ApiKeys.Clear();

        var start = () => KonProFakeServer.StartAsync(options);

        await start.Should().ThrowAsync<ArgumentException>();
    }
}
