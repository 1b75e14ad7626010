using KonPro.Streaming.LiveKit.Native;
using KonPro.Streaming.LiveKit.Tests.Native;
using Microsoft.Extensions.DependencyInjection;
using LiveKitQuality = KonPro.Streaming.LiveKit.Proto.ConnectionQuality;
using LiveKitReason = KonPro.Streaming.LiveKit.Proto.DisconnectReason;

namespace KonPro.Streaming.LiveKit.Tests.Rooms;

/// <summary>What the connector does before anything goes over the wire, and how it maps LiveKit's terms.</summary>
[Collection(FfiCollection.Name)]
public sealed class LiveKitRoomConnectorTests
{
    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://example.test/room")]
    [InlineData("/relative/room")]
    public async Task A_bad_room_url_is_refused_before_the_native_core_is_even_started(string url)
    {
        await FfiCollection.WaitUntilStoppedAsync();
        var connect = () => new LiveKitRoomConnector().ConnectAsync(new AvatarRoomConnectRequest("s1", url, "secret-token"));

        (await connect.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("ws, wss, http or https").And.NotContain("secret-token");
        FfiClient.IsRunning.Should().BeFalse();
    }

    [Fact]
    public async Task An_empty_token_is_refused_before_the_native_core_is_even_started()
    {
        await FfiCollection.WaitUntilStoppedAsync();
        var connect = () => new LiveKitRoomConnector().ConnectAsync(new AvatarRoomConnectRequest("s1", "ws://127.0.0.1:1/room", " "));

        await connect.Should().ThrowAsync<ArgumentException>().WithMessage("*token*");
        FfiClient.IsRunning.Should().BeFalse();
    }

    [Fact]
    public void Options_out_of_range_are_refused_when_the_connector_is_made()
    {
        var make = () => new LiveKitRoomConnector(new LiveKitRoomOptions { VideoQueueFrames = 0 });

        make.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("VideoQueueFrames");
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(-50_000_000L)]
    public async Task A_negative_ffi_server_idle_timeout_is_refused_when_the_connector_is_made_before_the_native_core_is_started(long ticks)
    {
        await FfiCollection.WaitUntilStoppedAsync();
        var make = () => new LiveKitRoomConnector(new LiveKitRoomOptions { FfiServerIdleTimeout = TimeSpan.FromTicks(ticks) });

        make.Should().Throw<ArgumentOutOfRangeException>().WithParameterName(nameof(LiveKitRoomOptions.FfiServerIdleTimeout));
        FfiClient.IsRunning.Should().BeFalse();
    }

    [Fact]
    public void The_ffi_server_idle_timeout_is_five_seconds_by_default_and_accepts_zero_and_infinite()
    {
        new LiveKitRoomOptions().FfiServerIdleTimeout.Should().Be(TimeSpan.FromSeconds(5));
        new LiveKitRoomOptions().Scheduler.Should().BeNull("the default scheduler is used");

        var zero = () => new LiveKitRoomConnector(new LiveKitRoomOptions { FfiServerIdleTimeout = TimeSpan.Zero });
        var infinite = () => new LiveKitRoomConnector(new LiveKitRoomOptions { FfiServerIdleTimeout = Timeout.InfiniteTimeSpan });
        var tooLong = () => new LiveKitRoomConnector(new LiveKitRoomOptions { FfiServerIdleTimeout = TimeSpan.FromDays(30) });

        zero.Should().NotThrow();
        infinite.Should().NotThrow();
        tooLong.Should().Throw<ArgumentOutOfRangeException>().WithParameterName(nameof(LiveKitRoomOptions.FfiServerIdleTimeout));
    }

    [Theory]
    [InlineData((int)LiveKitReason.RoomDeleted, DisconnectReason.ServerClosed, "ROOM_DELETED")]
    [InlineData((int)LiveKitReason.ServerShutdown, DisconnectReason.ServerClosed, "SERVER_SHUTDOWN")]
    [InlineData((int)LiveKitReason.ClientInitiated, DisconnectReason.ClientStop, "CLIENT_INITIATED")]
    [InlineData((int)LiveKitReason.JoinFailure, DisconnectReason.StartFailed, "JOIN_FAILURE")]
    [InlineData((int)LiveKitReason.SignalClose, DisconnectReason.NetworkLost, "SIGNAL_CLOSE")]
    [InlineData((int)LiveKitReason.DuplicateIdentity, DisconnectReason.Unauthorized, "DUPLICATE_IDENTITY")]
    [InlineData((int)LiveKitReason.UnknownReason, DisconnectReason.ServerClosed, "UNKNOWN_REASON")]
    [InlineData((int)LiveKitReason.AgentError, DisconnectReason.ServerClosed, "AGENT_ERROR")]
    public void LiveKits_disconnect_reason_is_mapped_and_its_raw_name_kept(int reason, DisconnectReason mapped, string raw) =>
        LiveKitReasons.Map((LiveKitReason)reason).Should().Be(new AvatarRoomDisconnect(mapped, raw));

    [Theory]
    [InlineData((int)LiveKitQuality.QualityExcellent, ConnectionQuality.Good)]
    [InlineData((int)LiveKitQuality.QualityGood, ConnectionQuality.Good)]
    [InlineData((int)LiveKitQuality.QualityPoor, ConnectionQuality.Bad)]
    [InlineData((int)LiveKitQuality.QualityLost, ConnectionQuality.Bad)]
    public void LiveKits_connection_quality_is_mapped(int quality, ConnectionQuality mapped) =>
        LiveKitReasons.Map((LiveKitQuality)quality).Should().Be(mapped);

    [Fact]
    public void The_avatars_streams_ask_for_rgba_and_pcm_and_bound_the_cores_own_queue_by_the_rooms_options()
    {
        var options = new LiveKitRoomOptions { VideoQueueFrames = 3, AudioQueueFrames = 20, AudioSampleRate = 16_000, AudioChannels = 2 };

        var video = LiveKitRoom.NewVideoStream(7, options).NewVideoStream;
        var audio = LiveKitRoom.NewAudioStream(8, options).NewAudioStream;

        video.TrackHandle.Should().Be(7);
        video.Format.Should().Be(Proto.VideoBufferType.Rgba);
        video.NormalizeStride.Should().BeTrue();
        video.HasQueueSizeFrames.Should().BeTrue("left out, livekit-ffi 0.12.80 keeps one frame and drops the rest uncounted");
        video.QueueSizeFrames.Should().Be(3);
        audio.TrackHandle.Should().Be(8);
        audio.SampleRate.Should().Be(16_000);
        audio.NumChannels.Should().Be(2);
        audio.HasQueueSizeFrames.Should().BeTrue("left out, livekit-ffi 0.12.80 keeps ten 10 ms frames");
        audio.QueueSizeFrames.Should().Be(20);
    }

    [Fact]
    public void The_join_asks_for_signalling_v0_so_that_the_core_does_not_try_the_single_peer_connection_path_first()
    {
        var connect = LiveKitRoom.NewConnect("ws://10.77.0.1:7880", "secret-token", new LiveKitRoomOptions { JoinRetries = 3 }).Connect;

        connect.Url.Should().Be("ws://10.77.0.1:7880");
        connect.Options.JoinRetries.Should().Be(3);
        connect.Options.AutoSubscribe.Should().BeTrue();
        connect.Options.HasSinglePeerConnection.Should().BeTrue(
            "left out, livekit-ffi 0.12.80 joins at <url>/rtc/v1 first and, where the server answers 404, at /rtc after a 200-330 ms detour");
        connect.Options.SinglePeerConnection.Should().BeFalse();
    }

    [Fact]
    public void AddKonProLiveKit_makes_the_connector_the_one_every_session_gets()
    {
        var services = new ServiceCollection().AddKonProLiveKit(o => o.VideoQueueFrames = 4);
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IAvatarRoomConnector>().Should().BeOfType<LiveKitRoomConnector>();
    }
}
