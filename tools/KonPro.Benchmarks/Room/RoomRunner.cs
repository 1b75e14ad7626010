using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using KonPro.Streaming;
using KonPro.Streaming.Admin;
using KonPro.Streaming.LiveKit;
using KonPro.Streaming.Rooms;
using KonPro.Streaming.Testing;

namespace KonPro.Benchmarks.Room;

/// <summary>
/// The room line: video frames delivered to a .NET subscriber per second through the LiveKit connector (RGBA, copied
/// out of the native buffer), and the managed allocation per frame, beside the rate the fake room publishes. Then the
/// same with a subscriber slower than the stream, to show the drop-oldest back-pressure. Runs only inside a network
/// namespace (eng/netns-run): WebRTC ignores loopback.
/// </summary>
internal static class RoomRunner
{
    public static async Task<int> RunAsync(int frameRate, TimeSpan window, TextWriter output)
    {
        if (!await RoomNamespace.RequireAsync("--room", output))
        {
            return 2;
        }

        var options = new KonProFakeServerOptions { TimeScale = 1, EventDelivery = FakeEventDelivery.RoomOnly };
        options.Room.Enabled = true;
        options.Room.FrameRate = frameRate;
        await using var server = await KonProFakeServer.StartAsync(options);
        using var admin = new KonProAdminClient(server.ApiKey, server.Url);
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await admin.CreateTokenAsync());
        var created = await PostAsync(http, "/v1/streaming/new", new { activity_idle_timeout = 3600 });
        var sessionId = created.GetProperty("session_id").GetString()!;
        await PostAsync(http, "/v1/streaming/start", new { session_id = sessionId });

        await using var room = await new LiveKitRoomConnector().ConnectAsync(new AvatarRoomConnectRequest(
            sessionId, created.GetProperty("url").GetString()!, created.GetProperty("access_token").GetString()!));
        await room.MediaReady.WaitAsync(TimeSpan.FromSeconds(30));

        // A subscriber that reads every pixel (what a renderer or encoder would at least do).
        long frames = 0;
        long checksum = 0;
        var (width, height) = (0, 0);
        using (room.VideoFrames.Subscribe(frame =>
        {
            frames++;
            (width, height) = (frame.Width, frame.Height);
            checksum += frame.Data.Span[^1];
        }))
        {
            await Task.Delay(TimeSpan.FromSeconds(2)); // warm-up: the encoder ramps up, the pools fill
            var startFrames = Interlocked.Read(ref frames);
            var startBytes = GC.GetTotalAllocatedBytes(precise: true);
            var startDropped = room.Statistics.VideoFramesDropped;
            var watch = Stopwatch.StartNew();
            await Task.Delay(window);
            var elapsed = watch.Elapsed.TotalSeconds;
            var delivered = Interlocked.Read(ref frames) - startFrames;
            var bytes = GC.GetTotalAllocatedBytes(precise: true) - startBytes;
            await output.WriteLineAsync(
                $"room video, fast subscriber: {delivered / elapsed:0.0} frames/s delivered ({width}x{height} RGBA, {width * height * 4 / 1024} KB/frame) " +
                $"(fake publishes {frameRate} frames/s, ratio {delivered / elapsed / frameRate:0.00}); " +
                $"{(delivered == 0 ? 0 : bytes / delivered):N0} B managed allocation per frame (process-wide, fake server included); " +
                $"{room.Statistics.VideoFramesDropped - startDropped} dropped");
        }

        // A subscriber that needs 3 frame intervals per frame: it gets about a third of them, the newest, and the rest
        // are counted as dropped instead of queueing up.
        var slow = 0L;
        var interval = TimeSpan.FromSeconds(3.0 / frameRate);
        using (room.VideoFrames.Subscribe(_ =>
        {
            slow++;
            Thread.Sleep(interval);
        }))
        {
            var startDropped = room.Statistics.VideoFramesDropped;
            var watch = Stopwatch.StartNew();
            await Task.Delay(window);
            var elapsed = watch.Elapsed.TotalSeconds;
            await output.WriteLineAsync(
                $"room video, slow subscriber ({interval.TotalMilliseconds:0} ms per frame): {slow / elapsed:0.0} frames/s delivered, " +
                $"{(room.Statistics.VideoFramesDropped - startDropped) / elapsed:0.0} frames/s dropped oldest-first (fake publishes {frameRate} frames/s)");
        }

        GC.KeepAlive(checksum);
        return 0;
    }

    private static async Task<JsonElement> PostAsync(HttpClient http, string path, object body)
    {
        using var response = await http.PostAsJsonAsync(path, body);
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("data").Clone();
    }
}
