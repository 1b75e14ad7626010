using BenchmarkDotNet.Running;
using KonPro.Benchmarks.Quick;

namespace KonPro.Benchmarks;

/// <summary>Entry point: <c>--quick</c> (one line per benchmark), <c>--full</c> (BenchmarkDotNet + load), or BenchmarkDotNet's own arguments.</summary>
internal static class Program
{
    private const string Help = """
        KonPro.Benchmarks: the SDK's costs, each beside its raw baseline measured in the same run.

        Usage:
          dotnet run -c Release --project tools/KonPro.Benchmarks -- --quick
              every benchmark once, one line each: name: value unit (baseline value unit, ratio R)
          dotnet run -c Release --project tools/KonPro.Benchmarks -- --full
              the BenchmarkDotNet suite (the report in docs/benchmarks.md), then the load runs
          dotnet run -c Release --project tools/KonPro.Benchmarks -- --rest-floor [--warm-up jit-quiet]
              only the REST calls against the constant-envelope Kestrel endpoint (SDK, generated client, raw POST);
              jit-quiet: after the first pass, every client in turn until a second passes with nothing JIT-compiled
          dotnet run -c Release --project tools/KonPro.Benchmarks -- --rest-floor --pairs [--warm-up N|jit-quiet]
              the same endpoint, the SDK and the raw POST alone in alternating pairs (N warm-up pairs, 500 by default,
              or until a second of pairs passes with nothing JIT-compiled; 3,000 pairs measured); every setup also
              prints what the JIT compiled while it measured
          dotnet run -c Release --project tools/KonPro.Benchmarks -- --rest-floor-probes setups [--pairs|--same-kind] [--warm-up N]
              either setup with each call's process CPU time, thread-pool work items, lock contentions and collections,
              and what the JIT compiled while it measured (--same-kind: pairs of near-identical calls)
          dotnet run -c Release --project tools/KonPro.Benchmarks -- --event-pipeline [rounds]
              only the event path: the raw reader pass, the parser alone and the pipeline to 1 and 10 subscribers,
              interleaved for the given rounds (default 5), medians
          dotnet run -c Release --project tools/KonPro.Benchmarks -- --rest-floor-probes
              where the SDK's keep_alive time goes at the floor: the generated call under each kind of token, the
              REST client's call with and without its timeouts, beside the raw POST
          dotnet run -c Release --project tools/KonPro.Benchmarks -- --load 10,100,1000
              only the load runs: N concurrent sessions against the in-process fake server
          eng/netns-run dotnet tools/KonPro.Benchmarks/bin/Release/net10.0/KonPro.Benchmarks.dll --room [frames/s]
              the LiveKit room: video frames/s delivered to a .NET subscriber and allocation per frame, beside the
              fake room's publish rate (default 30), inside a network namespace (WebRTC ignores loopback)
          eng/netns-run dotnet tools/KonPro.Benchmarks/bin/Release/net10.0/KonPro.Benchmarks.dll --room-stop [sessions]
              back-to-back sessions with the LiveKit room (default 20, after 3 warm-up): stop -> stream_disconnected
              median and p90, and how often LiveKit's FFI server was started for them, inside a network namespace
          eng/netns-run dotnet tools/KonPro.Benchmarks/bin/Release/net10.0/KonPro.Benchmarks.dll --versus-official [sessions] [cold runs] [--hold-room]
              the .NET SDK against the official web SDK (@heygen/streaming-avatar 2.1.0 in Node, Official/) in the
              same fake room (--room --event-delivery room-only, time scale 1): warm sessions alternated (default 20 a
              side after 3 warm-up) and cold fresh processes (default 10 a way: official, .NET JIT, and ReadyToRun and
              Native AOT where eng/cold-start --publish-only has published them); medians, p90 and ratios. Before
              entering the namespace: build Release and (cd tools/KonPro.Benchmarks/Official && npm ci).
              --hold-room (a probe): one more .NET session keeps its room open through the warm sessions
          dotnet run -c Release --project tools/KonPro.Benchmarks -- --fake-throughput [seconds] [--admin] [--workstation-gc]
              the fake server's keep_alive throughput over 16 connections beside a minimal Kestrel endpoint (five
              interleaved rounds; the seconds are per side), CPU and allocation per request, and the ratio;
              --admin also starts WireMock's admin interface (as the command-line fake does by default); both run
              with the server garbage collector (in a child process), as ASP.NET Core and the fake-server tool do,
              unless --workstation-gc (an in-process test host's collector)
          dotnet run -c Release --project tools/KonPro.Benchmarks -- [BenchmarkDotNet arguments]
              e.g. --filter *FrameEncode*
        """;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(Help);
            return args.Length == 0 ? 1 : 0;
        }

        if (args[0] == "--quick")
        {
            return await QuickSuite.RunAsync(Console.Out, [10, 100]);
        }

        if (args[0] == "--rest-floor")
        {
            var warmUpAt = Array.IndexOf(args, "--warm-up");
            var warmUp = warmUpAt > 0 && warmUpAt + 1 < args.Length
                ? args[warmUpAt + 1] == "jit-quiet" ? Quick.RestFloor.UntilJitQuiet : int.Parse(args[warmUpAt + 1], System.Globalization.CultureInfo.InvariantCulture)
                : Quick.RestFloor.PairWarmUp;
            foreach (var line in args.Contains("--pairs") ? await Quick.RestFloor.RunPairsAsync(warmUp) : await Quick.RestFloor.RunAsync(warmUp == Quick.RestFloor.UntilJitQuiet))
            {
                Console.WriteLine(line);
            }

            return 0;
        }

        if (args[0] == "--event-pipeline")
        {
            var rounds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5;
            foreach (var line in EventPipelineRun.Run(rounds))
            {
                Console.WriteLine(line);
            }

            return 0;
        }

        if (args[0] == "--rest-floor-probes")
        {
            if (args.Contains("setups"))
            {
                var at = Array.IndexOf(args, "--warm-up");
                var n = at > 0 && at + 1 < args.Length ? int.Parse(args[at + 1], System.Globalization.CultureInfo.InvariantCulture) : args.Contains("--pairs") ? Quick.RestFloor.PairWarmUp : 1000;
                var mode = args.Contains("--pairs") ? "pairs" : args.Contains("--same-kind") ? "same-kind" : "six";
                foreach (var line in await Floor.SetupProbes.RunAsync(mode, n))
                {
                    Console.WriteLine(line);
                }

                return 0;
            }

            if (args.Contains("alloc"))
            {
                foreach (var line in await Floor.FloorProbes.AllocationsAsync())
                {
                    Console.WriteLine(line);
                }

                return 0;
            }

            if (args.Contains("spin-generated"))
            {
                await Floor.InMemoryProbes.SpinGeneratedAsync(TimeSpan.FromSeconds(8));
                return 0;
            }

            if (args.Contains("spin-read"))
            {
                Floor.InMemoryProbes.SpinDeserialize(TimeSpan.FromSeconds(8));
                return 0;
            }

            foreach (var line in args.Contains("memory") ? await Floor.InMemoryProbes.RunAsync() : await Floor.FloorProbes.RunAsync())
            {
                Console.WriteLine(line);
            }

            return 0;
        }

        if (args[0] == "--fake-throughput")
        {
            // Both servers run with the server garbage collector, as an ASP.NET Core app (and the fake-server tool)
            // runs by default; --workstation-gc measures them as an in-process test host runs them.
            if (!args.Contains("--workstation-gc") && !System.Runtime.GCSettings.IsServerGC && Environment.GetEnvironmentVariable("DOTNET_gcServer") != "1")
            {
                return await RunWithServerGcAsync(args);
            }

            Console.WriteLine($"garbage collector: {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}");
            var admin = args.Contains("--admin");
            var rest = args.Skip(1).Where(a => a is not ("--admin" or "--workstation-gc")).ToArray();
            var seconds = rest.Length > 0 ? double.Parse(rest[0], System.Globalization.CultureInfo.InvariantCulture) : 10;
            foreach (var line in await Load.FakeThroughput.RunAsync(TimeSpan.FromSeconds(seconds), admin, Console.Error))
            {
                Console.WriteLine(line);
            }

            return 0;
        }

        if (args[0] == "--load")
        {
            var sizes = args.Length > 1 ? args[1].Split(',').Select(int.Parse).ToArray() : [10, 100, 1000];
            foreach (var size in sizes)
            {
                foreach (var line in await Load.LoadRunner.RunAsync(size, Console.Error))
                {
                    Console.WriteLine(line);
                }
            }

            return 0;
        }

        if (args[0] == "--room")
        {
            var rate = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 30;
            return await Room.RoomRunner.RunAsync(rate, TimeSpan.FromSeconds(10), Console.Out);
        }

        if (args[0] == "--room-stop")
        {
            var sessions = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20;
            return await Room.StopRunner.RunAsync(sessions, Console.Out);
        }

        if (args[0] == "--versus-official")
        {
            var numbers = args.Skip(1).Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
            var sessions = numbers.Length > 0 ? int.Parse(numbers[0], System.Globalization.CultureInfo.InvariantCulture) : 20;
            var coldRuns = numbers.Length > 1 ? int.Parse(numbers[1], System.Globalization.CultureInfo.InvariantCulture) : 10;
            return await Room.VersusOfficialRunner.RunAsync(sessions, coldRuns, args.Contains("--hold-room"), Console.Out);
        }

        if (args[0] == "--full")
        {
            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).RunAll();
            foreach (var line in await Load.LoadRunner.RunAsync(1000, Console.Error))
            {
                Console.WriteLine(line);
            }

            return 0;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }

    // Runs this benchmark again in a child process with the server garbage collector (the mode is fixed at start-up).
    private static async Task<int> RunWithServerGcAsync(string[] args)
    {
        var self = Environment.ProcessPath!;
        var start = new System.Diagnostics.ProcessStartInfo(self) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(Program).Assembly.Location);
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_gcServer"] = "1";
        using var child = System.Diagnostics.Process.Start(start)!;
        await child.WaitForExitAsync();
        return child.ExitCode;
    }
}
