using System.Net;
using KonPro.Streaming.Testing.Tests.Cors;
using KonPro.Streaming.Testing.Tests.Support;

namespace KonPro.Streaming.Testing.Tests.Room;

/// <summary>
/// The room's plain HTTP answers, as livekit-client in a page on another origin probes them (<c>HEAD &lt;url&gt;</c>
/// before joining, <c>GET &lt;url&gt;/rtc/validate</c> after a failed join): with CORS like the REST API's. Nothing joins
/// the room here, but the room program only runs inside the network namespace (eng/netns-run), as every room test.
/// </summary>
[Trait("Category", "Room")]
[Collection(RoomProgramCollection.Name)]
public sealed class RoomHttpTests
{
    private const string Page = "http://app.konpro-test.invalid:3000";

    [SkippableFact]
    public async Task The_room_answers_a_page_probe_and_preflight_with_CORS()
    {
        RoomNamespace.RequireAddress();
        var options = new KonProFakeServerOptions { TimeScale = 0.5 };
        options.Room.Enabled = true;
        await using var server = await KonProFakeServer.StartAsync(options);
        var room = await RoomHttpUrlAsync(server);
        using var http = new HttpClient { Timeout = NodeRoomClient.Wait };

        using var head = new HttpRequestMessage(HttpMethod.Head, room);
        head.Headers.Add("Origin", Page);
        using var probed = await http.SendAsync(head);
        using var preflight = await http.SendAsync(Preflight(new Uri(room, "rtc/validate")));
        using var validate = new HttpRequestMessage(HttpMethod.Get, new Uri(room, "rtc/validate?access_token=x"));
        validate.Headers.Add("Origin", Page);
        validate.Headers.Add("Authorization", "Bearer x");
        using var validated = await http.SendAsync(validate);

        probed.StatusCode.Should().Be(HttpStatusCode.OK);
        CorsTests.Header(probed, "Access-Control-Allow-Origin").Should().Be(Page);
        CorsTests.Header(probed, "Access-Control-Allow-Credentials").Should().Be("true");
        preflight.StatusCode.Should().Be(HttpStatusCode.NoContent);
        CorsTests.Header(preflight, "Access-Control-Allow-Origin").Should().Be(Page);
        CorsTests.Header(preflight, "Access-Control-Allow-Methods").Should().Contain("GET");
        CorsTests.Header(preflight, "Access-Control-Allow-Headers")!.Split(", ").Should().Contain(["authorization", "content-type", "x-api-key"]);
        CorsTests.Header(preflight, "Access-Control-Max-Age").Should().NotBeNull();
        validated.StatusCode.Should().Be(HttpStatusCode.OK);
        CorsTests.Header(validated, "Access-Control-Allow-Origin").Should().Be(Page);
    }

    [SkippableFact]
    public async Task The_room_refuses_signalling_v1_the_way_livekit_client_falls_back_from()
    {
        RoomNamespace.RequireAddress();
        var options = new KonProFakeServerOptions { TimeScale = 0.5 };
        options.Room.Enabled = true;
        await using var server = await KonProFakeServer.StartAsync(options);
        var room = await RoomHttpUrlAsync(server);
        using var http = new HttpClient { Timeout = NodeRoomClient.Wait };

        using var validate = new HttpRequestMessage(HttpMethod.Get, new Uri(room, "rtc/v1/validate?access_token=x&join_request=AA"));
        validate.Headers.Add("Origin", Page);
        using var validated = await http.SendAsync(validate);
        var text = await validated.Content.ReadAsStringAsync();

        // livekit-client 2.15+ joins at /rtc/v1 first and goes back to /rtc only when this answers 404 without
        // "requested room does not exist" (which it takes as a refusal of the token).
        validated.StatusCode.Should().Be(HttpStatusCode.NotFound);
        text.Should().NotContain("requested room does not exist");
        CorsTests.Header(validated, "Access-Control-Allow-Origin").Should().Be(Page);
    }

    [SkippableFact]
    public async Task The_room_follows_the_server_list_of_origins()
    {
        RoomNamespace.RequireAddress();
        var options = new KonProFakeServerOptions { TimeScale = 0.5 };
        options.Room.Enabled = true;
        options.CorsOrigins.Clear();
        options.CorsOrigins.Add("http://other.konpro-test.invalid");
        await using var server = await KonProFakeServer.StartAsync(options);
        var room = await RoomHttpUrlAsync(server);
        using var http = new HttpClient { Timeout = NodeRoomClient.Wait };

        using var preflight = await http.SendAsync(Preflight(new Uri(room, "rtc/validate")));

        preflight.StatusCode.Should().Be(HttpStatusCode.NoContent);
        CorsTests.Header(preflight, "Access-Control-Allow-Origin").Should().BeNull("the page's origin is not in the list");
    }

    private static HttpRequestMessage Preflight(Uri url)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, url);
        request.Headers.Add("Origin", Page);
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "authorization");
        return request;
    }

    /// <summary>The room's URL of a new session, as http (what livekit-client's probes fetch), ending in a slash.</summary>
    private static async Task<Uri> RoomHttpUrlAsync(KonProFakeServer server)
    {
        using var api = new ApiClient(server);
        var token = await api.CreateTokenAsync();
        var created = await api.PostAsync("/v1/streaming/new", new { activity_idle_timeout = 3600 }, Credential.Bearer(token));
        created.Status.Should().Be(HttpStatusCode.OK, created.Text);
        var url = created.Data.GetProperty("url").GetString()!;
        return new Uri(url.Replace("ws://", "http://", StringComparison.Ordinal).Replace("wss://", "https://", StringComparison.Ordinal).TrimEnd('/') + "/");
    }
}
