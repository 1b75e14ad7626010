using KonPro.Streaming.TestSupport;
using ImageMagick;
using KonPro.Streaming.LiveKit.Tests.Native;
using KonPro.Streaming.LiveKit.Tests.Rooms;

namespace KonPro.Streaming.LiveKit.Tests.Tools;

/// <summary>The demo with <c>--room</c>, run as a process inside the network namespace.</summary>
[Trait("Category", "Room")]
[Collection(FfiCollection.Name)]
public sealed class DemoRoomTests
{
    [SkippableFact]
    public async Task The_demo_with_room_shows_the_tracks_and_frame_rates_and_writes_a_png_of_the_fakes_frame_size()
    {
        RoomNamespace.RequireAddress();
        var snapshot = Path.Combine(Path.GetTempPath(), $"konpro-demo-{Guid.NewGuid():N}.png");
        try
        {
            var (exitCode, output) = await DemoProcess.RunAsync("--room", "--time-scale", "0.2", "--snapshot", snapshot);

            exitCode.Should().Be(0, output);
            output.Should().Contain("Demo finished: every step succeeded.")
                .And.Contain("subscribed video track TR_")
                .And.Contain("subscribed audio track TR_")
                .And.Contain("video 320x240:")
                .And.Contain("fps")
                .And.Contain(snapshot);
            using var image = new MagickImage(snapshot);
            image.Format.Should().Be(MagickFormat.Png);
            ((int)image.Width, (int)image.Height).Should().Be((320, 240), "the fake's frame size");
            image.TotalColors.Should().BeGreaterThan(1, "the frame shows the fake's counter and words");
        }
        finally
        {
            File.Delete(snapshot);
        }
    }
}
