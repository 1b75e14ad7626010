using System.Net;
using System.Net.Http.Json;
using KonPro.AvatarWeb.Tests.Support;
using KonPro.Streaming.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static KonPro.AvatarWeb.Tests.Api.SessionEndpointsTests;

namespace KonPro.AvatarWeb.Tests.Api;

/// <summary>Every way out ends the session, releases what it owns and stops it on the service (the fake's journal shows <c>stop</c>).</summary>
public sealed class SessionLifetimeTests
{
    [Fact]
    public async Task Stop_ends_the_session_tells_the_page_and_stops_it_on_the_service()
    {
        await using var app = new AvatarWebApp();
        using var client = app.CreateClient();
        var id = await StartAsync(client);
        var session = app.Sessions.Find(id)!;
        await using var events = await SseStream.OpenAsync(client, $"/api/sessions/{id}/events");

        using var response = await client.DeleteAsync($"/api/sessions/{id}");

        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        session.Ended.IsCompleted.Should().BeTrue();
        session.EndReason.Should().Be("stopped");
        (await events.WaitForAsync(e => e.Type == "ended", "ended")).Text("reason").Should().Be("stopped");
        await app.WaitForAsync(() => events.Ended, "the event stream to close");
        StopsOf(app.Fake, session.SessionId).Should().Be(1);
        app.Fake.GetSession(session.SessionId)!.Status.Should().Be(Streaming.Api.SessionStatus.Closed);
        app.Sessions.Find(id).Should().BeNull();
        (await client.PostAsJsonAsync($"/api/sessions/{id}/messages", new { text = "hi" })).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_page_whose_event_stream_closed_and_stayed_away_ends_its_session()
    {
        await using var app = new AvatarWebApp();
        using var client = app.CreateClient();
        var id = await StartAsync(client);
        var session = app.Sessions.Find(id)!;
        var events = await SseStream.OpenAsync(client, $"/api/sessions/{id}/events");
        app.Scheduler.AdvanceBy(TimeSpan.FromMinutes(1));
        session.Ended.IsCompleted.Should().BeFalse("the page is connected");

        await events.DisposeAsync(); // the tab is closed
        await app.AdvanceUntilAsync(TimeSpan.FromSeconds(1), () => session.Ended.IsCompleted, "the session to end");

        session.EndReason.Should().Be("page_closed");
        await app.WaitForAsync(() => StopsOf(app.Fake, session.SessionId) == 1, "stop on the fake");
    }

    [Fact]
    public async Task The_pages_leave_beacon_ends_its_session_at_once()
    {
        await using var app = new AvatarWebApp();
        using var client = app.CreateClient();
        var id = await StartAsync(client);
        var session = app.Sessions.Find(id)!;

        using var response = await client.PostAsync($"/api/sessions/{id}/leave", content: null);

        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        session.EndReason.Should().Be("page_closed");
        StopsOf(app.Fake, session.SessionId).Should().Be(1);
    }

    [Fact]
    public async Task An_idle_session_ends_after_the_idle_timeout_and_activity_puts_it_off()
    {
        await using var app = new AvatarWebApp(new() { ["AvatarWeb:IdleTimeout"] = "00:02:00", ["AvatarWeb:PageGone"] = "01:00:00" });
        using var client = app.CreateClient();
        var id = await StartAsync(client);
        var session = app.Sessions.Find(id)!;

        app.Scheduler.AdvanceBy(TimeSpan.FromSeconds(90));
        using (var sent = await client.PostAsJsonAsync($"/api/sessions/{id}/messages", new { text = "Still here" }))
        {
            sent.StatusCode.Should().Be(HttpStatusCode.Accepted);
        }

        app.Scheduler.AdvanceBy(TimeSpan.FromSeconds(90));
        session.Ended.IsCompleted.Should().BeFalse("typing restarted the idle clock");
        await app.AdvanceUntilAsync(TimeSpan.FromSeconds(10), () => session.Ended.IsCompleted, "the idle timeout");

        session.EndReason.Should().Be("idle_timeout");
        await app.WaitForAsync(() => StopsOf(app.Fake, session.SessionId) == 1, "stop on the fake");
    }

    [Fact]
    public async Task Server_shutdown_ends_every_session_and_several_browsers_get_several_sessions()
    {
        var app = new AvatarWebApp();
        KonProFakeServer fake;
        List<Sessions.AvatarWebSession> sessions;
        await using (app)
        {
            using var client = app.CreateClient();
            var ids = new[] { await StartAsync(client), await StartAsync(client), await StartAsync(client) };
            ids.Should().OnlyHaveUniqueItems();
            sessions = [.. ids.Select(id => app.Sessions.Find(id)!)];
            sessions.Select(s => s.SessionId).Should().OnlyHaveUniqueItems("each browser gets its own KonPro session");
            app.Sessions.Count.Should().Be(3);
            fake = app.Fake;
        }

        sessions.Should().OnlyContain(s => s.EndReason == "server_shutdown");
        sessions.Should().OnlyContain(s => StopsOf(fake, s.SessionId) == 1);
    }

    [Fact]
    public async Task At_server_shutdown_an_open_event_stream_tells_the_page_before_it_closes()
    {
        await using var app = new AvatarWebApp();
        using var client = app.CreateClient();
        var id = await StartAsync(client);
        await using var events = await SseStream.OpenAsync(client, $"/api/sessions/{id}/events");

        app.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

        // The streams close as the server starts stopping, before the sessions end: the page hears why from the stream.
        (await events.WaitForAsync(e => e.Type == "ended", "ended at shutdown")).Text("reason").Should().Be("server_shutdown");
        await app.WaitForAsync(() => events.Ended, "the event stream to close");
    }

    [Fact]
    public async Task Beyond_the_session_limit_a_start_is_refused_until_one_ends()
    {
        await using var app = new AvatarWebApp(new() { ["AvatarWeb:MaxSessions"] = "1" });
        using var client = app.CreateClient();
        var id = await StartAsync(client);

        using (var refused = await client.PostAsync("/api/sessions", content: null))
        {
            refused.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        }

        (await client.DeleteAsync($"/api/sessions/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        await StartAsync(client);
    }

    [Fact]
    public async Task The_service_ending_the_session_ends_it_in_the_app_too()
    {
        await using var app = new AvatarWebApp();
        using var client = app.CreateClient();
        var id = await StartAsync(client);
        var session = app.Sessions.Find(id)!;

        // Someone stops the KonPro session behind the app's back (the service's own idle timeout does the same).
        using (var http = new HttpClient { BaseAddress = new Uri(app.Fake.Url) })
        {
            http.DefaultRequestHeaders.Add("x-api-key", app.Fake.ApiKey);
            (await http.PostAsJsonAsync("/v1/streaming/stop", new { session_id = session.SessionId })).EnsureSuccessStatusCode();
        }

        await session.Ended.WaitAsync(AvatarWebApp.Patience);
        session.EndReason.Should().Be("service_ended");
        app.Sessions.Find(id).Should().BeNull();
    }

    private static int StopsOf(KonProFakeServer fake, string sessionId) =>
        fake.Journal.RestCalls.Count(c => c.OperationId == KonProOperationIds.StopSession && c.SessionId == sessionId);
}
