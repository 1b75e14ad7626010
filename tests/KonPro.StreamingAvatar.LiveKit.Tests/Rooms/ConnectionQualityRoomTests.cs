using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using KonPro.Streaming.LiveKit.Tests.Native;
using KonPro.Streaming.Testing;

namespace KonPro.Streaming.LiveKit.Tests.Rooms;

/// <summary>
/// The connection quality over the wire: the fake's LiveKit room sends LiveKit's <c>connectionQuality</c> update (excellent
/// once the SDK's connection is up, then what <see cref="KonProFaults.SetConnectionQualityAsync"/> sets), the Rust core
/// raises it for the local participant, and the SDK's <see cref="StreamingAvatar.ConnectionQualityChanged"/> and
/// <see cref="StreamingAvatar.ConnectionQuality"/> follow. Only inside a network namespace (eng/netns-run).
/// </summary>
[Trait("Category", "Room")]
[Collection(FfiCollection.Name)]
public sealed class ConnectionQualityRoomTests
{
    [SkippableFact]
    public async Task The_room_reports_excellent_at_join_and_the_fault_makes_it_poor()
    {
        RoomNamespace.RequireAddress();
        await FfiCollection.WaitUntilStoppedAsync();
        await using var fake = await FakeSession.StartAsync(FakeEventDelivery.ChatOnly);
        await using var avatar = fake.NewRoomAvatar();
        var qualities = new ConcurrentQueue<ConnectionQuality>();
        using var recording = avatar.ConnectionQualityChanged.Subscribe(e => qualities.Enqueue(e.Quality));
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());

        await fake.WaitForAsync(() => Known(qualities).Count > 0, "the room's first connection quality update");
        Known(qualities)[0].Should().Be(ConnectionQuality.Good, "the room reports a fresh connection as excellent, which the SDK reads as good");
        avatar.ConnectionQuality.Should().Be(ConnectionQuality.Good);

        var reached = await fake.Server.Faults.SetConnectionQualityAsync(RoomConnectionQuality.Poor, avatar.SessionId);

        reached.Should().Be(1, "the session's room has one client: the SDK");
        await fake.WaitForAsync(() => Known(qualities).Contains(ConnectionQuality.Bad), "the SDK's ConnectionQualityChanged after the fault");
        Known(qualities).Should().Equal(ConnectionQuality.Good, ConnectionQuality.Bad);
        avatar.ConnectionQuality.Should().Be(ConnectionQuality.Bad, "poor reads as bad");
        await avatar.StopAvatarAsync();
    }

    [SkippableFact]
    public async Task A_fault_for_another_session_reaches_no_client_of_this_one()
    {
        RoomNamespace.RequireAddress();
        await FfiCollection.WaitUntilStoppedAsync();
        await using var fake = await FakeSession.StartAsync(FakeEventDelivery.ChatOnly);
        await using var avatar = fake.NewRoomAvatar();
        var qualities = new ConcurrentQueue<ConnectionQuality>();
        using var recording = avatar.ConnectionQualityChanged.Subscribe(e => qualities.Enqueue(e.Quality));
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        await fake.WaitForAsync(() => Known(qualities).Count > 0, "the room's first connection quality update");
        var other = await NewSessionNobodyJoinsAsync(fake.Server); // its room exists, with no client

        var reachedOther = await fake.Server.Faults.SetConnectionQualityAsync(RoomConnectionQuality.Poor, other);
        // The room sends each update on the client's signalling socket in order: by the time the SDK has read these
        // two (excellent, then poor), a poor update that had gone to it for the other session would have been read before.
        var reachedOwn = await fake.Server.Faults.SetConnectionQualityAsync(RoomConnectionQuality.Excellent, avatar.SessionId);
        var reachedEvery = await fake.Server.Faults.SetConnectionQualityAsync(RoomConnectionQuality.Poor);

        reachedOther.Should().Be(0, "the other session's room has no client");
        reachedOwn.Should().Be(1);
        reachedEvery.Should().Be(1, "across every room, the SDK is the only client");
        await fake.WaitForAsync(() => Known(qualities).Contains(ConnectionQuality.Bad), "the SDK's ConnectionQualityChanged after the fault for every room");
        Collapsed(Known(qualities)).Should().Equal(
            [ConnectionQuality.Good, ConnectionQuality.Bad],
            "the only poor update this session's client got is the one for every room, after its own excellent");
        avatar.ConnectionQuality.Should().Be(ConnectionQuality.Bad);
        await avatar.StopAvatarAsync();
    }

    /// <summary>A second session on the server (a token of its own: a session token serves one session), whose room nobody joins.</summary>
    private static async Task<string> NewSessionNobodyJoinsAsync(KonProFakeServer server)
    {
        using var admin = new KonProAdminClient(server.ApiKey, server.Url);
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await admin.CreateTokenAsync());
        using var response = await http.PostAsJsonAsync("/v1/streaming/new", new { activity_idle_timeout = 3600 });
        var text = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.Should().BeTrue(text);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.GetProperty("data").GetProperty("session_id").GetString()!;
    }

    /// <summary>The qualities the SDK raised, without the room's <see cref="ConnectionQuality.Unknown"/> before its first update.</summary>
    private static List<ConnectionQuality> Known(ConcurrentQueue<ConnectionQuality> qualities) =>
        [.. qualities.Where(q => q != ConnectionQuality.Unknown)];

    /// <summary>The qualities with repeats in a row taken as one (a room may raise the same quality again).</summary>
    private static List<ConnectionQuality> Collapsed(List<ConnectionQuality> qualities) =>
        [.. qualities.Where((q, i) => i == 0 || qualities[i - 1] != q)];
}
