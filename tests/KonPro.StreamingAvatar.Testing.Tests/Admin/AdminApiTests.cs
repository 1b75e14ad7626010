using System.Net;
using System.Text.Json;
using KonPro.Streaming.Testing.Tests.Support;

namespace KonPro.Streaming.Testing.Tests.Admin;

public sealed class AdminApiTests
{
    [Theory]
    [InlineData("/__admin/mappings")]
    [InlineData("/__admin/requests")]
    [InlineData("/__admin/settings")]
    [InlineData("/__admin/health")]
    public async Task Every_admin_endpoint_the_README_names_answers_200_with_a_chat_socket_open(string path)
    {
        await using var server = await Servers.StartAsync(o => o.StartAdminInterface = true);
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        await using var chat = await ChatClient.ConnectAsync(server, sessionId, token);
        await Chat.ChatSocketTests.WaitForSocketAsync(server, sessionId, 1);
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };

        using var response = await http.GetAsync(path);

        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
    }

    [Fact]
    public async Task The_mapping_listing_names_every_REST_route()
    {
        await using var server = await Servers.StartAsync(o => o.StartAdminInterface = true);
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };

        using var document = JsonDocument.Parse(await http.GetStringAsync("/__admin/mappings"));

        var text = document.RootElement.ToString();
        document.RootElement.GetArrayLength().Should().BeGreaterThan(15);
        text.Should().Contain("/v1/streaming/new").And.Contain("/v1/streaming/task").And.Contain("/v1/streaming.stop");
    }
}
