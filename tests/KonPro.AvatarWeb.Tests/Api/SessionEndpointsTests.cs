using System.Net;
using System.Net.Http.Json;
using System.Reactive.Linq;
using System.Text.Json;
using KonPro.AvatarWeb.Tests.Support;
using KonPro.Streaming.Testing;

namespace KonPro.AvatarWeb.Tests.Api;

/// <summary>The page's API over the sample in-process, on its embedded fake (no browser, no room).</summary>
public sealed class SessionEndpointsTests
{
    [Fact]
    public async Task Starting_a_session_hands_the_page_the_room_url_and_the_user_token_and_nothing_else()
    {
        await using var app = new AvatarWebApp();
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/api/sessions", content: null);
        var body = await response.Content.ReadAsStringAsync();

        response.StatusCode.Should().Be(HttpStatusCode.Created, body);
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        root.EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo(["id", "room"]);
        root.GetProperty("room").EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo(["url", "token"]);
        var id = root.GetProperty("id").GetString()!;
        var session = app.Sessions.Find(id)!;
        var newAnswer = app.Fake.Journal.RestCalls.Single(c => c.OperationId == KonProOperationIds.NewSession);
        using var created = JsonDocument.Parse(newAnswer.ResponseBody!);
        var data = created.RootElement.GetProperty("data");
        root.GetProperty("room").GetProperty("token").GetString().Should().Be(data.GetProperty("access_token").GetString(), "the browser joins as the user participant");
        body.Should().NotContain(data.GetProperty("livekit_agent_token").GetString()!, "the agent's token stays on the server")
            .And.NotContain(app.Fake.ApiKey)
            .And.NotContain(SessionTokens(app.Fake).Single())
            .And.NotContain(session.SessionId, "the page addresses its session by the app's own id");
        response.Headers.Location!.ToString().Should().Be($"/api/sessions/{id}");
    }

    [Fact]
    public async Task A_typed_message_becomes_a_user_turn_and_an_assistant_turn_streamed_to_the_page_as_server_sent_events()
    {
        await using var app = new AvatarWebApp();
        using var client = app.CreateClient();
        var id = await StartAsync(client);
        await using var events = await SseStream.OpenAsync(client, $"/api/sessions/{id}/events");

        using var sent = await client.PostAsJsonAsync($"/api/sessions/{id}/messages", new { text = "Where is the shop?" });

        sent.StatusCode.Should().Be(HttpStatusCode.Accepted);
        events.ContentType.Should().Be("text/event-stream");
        var user = await events.WaitForAsync(e => e.Type == "turn" && e.Text("role") == "user", "user turn");
        user.Text("text").Should().Be("Where is the shop?");
        user.Text("source").Should().Be("typed");
        var assistant = await events.WaitForAsync(e => e.Type == "turn" && e.Text("role") == "assistant", "assistant turn");
        assistant.Text("text").Should().Contain("museum shop");
        assistant.Flag("interrupted").Should().BeFalse();
        assistant.Data.GetProperty("firstSpeechMs").GetDouble().Should().BeGreaterThan(0);
        await events.WaitForAsync(e => e.Type == "state" && e.Text("state") == "talking", "the avatar talking");
        await events.WaitForAsync(e => e.Type == "caption", "the avatar's words");
        long.Parse(assistant.Id, System.Globalization.CultureInfo.InvariantCulture).Should().BeGreaterThan(long.Parse(user.Id, System.Globalization.CultureInfo.InvariantCulture));
        app.Sessions.Find(id)!.History.Select(m => m.Text).Should().Contain("Where is the shop?");
    }

    [Fact]
    public async Task A_reconnecting_event_stream_resumes_after_its_last_event_id()
    {
        await using var app = new AvatarWebApp();
        using var client = app.CreateClient();
        var id = await StartAsync(client);
        using var sent = await client.PostAsJsonAsync($"/api/sessions/{id}/messages", new { text = "Hello" });
        await using (var first = await SseStream.OpenAsync(client, $"/api/sessions/{id}/events"))
        {
            await first.WaitForAsync(e => e.Type == "turn" && e.Text("role") == "user", "user turn");
        }

        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/sessions/{id}/events");
        var userTurnId = app.Sessions.Find(id)!.Events().Where(e => e.Type == "turn").Take(1);
        long seen = 0;
        using (userTurnId.Subscribe(e => seen = e.Seq))
        {
            seen.Should().BeGreaterThan(0);
        }

        client.DefaultRequestHeaders.Add("Last-Event-ID", seen.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await using var second = await SseStream.OpenAsync(client, $"/api/sessions/{id}/events");
        await second.WaitForAsync(e => e.Type == "turn" && e.Text("role") == "assistant", "assistant turn");

        second.Events.Should().NotContain(e => e.Type == "turn" && e.Text("role") == "user", "the page has it already");
        second.Events.Where(e => e.Type != "connected").Select(e => long.Parse(e.Id, System.Globalization.CultureInfo.InvariantCulture)).Should().OnlyContain(n => n > seen);
        request.Dispose();
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task An_empty_message_is_refused(string text)
    {
        await using var app = new AvatarWebApp();
        using var client = app.CreateClient();
        var id = await StartAsync(client);

        using var response = await client.PostAsJsonAsync($"/api/sessions/{id}/messages", new { text });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("text");
    }

    [Fact]
    public async Task A_message_over_the_task_limit_is_refused()
    {
        await using var app = new AvatarWebApp();
        using var client = app.CreateClient();
        var id = await StartAsync(client);

        using var response = await client.PostAsJsonAsync($"/api/sessions/{id}/messages", new { text = new string('a', AvatarApi.MaxMessageLength + 1) });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_unknown_session_is_not_found_on_every_endpoint()
    {
        await using var app = new AvatarWebApp();
        using var client = app.CreateClient();

        (await client.GetAsync("/api/sessions/nope/events")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await client.PostAsJsonAsync("/api/sessions/nope/messages", new { text = "hi" })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await client.DeleteAsync("/api/sessions/nope")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await client.PostAsync("/api/sessions/nope/leave", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_page_is_served_with_its_bundle()
    {
        await using var app = new AvatarWebApp();
        using var client = app.CreateClient();

        var page = await client.GetStringAsync("/");
        using var bundle = await client.GetAsync("/js/app.js");

        page.Should().Contain("<video id=\"avatar-video\"").And.Contain("js/app.js");
        bundle.StatusCode.Should().Be(HttpStatusCode.OK, "the build bundles livekit-client and the page's script with esbuild");
        (await bundle.Content.ReadAsStringAsync()).Should().Contain("/api/sessions");
    }

    internal static async Task<string> StartAsync(HttpClient client)
    {
        using var response = await client.PostAsync("/api/sessions", content: null);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("id").GetString()!;
    }

    internal static IEnumerable<string> SessionTokens(KonProFakeServer fake) =>
        fake.Journal.RestCalls.Where(c => c.OperationId == KonProOperationIds.CreateToken)
            .Select(c => JsonDocument.Parse(c.ResponseBody!).RootElement.GetProperty("data").GetProperty("token").GetString()!);
}
