using System.Net;
using System.Text.Json;
using KonPro.Streaming.Testing.Tests.Support;

namespace KonPro.Streaming.Testing.Tests.Rest;

public sealed class AccountTests
{
    [Fact]
    public async Task The_active_list_shows_open_sessions_only_with_their_status()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (_, fresh) = await api.NewSessionAsync(start: false);
        var (token, started) = await api.NewSessionAsync();
        var (stoppedToken, stopped) = await api.NewSessionAsync();
        await api.PostAsync("/v1/streaming/stop", new { session_id = stopped }, Credential.Bearer(stoppedToken));
        await using var chat = await ChatClient.ConnectAsync(server, started, token);
        await Chat.ChatSocketTests.WaitForSocketAsync(server, started, 1);

        var list = await api.GetAsync("/v1/streaming/sessions");

        var sessions = list.Data.GetProperty("sessions").EnumerateArray()
            .ToDictionary(s => s.GetProperty("session_id").GetString()!, s => s.GetProperty("status").GetString());
        sessions.Should().BeEquivalentTo(new Dictionary<string, string?> { [fresh] = "new", [started] = "connected" });
    }

    [Fact]
    public async Task The_history_pages_by_page_and_by_cursor_newest_first_with_the_list_as_data_and_the_pagination_beside_it()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await api.NewSessionAsync(start: false)).SessionId);
        }

        var first = await api.GetAsync("/v1/streaming/sessions/history?page=1&page_size=2");
        var cursor = first.Body.GetProperty("next_pagination_token").GetString();
        var second = await api.GetAsync($"/v1/streaming/sessions/history?page_size=2&token={cursor}");
        var third = await api.GetAsync("/v1/streaming/sessions/history?page=3&page_size=2");

        // As HeyGen documents its list-sessions v2: data is the list, the pagination is beside it at the top level.
        first.Data.ValueKind.Should().Be(JsonValueKind.Array);
        first.Body.EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo("code", "message", "data", "total", "page", "page_size", "next_pagination_token");
        first.Body.GetProperty("total").GetInt32().Should().Be(5);
        first.Body.GetProperty("page").GetInt32().Should().Be(1);
        first.Body.GetProperty("page_size").GetInt32().Should().Be(2);
        Ids(first).Should().Equal(ids[4], ids[3]);
        Ids(second).Should().Equal(ids[2], ids[1]);
        second.Body.GetProperty("page").GetInt32().Should().Be(2);
        Ids(third).Should().Equal(ids[0]);
        third.Body.GetProperty("next_pagination_token").ValueKind.Should().Be(JsonValueKind.Null, "the last page has no next page (documented nullable, so present)");
    }

    [Fact]
    public async Task The_history_filters_by_status_and_dates()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, stopped) = await api.NewSessionAsync();
        await api.NewSessionAsync(start: false);
        await api.PostAsync("/v1/streaming/stop", new { session_id = stopped }, Credential.Bearer(token));

        var closed = await api.GetAsync("/v1/streaming/sessions/history?status=closed");
        var future = await api.GetAsync($"/v1/streaming/sessions/history?date_from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(1).ToString("O"))}");
        var past = await api.GetAsync($"/v1/streaming/sessions/history?date_to={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(1).ToString("O"))}");

        Ids(closed).Should().Equal(stopped);
        closed.Data[0].GetProperty("api_key_type").GetString().Should().Be("session_token");
        closed.Data[0].GetProperty("avatar_id").GetString().Should().Be("default");
        closed.Data[0].GetProperty("voice_name").GetString().Should().Be("en-US-1");
        Ids(future).Should().BeEmpty();
        Ids(past).Should().HaveCount(2);
    }

    [Theory]
    [InlineData("page=0", "page")]
    [InlineData("page_size=101", "page_size")]
    [InlineData("page_size=abc", "page_size")]
    [InlineData("date_from=yesterday", "date_from")]
    [InlineData("status=sleeping", "status")]
    [InlineData("token=bogus", "token")]
    public async Task Bad_history_queries_are_validation_errors(string query, string field)
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);

        var answer = await api.GetAsync($"/v1/streaming/sessions/history?{query}");

        answer.ShouldBeError(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        answer.ErrorField.Should().Be(field);
    }

    [Fact]
    public async Task Avatars_are_seeded_and_listable()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);

        var answer = await api.GetAsync("/v1/streaming/avatars");

        answer.Data.EnumerateArray().Select(a => a.GetProperty("avatar_id").GetString()).Should().Contain("default");
        answer.Data.EnumerateArray().Select(a => a.GetProperty("status").GetString()).Should().OnlyContain(s => s == "ACTIVE" || s == "INACTIVE");
    }

    [Fact]
    public async Task Knowledge_bases_are_created_updated_deleted_with_unique_names()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);

        var created = await api.PostAsync("/v1/streaming/knowledge_base/create", new { name = "Cooking", opening = "Hungry?", prompt = "You are a chef." });
        var id = created.Data.GetProperty("knowledge_base_id").GetString()!;
        created.Data.GetProperty("status").GetString().Should().Be("created");
        (await api.PostAsync("/v1/streaming/knowledge_base/create", new { name = "Cooking" })).ShouldBeError(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        (await api.PostAsync("/v1/streaming/knowledge_base/create", new { name = "" })).ErrorField.Should().Be("name");

        var updated = await api.PostAsync($"/v1/streaming/knowledge_base/{id}/update", new { name = "Baking", opening = "Cake?", prompt = "You bake." });
        updated.Data.GetProperty("status").GetString().Should().Be("updated");
        (await api.PostAsync($"/v1/streaming/knowledge_base/{id}/update", new { name = "Support" })).ShouldBeError(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        var list = await api.GetAsync("/v1/streaming/knowledge_base/list");
        list.Data.GetProperty("knowledge_bases").EnumerateArray().Should().Contain(k => k.GetProperty("id").GetString() == id && k.GetProperty("name").GetString() == "Baking");

        (await api.DeleteAsync($"/v1/streaming/knowledge_base/{id}")).Data.GetProperty("status").GetString().Should().Be("deleted");
        (await api.DeleteAsync($"/v1/streaming/knowledge_base/{id}")).ShouldBeError(HttpStatusCode.NotFound, "RESOURCE_NOT_FOUND");
        (await api.PostAsync($"/v1/streaming/knowledge_base/{id}/update", new { name = "Again" })).ShouldBeError(HttpStatusCode.NotFound, "RESOURCE_NOT_FOUND");
    }

    [Theory]
    [InlineData("/v1/streaming.create_token", "POST", "createToken")]
    [InlineData("/v1/streaming.list", "GET", "listSessions")]
    [InlineData("/v2/streaming.list", "GET", "listSessionHistory")]
    [InlineData("/v1/streaming/avatar.list", "GET", "listAvatars")]
    public async Task The_older_dotted_aliases_answer_like_the_routes(string path, string method, string operationId)
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);

        var answer = await api.SendAsync(new HttpMethod(method), path, method == "POST" ? "{}" : null, null);

        answer.Status.Should().Be(HttpStatusCode.OK, answer.Text);
        server.Journal.RestCalls.Should().ContainSingle(c => c.Route == path && c.OperationId == operationId);
    }

    [Fact]
    public async Task The_dotted_session_aliases_drive_a_session()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var token = await api.CreateTokenAsync();
        var bearer = Credential.Bearer(token);

        var sessionId = (await api.PostAsync("/v1/streaming.new", new { }, bearer)).Data.GetProperty("session_id").GetString();
        foreach (var op in new[] { "start", "start_listening", "stop_listening", "keep_alive", "interrupt" })
        {
            (await api.PostAsync($"/v1/streaming.{op}", new { session_id = sessionId }, bearer)).Status.Should().Be(HttpStatusCode.OK, op);
        }

        (await api.PostAsync("/v1/streaming.task", new { session_id = sessionId, text = "hi", task_mode = "async" }, bearer)).Status.Should().Be(HttpStatusCode.OK);
        (await api.PostAsync("/v1/streaming.stop", new { session_id = sessionId }, bearer)).Status.Should().Be(HttpStatusCode.OK);
        server.GetSession(sessionId!)!.Status.Should().Be(Api.SessionStatus.Closed);
    }

    [Theory]
    [InlineData("GET", "/v1/streaming/no_such_thing")]
    [InlineData("GET", "/v1/streaming/new")]
    [InlineData("PUT", "/v2/anything")]
    public async Task Unknown_routes_answer_404_in_the_error_envelope(string method, string path)
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);

        var answer = await api.SendAsync(new HttpMethod(method), path, null, null);

        answer.ShouldBeError(HttpStatusCode.NotFound, "RESOURCE_NOT_FOUND");
        server.Journal.RestCalls.Should().ContainSingle(c => c.OperationId == "unknown" && c.Route == path);
    }

    private static IEnumerable<string?> Ids(ApiAnswer page) =>
        page.Data.EnumerateArray().Select(s => s.GetProperty("session_id").GetString());
}
