using System.Globalization;
using System.Runtime.InteropServices;
using KonPro.FakeServer;
using KonPro.StreamingAvatar.Testing;
using Microsoft.Extensions.Logging;

// The command-line host of the KonPro fake server: serves until Ctrl+C or SIGTERM.
var Usage = $"""
    konpro-fake-server: an offline fake of the KonPro Streaming Avatar API (REST + chat WebSocket) on 127.0.0.1.

    Usage: konpro-fake-server [options]

    Options:
      --port <n>            TCP port on 127.0.0.1 (default 5080; 0 picks a free port)
      --api-key <key>       an accepted API key (repeatable; default konpro-dev-key)
      --time-scale <x>      multiplies every delay (1 = real time, 0.01 = a hundred times faster; default 1)
      --max-sessions <n>    concurrent sessions per API key (default 20)
      --rate-limit <n>      requests per second before 429 RATE_LIMIT_EXCEEDED (default: no limit)
      --no-admin            do not serve WireMock's admin API (/__admin)
    {RoomCommandLine.Help}
      -v, --verbose         log sessions, sockets and calls to standard error
      -h, --help            show this help

    When ready it prints one line: KonPro fake server listening on http://127.0.0.1:<port>
    """;

var options = new KonProFakeServerOptions { Port = 5080, StartAdminInterface = true };
var keys = new List<string>();
var verbose = false;
bool room = false, installRoom = false;
string? roomHost = null, roomListen = null, eventDelivery = null;
try
{
    for (var i = 0; i < args.Length; i++)
    {
        switch (args[i])
        {
            case "-h" or "--help" or "-?":
                Console.WriteLine(Usage);
                return 0;
            case "--port":
                options.Port = int.Parse(Next(args, ref i), CultureInfo.InvariantCulture);
                break;
            case "--api-key":
                keys.Add(Next(args, ref i));
                break;
            case "--time-scale":
                options.TimeScale = double.Parse(Next(args, ref i), CultureInfo.InvariantCulture);
                break;
            case "--max-sessions":
                options.MaxConcurrentSessions = int.Parse(Next(args, ref i), CultureInfo.InvariantCulture);
                break;
            case "--rate-limit":
                options.RateLimitPerSecond = int.Parse(Next(args, ref i), CultureInfo.InvariantCulture);
                break;
            case "--no-admin":
                options.StartAdminInterface = false;
                break;
            case "--room":
                room = true;
                break;
            case "--room-host":
                roomHost = Next(args, ref i);
                break;
            case "--room-listen":
                roomListen = Next(args, ref i);
                break;
            case "--event-delivery":
                eventDelivery = Next(args, ref i);
                break;
            case "--install-room":
                installRoom = true;
                break;
            case "-v" or "--verbose":
                verbose = true;
                break;
            default:
                throw new ArgumentException($"Unknown option '{args[i]}'.");
        }
    }

    RoomCommandLine.Apply(options, room, roomHost, roomListen, eventDelivery);
}
catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine("Run with --help for the options.");
    return 2;
}

if (keys.Count > 0)
{
    options.ApiKeys.Clear();
    foreach (var key in keys)
    {
        options.ApiKeys.Add(key);
    }
}

// Standard output carries the one ready line only; logs go to standard error.
using var loggerFactory = LoggerFactory.Create(logging =>
{
    logging.SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Warning);
    logging.AddSimpleConsole(console => console.SingleLine = true);
    logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
});
options.LoggerFactory = loggerFactory;

var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.TrySetResult();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.TrySetResult();
});

if (installRoom)
{
    return await RoomCommandLine.InstallAsync(options.Room);
}

KonProFakeServer server;
try
{
    server = await KonProFakeServer.StartAsync(options);
}
#pragma warning disable CA1031 // any failure to start (a port in use, a bad option) is reported, not thrown
catch (Exception ex)
#pragma warning restore CA1031
{
    Console.Error.WriteLine($"Could not start the fake server: {ex.Message}");
    return 1;
}

await using (server)
{
    Console.WriteLine($"KonPro fake server listening on {server.Url}");
    await stop.Task;
}

return 0;

static string Next(string[] args, ref int i) =>
    ++i < args.Length ? args[i] : throw new ArgumentException($"Option '{args[i - 1]}' needs a value.");
