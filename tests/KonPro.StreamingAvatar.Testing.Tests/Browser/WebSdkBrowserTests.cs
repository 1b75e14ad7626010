using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using KonPro.Streaming.Testing.Tests.Room;
using KonPro.Streaming.TestSupport;

namespace KonPro.Streaming.Testing.Tests.Browser;

/// <summary>
/// The official web SDK (<c>@heygen/streaming-avatar</c> 2.1.0 from npm, unmodified, bundled with esbuild) in Debian's
/// headless Chromium, web security on, its page served from another origin than the API, against the fake with TLS on
/// port 443 (the SDK opens its chat socket at <c>wss://&lt;host&gt;</c>, port 443) and its room. The browser joins a room
/// over WebRTC: like every room test this runs only inside a network namespace (eng/netns-run).
/// </summary>
[Trait("Category", "Room")]
[Collection(Room.RoomProgramCollection.Name)]
public sealed class WebSdkBrowserTests : IDisposable
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly DirectoryInfo _certificates = Directory.CreateTempSubdirectory("konpro-browser-tls-");

    private static string PageFolder => Path.Combine(RepositoryPaths.Root, "tests", "KonPro.StreamingAvatar.Testing.Tests", "Browser", "page");

    /// <summary>Where the screenshot is kept: KONPRO_TEST_RESULTS (.ci/run sets its results folder) or artifacts/test-results.</summary>
    private static string ResultsFolder =>
        Path.Combine(Environment.GetEnvironmentVariable("KONPRO_TEST_RESULTS") is { Length: > 0 } results ? results : Path.Combine(RepositoryPaths.Root, "artifacts", "test-results"), "browser");

    [SkippableFact]
    public async Task The_official_web_SDK_runs_unmodified_in_Chromium_against_the_fake_over_https_with_its_room()
    {
        RoomNamespace.RequireAddress();
        RequireBrowserAndPage();
        // The default delivery with the room (room-only, as the service): the web SDK emits what either channel delivers.
        var options = new KonProFakeServerOptions { UseHttps = true, Port = 443, TimeScale = 0.5, DevelopmentCertificateDirectory = _certificates.FullName };
        options.Room.Enabled = true;
        await using var server = await KonProFakeServer.StartAsync(options);
        var spki = Convert.ToBase64String(SHA256.HashData(server.Certificate!.PublicKey.ExportSubjectPublicKeyInfo()));
        Directory.CreateDirectory(ResultsFolder);

        var lines = await DriveAsync("--api", "https://127.0.0.1", "--token", await server.CreateSessionTokenAsync(), "--spki", spki, "--out", ResultsFolder);

        var transcript = string.Join(Environment.NewLine, lines.Select(l => l.GetRawText()));
        lines.Should().NotContain(l => Type(l) == "failed", transcript);
        var page = lines.Single(l => Type(l) == "page");
        page.GetProperty("origin").GetString().Should().NotBe("https://127.0.0.1", "the page is on another origin than the API");

        // createStartAvatar, STREAM_READY and the video playing with non-uniform pixels (the screenshot is kept).
        var started = lines.Single(l => Type(l) == "started");
        started.GetProperty("width").GetInt32().Should().Be(320);
        started.GetProperty("height").GetInt32().Should().Be(240);
        started.GetProperty("paused").GetBoolean().Should().BeFalse();
        started.GetProperty("pixels").GetProperty("stddev").GetDouble().Should().BeGreaterThan(5, "the avatar's frame is not one flat colour");
        started.GetProperty("pixels").GetProperty("distinct").GetInt32().Should().BeGreaterThan(8);
        new FileInfo(lines.Single(l => Type(l) == "screenshot").GetProperty("path").GetString()!).Length.Should().BePositive();

        var events = lines.Single(l => Type(l) == "events").GetProperty("events").EnumerateArray().ToList();
        var conversed = lines.Single(l => Type(l) == "conversed");
        var repeatTask = conversed.GetProperty("repeatTaskId").GetString();
        var answerTask = conversed.GetProperty("answerTaskId").GetString();
        events.Count(e => Type(e) == "stream_ready").Should().Be(1);
        // The web SDK's own pinned livekit-client (2.11.3) joins on signalling protocol 15, at /rtc; the room tests'
        // Node client is the current livekit-client (protocol 17, /rtc/v1 first): the room serves both.
        server.Journal.RoomActivity.Should().Contain(r => r.Kind == RoomActivityKind.ParticipantJoined && r.Text != null && r.Text.StartsWith("protocol 15", StringComparison.Ordinal));

        // The REPEAT task's events arrive once each (room-only delivery: the SDK emits what either channel delivers).
        Of(events, "avatar_start_talking", repeatTask).Should().ContainSingle();
        Of(events, "avatar_stop_talking", repeatTask).Should().ContainSingle();
        string.Concat(Of(events, "avatar_talking_message", repeatTask).Select(e => e.GetProperty("detail").GetProperty("message").GetString()))
            .Should().Be("Hello from the browser", "every chunk once, carrying its own spacing (the official demo joins chunks with \"\")");

        // startVoiceChat: Chromium's fake microphone is published in the room and heard (user_start on the chat socket).
        events.Should().Contain(e => Type(e) == "user_start");
        server.Journal.RoomActivity.Should().Contain(r => r.Kind == RoomActivityKind.TrackPublished && r.TrackKind == "audio");

        // The TALK typed over the room: published on the data channel and answered like a talk task.
        server.Journal.RoomActivity.Should().Contain(r => r.Kind == RoomActivityKind.UserMessage && r.Text == "\"What can you do\"");
        events.Should().Contain(e => Type(e) == "user_talking_message" && e.GetProperty("detail").GetProperty("message").GetString() == "What can you do");
        Of(events, "avatar_start_talking", answerTask).Should().ContainSingle();
        Of(events, "avatar_stop_talking", answerTask).Should().ContainSingle();
        Words(string.Concat(Of(events, "avatar_talking_message", answerTask).Select(e => e.GetProperty("detail").GetProperty("message").GetString())))
            .Should().Contain(Words("What can you do"));
        server.Journal.RestCalls.Should().NotContain(c => c.OperationId == KonProOperationIds.SendTask && c.RequestBody!.Contains("What can you do", StringComparison.Ordinal),
            "with the LiveKit transport a typed talk message goes over the room, not REST");

        // stopAvatar: the room's leave reaches the SDK as STREAM_DISCONNECTED.
        events.Count(e => Type(e) == "stream_disconnected").Should().Be(1);
        server.Sessions.Should().ContainSingle().Which.Status.Should().Be(Api.SessionStatus.Closed);
    }

    public void Dispose() => _certificates.Delete(recursive: true);

    private static void RequireBrowserAndPage()
    {
        if (!File.Exists(Chromium))
        {
            // Like the namespace: skipped where it cannot run, a failure where it must (KONPRO_ROOM_TESTS=required, as CI sets it).
            var reason = $"The browser test needs Debian's Chromium at {Chromium} (`apt-get install -y chromium`; .ci/run installs it). No browser is ever downloaded.";
            if (string.Equals(Environment.GetEnvironmentVariable(RoomNamespace.RequiredVariable), "required", StringComparison.Ordinal))
            {
                Assert.Fail(reason);
            }

            throw new SkipException(reason);
        }

        if (!File.Exists(Path.Combine(PageFolder, "node_modules", "puppeteer-core", "package.json")) || !File.Exists(Path.Combine(PageFolder, "dist", "page.js")))
        {
            Assert.Fail($"The browser test's page is not built: run `npm ci && npm run build` in {PageFolder} (outside the namespace; .ci/run does).");
        }
    }

    private static async Task<List<JsonElement>> DriveAsync(params string[] args)
    {
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = PageFolder,
        };
        start.ArgumentList.Add("drive.mjs");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(Patience);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The browser driver did not finish within {Patience}. It printed:{Environment.NewLine}{await stdout}{Environment.NewLine}{await stderr}");
        }

        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        lines.Should().Contain(l => Type(l) == "events", $"the driver reports the page's events (exit {process.ExitCode}):{Environment.NewLine}{await stderr}");
        return lines;
    }

    private static string? Type(JsonElement e) => e.TryGetProperty("type", out var type) ? type.GetString() : null;

    private static IEnumerable<JsonElement> Of(List<JsonElement> events, string type, string? taskId) =>
        events.Where(e => Type(e) == type && e.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.Object
            && d.TryGetProperty("task_id", out var t) && t.GetString() == taskId);

    /// <summary>The text without its spacing (how chunks are spaced is another test's concern).</summary>
    private static string Words(string? text) => string.Concat((text ?? string.Empty).Where(c => !char.IsWhiteSpace(c)));
}
