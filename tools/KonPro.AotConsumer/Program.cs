using System.Diagnostics;
using System.Globalization;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using KonPro.Streaming;
using KonPro.Streaming.Admin;
using KonPro.Streaming.Events;
using KonPro.Streaming.LiveKit;

// A consumer of the SDK as an application would ship it; eng/cold-start publishes it three ways (JIT, ReadyToRun,
// Native AOT) and runs each as a fresh process against the fake, to measure the first session of a process.
//
//   KonPro.AotConsumer <base url> <api key>
//
// One session: token, new + start, speak (until the avatar has finished), stop. Prints one line of milliseconds since
// the process started: "ready=... spoken=... stopped=..." (ready: the session has started and can speak).
//
//   KonPro.AotConsumer --room <base url> <token>
//
// The benchmarks' --versus-official cold figure (inside eng/netns-run: it joins the fake's LiveKit room): one session
// with the LiveKit room, the token given (an app's server makes it), then stop. Prints
// "ready_monotonic_ns=... ready_ms=...": the monotonic clock (Stopwatch, CLOCK_MONOTONIC on Linux) at stream_ready,
// which the parent compares with its own clock before it started this process, and the milliseconds since the process
// started by its start time.
if (args.Length == 3 && args[0] == "--room")
{
    return await RoomSessionAsync(args[1], args[2]);
}

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: KonPro.AotConsumer <base url> <api key> | KonPro.AotConsumer --room <base url> <token>");
    return 2;
}

var started = ProcessStart();
double Since() => (DateTime.UtcNow - started).TotalMilliseconds;

var baseUrl = args[0];
using var admin = new KonProAdminClient(args[1], baseUrl);
var token = await admin.CreateTokenAsync();
await using var avatar = new StreamingAvatar(new StreamingAvatarApiConfig { Token = token, BasePath = baseUrl });
await avatar.CreateStartAvatarAsync(new StartAvatarRequest { AvatarName = "default" });
var ready = Since();
var speech = await avatar.SpeakAsync(new SpeakRequest { Text = "Hello there!", TaskType = TaskType.Repeat, TaskMode = TaskMode.Async });
await speech.Completed;
var spoken = Since();
await avatar.StopAvatarAsync();
var stopped = Since();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ready={ready:0} spoken={spoken:0} stopped={stopped:0}"));
return 0;

static DateTime ProcessStart()
{
    using var process = Process.GetCurrentProcess();
    return process.StartTime.ToUniversalTime();
}

static async Task<int> RoomSessionAsync(string baseUrl, string token)
{
    var started = ProcessStart();
    await using var avatar = new StreamingAvatar(
        new StreamingAvatarApiConfig { Token = token, BasePath = baseUrl },
        httpClient: null,
        new StreamingAvatarOptions { RoomConnector = new LiveKitRoomConnector() });
    var ready = avatar.Events.OfType<StreamReady>().FirstAsync()
        .Select(_ => (Monotonic: Stopwatch.GetTimestamp(), Wall: DateTime.UtcNow)).ToTask();
    await avatar.CreateStartAvatarAsync(new StartAvatarRequest { AvatarName = "default", Quality = AvatarQuality.Low, ActivityIdleTimeout = 300 });
    var (monotonic, wall) = await ready.WaitAsync(TimeSpan.FromSeconds(30));
    await avatar.StopAvatarAsync();
    var nanoseconds = (long)(monotonic * (1_000_000_000.0 / Stopwatch.Frequency));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ready_monotonic_ns={nanoseconds} ready_ms={(wall - started).TotalMilliseconds:0.0}"));
    return 0;
}
