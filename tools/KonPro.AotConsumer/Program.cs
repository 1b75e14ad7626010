using System.Diagnostics;
using System.Globalization;
using KonPro.Streaming;

// A consumer of the SDK as an application would ship it; eng/cold-start publishes it three ways (JIT, ReadyToRun,
// Native AOT) and runs each as a fresh process against the fake, to measure the first session of a process.
//
//   KonPro.AotConsumer <base url> <api key>
//
// One session: token, new + start, speak (until the avatar has finished), stop. Prints one line of milliseconds since
// the process started: "ready=... spoken=... stopped=..." (ready: the session has started and can speak).
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: KonPro.AotConsumer <base url> <api key>");
    return 2;
}

DateTime started;
using (var process = Process.GetCurrentProcess())
{
    started = process.StartTime.ToUniversalTime();
}

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
