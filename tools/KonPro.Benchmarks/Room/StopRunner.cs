using System.Diagnostics;
using System.Globalization;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using KonPro.Benchmarks.Quick;
using KonPro.Streaming;
using KonPro.Streaming.Admin;
using KonPro.Streaming.Events;
using KonPro.Streaming.LiveKit;
using KonPro.Streaming.LiveKit.Native;
using KonPro.Streaming.Testing;

namespace KonPro.Benchmarks.Room;

/// <summary>
/// The stop line: sessions one after another on the fake with its LiveKit room (events from the room only, real time),
/// each started, then stopped; the time from <see cref="StreamingAvatar.StopAvatarAsync"/> to its
/// <see cref="StreamDisconnected"/> event (median and p90), and how often the process started LiveKit's FFI server for
/// them. Runs only inside a network namespace (eng/netns-run): WebRTC ignores loopback.
/// </summary>
internal static class StopRunner
{
    private const int WarmUp = 3;

    public static async Task<int> RunAsync(int sessions, TextWriter output)
    {
        if (!await RoomNamespace.RequireAsync("--room-stop", output))
        {
            return 2;
        }

        var options = new KonProFakeServerOptions { TimeScale = 1, EventDelivery = FakeEventDelivery.RoomOnly };
        options.Room.Enabled = true;
        await using var server = await KonProFakeServer.StartAsync(options);
        using var admin = new KonProAdminClient(server.ApiKey, server.Url);
        var connector = new LiveKitRoomConnector();
        var startsBefore = FfiClient.Starts;
        var samples = new List<double>();
        for (var i = 0; i < WarmUp + sessions; i++)
        {
            await using var avatar = new StreamingAvatar(
                new StreamingAvatarApiConfig { Token = await admin.CreateTokenAsync(), BasePath = server.Url },
                httpClient: null,
                new StreamingAvatarOptions { RoomConnector = connector });
            var disconnected = avatar.Events.OfType<StreamDisconnected>().FirstAsync().Select(_ => Stopwatch.GetTimestamp()).ToTask();
            await avatar.CreateStartAvatarAsync(new StartAvatarRequest());

            var stopping = Stopwatch.GetTimestamp();
            await avatar.StopAvatarAsync();
            var at = await disconnected.WaitAsync(TimeSpan.FromSeconds(30));
            if (i >= WarmUp)
            {
                samples.Add(Stopwatch.GetElapsedTime(stopping, at).TotalMilliseconds);
            }
        }

        var load = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
        await output.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"room stop -> stream_disconnected: median {Measure.Percentile(samples, 50):0.0} ms, p90 {Measure.Percentile(samples, 90):0.0} ms " +
            $"over {sessions} sessions after {WarmUp} warm-up (room-only events, time scale 1); " +
            $"LiveKit FFI server started {FfiClient.Starts - startsBefore} times for {WarmUp + sessions} back-to-back sessions; load average {load}"));
        return 0;
    }
}
