using KonPro.Streaming.Testing.Tests.Support;

namespace KonPro.Streaming.Testing.Tests.Limits;

public sealed class JournalBoundTests
{
    [Fact]
    public async Task The_journal_and_the_request_log_keep_the_latest_entries_dropping_the_oldest_first()
    {
        await using var server = await Servers.StartAsync(o =>
        {
            o.MaxJournalEntries = 5;
            o.MaxRequestLogCount = 5;
        });
        using var api = new ApiClient(server);

        for (var i = 0; i < 12; i++)
        {
            await api.GetAsync($"/v1/streaming/sessions/history?page={i + 1}");
        }

        server.Journal.RestCalls.Select(c => c.Route).Should().HaveCount(5);
        server.Journal.RestCalls.Select(c => c.ResponseBody).Should().AllSatisfy(b => b.Should().Contain("\"page\":"));
        server.Journal.RestCalls[0].ResponseBody.Should().Contain("\"page\":8,");
        server.Journal.RestCalls[^1].ResponseBody.Should().Contain("\"page\":12,");
        server.WireMock.LogEntries.Should().HaveCountLessThanOrEqualTo(5);
    }

    [Fact]
    public async Task The_request_log_is_trimmed_in_batches_to_at_most_a_tenth_over_its_bound_keeping_the_newest()
    {
        await using var server = await Servers.StartAsync(o => o.MaxRequestLogCount = 50);
        using var api = new ApiClient(server);

        for (var i = 0; i < 130; i++)
        {
            await api.GetAsync($"/v1/streaming/sessions/history?page={i + 1}");
        }

        var log = server.WireMock.LogEntries;
        log.Count.Should().BeInRange(50, 55);
        log.Select(e => e.RequestMessage!.Query!["page"][0]).Should().Contain("130").And.NotContain("1");
    }

    [Fact]
    public async Task Requests_to_paths_outside_the_API_are_logged_by_WireMock_and_bounded_too()
    {
        await using var server = await Servers.StartAsync(o => o.MaxRequestLogCount = 20);
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };

        for (var i = 0; i < 45; i++)
        {
            using var response = await http.GetAsync($"/not-an-api-path?n={i}");
            response.StatusCode.Should().Be(System.Net.HttpStatusCode.NotFound);
        }

        var log = server.WireMock.LogEntries;
        log.Count.Should().BeInRange(20, 22);
        log[^1].RequestMessage!.Query!["n"][0].Should().Be("44");
        log.Select(e => e.RequestMessage!.Query!["n"][0]).Should().NotContain("0");
    }

    [Fact]
    public async Task Chat_messages_are_journaled_up_to_the_bound_too()
    {
        await using var server = await Servers.StartAsync(o => o.MaxJournalEntries = 3);
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        await using var chat = await ChatClient.ConnectAsync(server, sessionId, token);

        for (var i = 0; i < 6; i++)
        {
            await chat.SendTextAsync($"message {i}");
        }

        await ChatLimitTests.WaitUntilAsync(() => server.Journal.ChatFrames.LastOrDefault()?.Text == "message 5");
        server.Journal.ChatFrames.Select(f => f.Text).Should().Equal("message 3", "message 4", "message 5");
    }
}
