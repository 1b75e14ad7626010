using System.Diagnostics;
using System.Globalization;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Text.Json;
using KonPro.Benchmarks.Load;
using KonPro.Benchmarks.Quick;
using KonPro.Streaming;
using KonPro.Streaming.Admin;
using KonPro.Streaming.Events;
using KonPro.Streaming.LiveKit;
using KonPro.Streaming.Rooms;

namespace KonPro.Benchmarks.Room;

/// <summary>
/// The .NET SDK against the official web SDK (@heygen/streaming-avatar 2.1.0 in Node, tools/KonPro.Benchmarks/Official)
/// in the same fake room (a fake-server process with <c>--room --event-delivery room-only</c>, time scale 1). Warm: one
/// long-lived process a side, sessions alternated (.NET, official, .NET, ...) after a warm-up; each session times
/// create/start -> stream_ready, speak (repeat, async) -> avatar_start_talking, interrupt -> avatar_stop_talking and
/// stop -> stream_disconnected in its own process. Cold: fresh processes, alternated, each one session; the time from
/// just before the parent starts the process to its stream_ready, read on the monotonic clock both share. Runs only
/// inside a network namespace (eng/netns-run): WebRTC ignores loopback.
/// </summary>
internal static class VersusOfficialRunner
{
    private const string Mode = "--versus-official";
    private const string ApiKey = "konpro-versus-key";
    private const int WarmUp = 3;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    // The same text as official.mjs: long enough that the avatar is still talking when it is interrupted.
    private const string Text = "Hello there! This sentence is long enough that the avatar is still talking when it is interrupted, "
        + "which is the moment the interrupt figure measures, from the call to the avatar_stop_talking event.";

    /// <param name="sessions">Warm sessions a side after the warm-up.</param>
    /// <param name="coldRuns">Fresh processes a way.</param>
    /// <param name="holdRoom">
    /// A probe: keep one more .NET session (and so its LiveKit room) open through the warm sessions, so that the LiveKit
    /// core never goes without a room between them; compares the room join with and without a room already open.
    /// </param>
    /// <param name="output">Where the lines go.</param>
    public static async Task<int> RunAsync(int sessions, int coldRuns, bool holdRoom, TextWriter output)
    {
        if (!await RoomNamespace.RequireAsync(Mode, output))
        {
            return 2;
        }

        var repository = RepositoryRoot();
        var official = Path.Combine(repository, "tools", "KonPro.Benchmarks", "Official");
        if (!Directory.Exists(Path.Combine(official, "node_modules", "@heygen", "streaming-avatar")))
        {
            await output.WriteLineAsync($"{Mode} needs the official SDK installed before entering the namespace (no registry inside): (cd {official} && npm ci)");
            return 2;
        }

        var loadBefore = LoadAverage();
        await using var fake = await FakeServerProcess.StartAsync(
            timeScale: 1, maxSessions: 100, ApiKey, sessionDurationLimit: TimeSpan.FromHours(1), ["--room", "--event-delivery", "room-only"]);
        var milestones = new Milestones();
        using var http = new HttpClient(new TimingHandler(milestones) { InnerHandler = new SocketsHttpHandler() });
        using var adminHttp = new HttpClient();
        using var admin = new KonProAdminClient(new StreamingAvatarApiConfig { ApiKey = ApiKey, BasePath = fake.Url }, adminHttp);
        await output.WriteLineAsync($"fake: {fake.Url} (--room --event-delivery room-only, time scale 1); load average {loadBefore}");
        await output.WriteLineAsync(await OsProbeAsync());

        StreamingAvatar? held = null;
        if (holdRoom)
        {
            held = new StreamingAvatar(
                new StreamingAvatarApiConfig { Token = await admin.CreateTokenAsync(), BasePath = fake.Url }, http,
                new StreamingAvatarOptions { RoomConnector = new LiveKitRoomConnector() });
            await held.CreateStartAvatarAsync(new StartAvatarRequest { AvatarName = "default", Quality = AvatarQuality.Low, ActivityIdleTimeout = 3600 });
            await output.WriteLineAsync("probe: one more .NET session holds its room open through the warm sessions");
        }

        var (warm, breakdown) = await WarmAsync(fake.Url, admin, http, milestones, official, sessions, output);
        if (held is not null)
        {
            await held.DisposeAsync();
        }

        var cold = coldRuns > 0 ? await ColdAsync(fake.Url, admin, official, repository, coldRuns, output) : [];

        await output.WriteLineAsync();
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"warm: {sessions} sessions a side after {WarmUp} warm-up, alternated; cold: {coldRuns} fresh processes a way, alternated; " +
            $"load average {loadBefore} before, {LoadAverage()} after"));
        await output.WriteLineAsync(VersusTable.Render([.. warm, .. cold]));
        await output.WriteLineAsync(breakdown);
        return 0;
    }

    private static async Task<(VersusFigure[] Figures, string Breakdown)> WarmAsync(
        string url, KonProAdminClient admin, HttpClient http, Milestones milestones, string official, int sessions, TextWriter output)
    {
        using var node = await StartNodeAsync(official, "official.mjs", url);

        // LiveKit's own Node SDK on the same Rust core as the .NET connector: its room join, timed beside the others.
        using var core = await StartNodeAsync(official, "core-join.mjs", url);
        var coreJoins = new List<double>();

        var connector = new TimedConnector(new LiveKitRoomConnector(), milestones);
        var dotnet = new List<double[]>();
        var theirs = new List<double[]>();
        var ourSteps = new List<double[]>();
        var theirSteps = new List<double[]>();
        var failures = new List<string>();
        for (var i = 0; i < WarmUp + sessions; i++)
        {
            // A session that fails (e.g. a peer connection that does not connect under the machine's load) is reported
            // and left out of its side's samples; the run goes on.
            var token = await admin.CreateTokenAsync();
            milestones.Clear();
            string ourText;
            try
            {
                var (ours, steps) = await DotNetSessionAsync(url, token, http, connector, milestones);
                ourText = Join(ours);
                if (i >= WarmUp)
                {
                    dotnet.Add(ours);
                    ourSteps.Add(steps);
                }
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or IOException or HttpRequestException or KonProApiException or OperationCanceledException)
            {
                ourText = "failed";
                failures.Add($"session {i + 1}, .NET: {ex.GetType().Name}: {ex.Message}");
            }

            await node.StandardInput.WriteLineAsync(JsonSerializer.Serialize(new Dictionary<string, string> { ["token"] = await admin.CreateTokenAsync() }));
            var line = await ReadJsonLineAsync(node);
            string theirText;
            if (line.TryGetProperty("error", out var error))
            {
                theirText = "failed";
                failures.Add($"session {i + 1}, official: {error}");
            }
            else
            {
                double[] official1 = [Ms(line, "ready_ms"), Ms(line, "speak_ms"), Ms(line, "interrupt_ms"), Ms(line, "stop_ms")];
                theirText = Join(official1);
                if (i >= WarmUp)
                {
                    theirs.Add(official1);
                    theirSteps.Add([Ms(line, "new_ms"), Ms(line, "start_ms"), Ms(line, "room_ms"), Ms(line, "chat_ms")]);
                }
            }

            await core.StandardInput.WriteLineAsync(JsonSerializer.Serialize(new Dictionary<string, string> { ["token"] = await admin.CreateTokenAsync() }));
            var joined = await ReadJsonLineAsync(core);
            string coreText;
            if (joined.TryGetProperty("error", out var coreError))
            {
                coreText = "failed";
                failures.Add($"session {i + 1}, rtc-node join: {coreError}");
            }
            else
            {
                coreText = Ms(joined, "tracks_ms").ToString("0.0", CultureInfo.InvariantCulture) + " ms";
                if (i >= WarmUp)
                {
                    coreJoins.Add(Ms(joined, "tracks_ms"));
                }
            }

            await output.WriteLineAsync(
                $"{(i < WarmUp ? "warm-up" : "session")} {i + 1}: .NET {ourText}, official {theirText} (ready / speak / interrupt / stop); rtc-node join {coreText}");
        }

        foreach (var failure in failures)
        {
            await output.WriteLineAsync($"failed: {failure}");
        }

        node.StandardInput.Close();
        core.StandardInput.Close();
        await node.WaitForExitAsync().WaitAsync(Timeout);
        await core.WaitForExitAsync().WaitAsync(Timeout);
        string[] names = ["warm: create/start -> stream_ready", "warm: speak -> avatar_start_talking", "warm: interrupt -> avatar_stop_talking", "warm: stop -> stream_disconnected"];
        string Medians(List<double[]> rows, string[] parts) => string.Join(", ", parts.Select((part, k) =>
            string.Create(CultureInfo.InvariantCulture, $"{part} {Measure.Percentile([.. rows.Select(r => r[k])], 50):0.0}")));
        var breakdown =
            "where the warm time to stream_ready goes (medians, ms):\n" +
            "  .NET:     " + Medians(ourSteps, ["new", "start", "chat socket (start answered -> room connect called)", "room join (connect call)", "tracks (connected -> media ready)", "media ready -> stream_ready event"]) + "\n" +
            "  official: " + Medians(theirSteps, ["new", "start (after the room's prepareConnection)", "room join and tracks (start answered -> STREAM_READY)", "chat socket (STREAM_READY -> createStartAvatar resolved)"]) + "\n" +
            string.Create(CultureInfo.InvariantCulture,
                $"  LiveKit's own Node SDK (@livekit/rtc-node, the Rust core the .NET connector wraps): room join until both tracks {Measure.Percentile(coreJoins, 50):0.0} median, {Measure.Percentile(coreJoins, 90):0.0} p90 over {coreJoins.Count}");
        return ([.. names.Select((name, k) => new VersusFigure(name, [.. dotnet.Select(s => s[k])], [.. theirs.Select(s => s[k])], Bar: 1.0))], breakdown);
    }

    /// <summary>
    /// One .NET session, timed as official.mjs times its own: [ready, speak, interrupt, stop] in ms, and the steps to
    /// stream_ready: [new, start, chat socket, room join, tracks, event].
    /// </summary>
    private static async Task<(double[] Figures, double[] Steps)> DotNetSessionAsync(
        string url, string token, HttpClient http, IAvatarRoomConnector connector, Milestones milestones)
    {
        await using var avatar = new StreamingAvatar(
            new StreamingAvatarApiConfig { Token = token, BasePath = url }, http, new StreamingAvatarOptions { RoomConnector = connector });
        var ready = Next<StreamReady>(avatar);
        var created = Stopwatch.GetTimestamp();
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest { AvatarName = "default", Quality = AvatarQuality.Low, ActivityIdleTimeout = 300 });
        var readyAt = await ready.WaitAsync(Timeout);

        var startTalking = Next<AvatarStartTalking>(avatar);
        var speaking = Stopwatch.GetTimestamp();
        await avatar.SpeakAsync(new SpeakRequest { Text = Text, TaskType = TaskType.Repeat, TaskMode = TaskMode.Async });
        var startTalkingAt = await startTalking.WaitAsync(Timeout);

        var stopTalking = Next<AvatarStopTalking>(avatar);
        var interrupting = Stopwatch.GetTimestamp();
        await avatar.InterruptAsync();
        var stopTalkingAt = await stopTalking.WaitAsync(Timeout);

        var disconnected = Next<StreamDisconnected>(avatar);
        var stopping = Stopwatch.GetTimestamp();
        await avatar.StopAvatarAsync();
        var disconnectedAt = await disconnected.WaitAsync(Timeout);

        double[] figures =
        [
            Stopwatch.GetElapsedTime(created, readyAt).TotalMilliseconds,
            Stopwatch.GetElapsedTime(speaking, startTalkingAt).TotalMilliseconds,
            Stopwatch.GetElapsedTime(interrupting, stopTalkingAt).TotalMilliseconds,
            Stopwatch.GetElapsedTime(stopping, disconnectedAt).TotalMilliseconds,
        ];
        long[] marks = [created, milestones["new"], milestones["start"], milestones["connect called"], milestones["connected"], milestones["media ready"], readyAt];
        return (figures, [.. marks.Skip(1).Select((mark, k) => Stopwatch.GetElapsedTime(marks[k], mark).TotalMilliseconds)]);
    }

    /// <summary>When each step of the current session happened (Stopwatch timestamps), by name.</summary>
    private sealed class Milestones
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _marks = new();

        public long this[string name] => _marks.TryGetValue(name, out var at) ? at : throw new InvalidOperationException($"No '{name}' milestone.");

        public void Mark(string name) => _marks.TryAdd(name, Stopwatch.GetTimestamp());

        public void Clear() => _marks.Clear();
    }

    /// <summary>Marks when the answers of new and start arrive (their headers: the body is small and follows).</summary>
    private sealed class TimingHandler(Milestones milestones) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            var path = request.RequestUri?.AbsolutePath ?? string.Empty;
            var last = path[(path.LastIndexOfAny(['/', '.']) + 1)..];
            if (last is "new" or "start")
            {
                milestones.Mark(last);
            }

            return response;
        }
    }

    /// <summary>The LiveKit connector with marks: when the SDK asks for the room, when it has joined, when both tracks are subscribed.</summary>
    private sealed class TimedConnector(IAvatarRoomConnector inner, Milestones milestones) : IAvatarRoomConnector
    {
        public async Task<IAvatarRoom> ConnectAsync(AvatarRoomConnectRequest request, CancellationToken cancellationToken = default)
        {
            milestones.Mark("connect called");
            var room = await inner.ConnectAsync(request, cancellationToken);
            milestones.Mark("connected");
            _ = room.MediaReady.ContinueWith(_ => milestones.Mark("media ready"), TaskScheduler.Default);
            return room;
        }
    }

    private static Task<long> Next<T>(StreamingAvatar avatar) where T : StreamingEvent =>
        avatar.Events.OfType<T>().FirstAsync().Select(_ => Stopwatch.GetTimestamp()).ToTask();

    private static async Task<VersusFigure[]> ColdAsync(string url, KonProAdminClient admin, string official, string repository, int runs, TextWriter output)
    {
        // The JIT consumer as eng/cold-start publishes it, else as this build made it (a ProjectReference); ReadyToRun
        // and Native AOT only where eng/cold-start --publish-only has published them.
        var published = Path.Combine(repository, "artifacts", "cold-start");
        var built = Path.Combine(repository, "tools", "KonPro.AotConsumer", "bin", Configuration(), "net10.0", "KonPro.AotConsumer");
        var ways = new List<(string Name, string Path)>
        {
            ("jit", File.Exists(Path.Combine(published, "jit", "KonPro.AotConsumer")) ? Path.Combine(published, "jit", "KonPro.AotConsumer") : built),
        };
        foreach (var way in new[] { "r2r", "aot" })
        {
            var path = Path.Combine(published, way, "KonPro.AotConsumer");
            if (File.Exists(path))
            {
                ways.Add((way, path));
            }
            else
            {
                await output.WriteLineAsync($"cold: no {way} consumer in {published} (eng/cold-start --publish-only publishes it): not measured");
            }
        }

        var samples = ways.ToDictionary(w => w.Name, _ => new List<double>());
        var theirs = new List<double>();
        for (var i = -1; i < runs; i++)
        {
            // Round -1 is a warm-up of each way (the fake's first sessions, the disk cache), not counted.
            var node = await TryColdProcessAsync("node", [Path.Combine(official, "official.mjs"), "cold", url, await admin.CreateTokenAsync()], official, output);
            var line = new List<string> { node is { } n ? $"official {n:0.0}" : "official failed" };
            if (i >= 0 && node is { } nodeMs)
            {
                theirs.Add(nodeMs);
            }

            foreach (var (name, path) in ways)
            {
                var ms = await TryColdProcessAsync(path, ["--room", url, await admin.CreateTokenAsync()], repository, output);
                line.Add(ms is { } m ? $"{name} {m:0.0}" : $"{name} failed");
                if (i >= 0 && ms is { } value)
                {
                    samples[name].Add(value);
                }
            }

            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"cold {(i < 0 ? "warm-up" : (i + 1).ToString(CultureInfo.InvariantCulture))}: {string.Join(", ", line)} ms to stream_ready"));
        }

        return [.. ways.Select(w => new VersusFigure(
            $"cold ({w.Name}): process start -> stream_ready", samples[w.Name], theirs,
            w.Name switch { "aot" => 1.0, "jit" => 1.5, _ => null }))];
    }

    private static async Task<double?> TryColdProcessAsync(string file, string[] arguments, string workingDirectory, TextWriter output)
    {
        try
        {
            return await ColdProcessAsync(file, arguments, workingDirectory);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            await output.WriteLineAsync($"failed: cold {Path.GetFileName(file)}: {ex.Message}");
            return null;
        }
    }

    /// <summary>Starts a fresh process for one session; the ms from just before the start to its stream_ready.</summary>
    private static async Task<double> ColdProcessAsync(string file, string[] arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var before = Stopwatch.GetTimestamp();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout;
        try
        {
            stdout = await process.StandardOutput.ReadToEndAsync().WaitAsync(Timeout);
            await process.WaitForExitAsync().WaitAsync(Timeout);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        var field = stdout.Split([' ', '\n', ',', '{', '}', '"', ':', '='], StringSplitOptions.RemoveEmptyEntries)
            .SkipWhile(part => part != "ready_monotonic_ns").Skip(1).FirstOrDefault();
        if (process.ExitCode != 0 || field is null)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} failed ({process.ExitCode}): {stdout} {await stderr}");
        }

        var readyNanoseconds = long.Parse(field, CultureInfo.InvariantCulture);
        var beforeNanoseconds = before * (1_000_000_000.0 / Stopwatch.Frequency);
        return (readyNanoseconds - beforeNanoseconds) / 1_000_000.0;
    }

    private static async Task<Process> StartNodeAsync(string official, string script, string url)
    {
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = official,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add(url);
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node.");
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                Console.Error.WriteLine($"{script}: {line}");
            }
        };
        process.BeginErrorReadLine();
        var ready = await ReadJsonLineAsync(process);
        if (!ready.TryGetProperty("ready", out _))
        {
            throw new InvalidOperationException($"{script} did not start: {ready}");
        }

        return process;
    }

    /// <summary>
    /// The next line of ours from a Node process: a JSON object with "ready", "error" or a timing; other lines (rtc-node
    /// writes its own log lines to standard output) are skipped.
    /// </summary>
    private static async Task<JsonElement> ReadJsonLineAsync(Process process)
    {
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(Timeout)
                ?? throw new InvalidOperationException("The Node process exited.");
            if (!line.StartsWith('{'))
            {
                continue;
            }

            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.TryGetProperty("ready", out _) || root.TryGetProperty("error", out _)
                || root.TryGetProperty("ready_ms", out _) || root.TryGetProperty("tracks_ms", out _))
            {
                return root.Clone();
            }
        }
    }

    private static string Join(double[] milliseconds) =>
        string.Join(" / ", milliseconds.Select(v => v.ToString("0.0", CultureInfo.InvariantCulture))) + " ms";

    private static double Ms(JsonElement line, string name) => line.GetProperty(name).GetDouble();

    // LiveKit's core spawns `lsb_release -a` for every join's URL where the host has it: part of every .NET join here
    // that the official SDK (livekit-client) does not pay. Timed the way the core runs it (output captured), 5 times.
    private static async Task<string> OsProbeAsync()
    {
        if (LiveKitPlatform.FindOnPath(LiveKitPlatform.OsProbe, Environment.GetEnvironmentVariable("PATH")) is not { } probe)
        {
            return "os probe: no lsb_release on the PATH (LiveKit's core reads /etc/os-release instead, no process)";
        }

        var times = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var process = Process.Start(new ProcessStartInfo(probe, "-a") { RedirectStandardOutput = true, RedirectStandardError = true })!;
            await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        times.Sort();
        return string.Create(CultureInfo.InvariantCulture, $"os probe: {probe}, which LiveKit's core runs at every .NET join: {times[2]:F1} ms median over 5 runs here (min {times[0]:F1}, max {times[4]:F1})");
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    // tools/KonPro.Benchmarks/bin/<configuration>/net10.0/ -> the repository's root.
    private static string RepositoryRoot() => new DirectoryInfo(AppContext.BaseDirectory).Parent!.Parent!.Parent!.Parent!.Parent!.FullName;

    private static string Configuration() => new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
}
