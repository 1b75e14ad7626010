using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using KonPro.Streaming.Testing.Room;

namespace KonPro.Streaming.Testing.Tests.Room;

/// <summary>The room's settings and tokens, checked without starting a room (no network namespace needed).</summary>
public sealed class RoomOptionsTests
{
    [Theory]
    [InlineData(FakeEventDelivery.RoomOnly)]
    [InlineData(FakeEventDelivery.ChatAndRoom)]
    public async Task Event_delivery_through_the_room_needs_the_room_enabled(FakeEventDelivery delivery)
    {
        var options = new KonProFakeServerOptions { EventDelivery = delivery };

        var start = () => KonProFakeServer.StartAsync(options);

        (await start.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("Room.Enabled");
    }

    [Fact]
    public void Without_a_setting_events_go_to_the_chat_socket_and_with_the_room_to_the_room_only_as_the_service_sends_them()
    {
        var options = new KonProFakeServerOptions();
        options.EffectiveEventDelivery.Should().Be(FakeEventDelivery.ChatOnly);

        options.Room.Enabled = true;

        options.EffectiveEventDelivery.Should().Be(FakeEventDelivery.RoomOnly);
    }

    [Theory]
    [InlineData("not-an-ip", null, 15)]
    [InlineData("127.0.0.1", "bad host!", 15)]
    [InlineData("127.0.0.1", null, 0)]
    public async Task Bad_room_settings_are_refused_before_anything_starts(string listen, string? advertised, int fps)
    {
        var options = new KonProFakeServerOptions();
        options.Room.Enabled = true;
        options.Room.ListenAddress = listen;
        options.Room.AdvertisedHost = advertised;
        options.Room.FrameRate = fps;

        var start = () => KonProFakeServer.StartAsync(options);

        await start.Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public async Task A_missing_Node_is_named_in_a_clear_error()
    {
        var options = new KonProFakeServerOptions();
        options.Room.Enabled = true;
        options.Room.NodePath = "/nonexistent/konpro-test/node";

        var start = () => KonProFakeServer.StartAsync(options);

        var error = (await start.Should().ThrowAsync<InvalidOperationException>()).Which;
        error.Message.Should().Contain("Node.js 20 or later").And.Contain("/nonexistent/konpro-test/node").And.Contain("NodePath");
    }

    [Fact]
    public async Task A_missing_npm_is_named_in_a_clear_error_when_the_room_is_not_installed_yet()
    {
        var cache = Directory.CreateTempSubdirectory("konpro-room-cache-");
        try
        {
            var options = new KonProFakeRoomOptions { NpmPath = "/nonexistent/konpro-test/npm", CacheDirectory = cache.FullName };

            var install = () => KonProFakeServer.InstallRoomAsync(options);

            var error = (await install.Should().ThrowAsync<InvalidOperationException>()).Which;
            error.Message.Should().Contain("npm").And.Contain("/nonexistent/konpro-test/npm").And.Contain("NpmPath");
        }
        finally
        {
            cache.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_access_token_is_an_HS256_JWT_with_the_video_grant_for_the_room()
    {
        var secret = Encoding.UTF8.GetBytes("room-secret");
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

        var token = LiveKitAccessToken.Create("issuer", secret, "client", "session-1", now, TimeSpan.FromHours(1));

        var parts = token.Split('.');
        parts.Should().HaveCount(3);
        var signature = HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
        Base64Url.EncodeToString(signature).Should().Be(parts[2]);
        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
        header.RootElement.GetProperty("alg").GetString().Should().Be("HS256");
        using var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        claims.RootElement.GetProperty("sub").GetString().Should().Be("client");
        claims.RootElement.GetProperty("exp").GetInt64().Should().Be(1_800_003_600);
        var video = claims.RootElement.GetProperty("video");
        video.GetProperty("room").GetString().Should().Be("session-1");
        video.GetProperty("roomJoin").GetBoolean().Should().BeTrue();
        video.GetProperty("canPublishData").GetBoolean().Should().BeTrue();
    }
}
