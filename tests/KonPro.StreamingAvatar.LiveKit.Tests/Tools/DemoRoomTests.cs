using System.Diagnostics;
using ImageMagick;
using KonPro.Streaming.LiveKit.Tests.Native;
using KonPro.Streaming.LiveKit.Tests.Rooms;

namespace KonPro.Streaming.LiveKit.Tests.Tools;

/// <summary>The demo with <c>--room</c>, run as a process inside the network namespace.</summary>
[Trait("Category", "Room")]
[Collection(FfiCollection.Name)]
public sealed class DemoRoomTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task The_demo_with_room_shows_the_tracks_and_frame_rates_and_writes_a_png_of_the_fakes_frame_size()
    {
        RoomNamespace.RequireAddress();
        var snapshot = Path.Combine(Path.GetTempPath(), $"konpro-demo-{Guid.NewGuid():N}.png");
        try
        {
            var (exitCode, output) = await RunDemoAsync("--room", "--time-scale", "0.2", "--snapshot", snapshot);

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

    private static async Task<(int ExitCode, string Output)> RunDemoAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(DemoAssembly());
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Wide enough that no line of the output is wrapped.
        start.Environment["COLUMNS"] = "400";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Bound);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The demo did not finish within {Bound}.");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    private static string DemoAssembly()
    {
        // tests/KonPro.Streaming.LiveKit.Tests/bin/<configuration>/net10.0/ -> tools/KonPro.Demo/bin/<configuration>/net10.0/
        var here = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = here.Parent!.Name;
        var root = here.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        return Path.Combine(root, "tools", "KonPro.Demo", "bin", configuration, "net10.0", "KonPro.Demo.dll");
    }
}
