using System.Collections.Concurrent;
using System.Text.Json;
using KonPro.AvatarWeb.Sessions;
using KonPro.AvatarWeb.Tests.Support;
using KonPro.Streaming.Testing;
using KonPro.Streaming.TestSupport;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace KonPro.AvatarWeb.Tests.Browser;

/// <summary>
/// The sample end to end in Debian's headless Chromium (Playwright for .NET driving /usr/bin/chromium; no browser is
/// downloaded), with Chromium's fake camera and a fake microphone playing a WAV the test writes: the server runs offline
/// on its embedded fake with the room and joins it as the agent; the page joins as the user. Inside a network namespace
/// only (eng/netns-run); skipped outside.
/// </summary>
[Trait("Category", "Room")]
public sealed class AvatarWebBrowserTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly DirectoryInfo _scratch = Directory.CreateTempSubdirectory("konpro-avatar-web-");

    /// <summary>Where the screenshot is kept: KONPRO_TEST_RESULTS (.ci/run sets its results folder) or artifacts/test-results.</summary>
    private static string ResultsFolder =>
        Path.Combine(Environment.GetEnvironmentVariable("KONPRO_TEST_RESULTS") is { Length: > 0 } results ? results : Path.Combine(RepositoryPaths.Root, "artifacts", "test-results"), "avatar-web");

    [SkippableFact]
    public async Task In_Chromium_the_page_plays_the_avatar_answers_typed_text_hears_the_microphone_is_interrupted_and_stop_ends_the_session()
    {
        RoomNamespace.RequireAddressAndBrowser();
        await using var app = new AvatarWebApp(Settings(pageGone: "00:00:30"), realTime: true);
        await using var browser = await BrowserSession.LaunchAsync(app, _scratch.FullName);
        var page = browser.Page;

        // The page loads, a session starts, the video plays the avatar.
        await page.ClickAsync("#start");
        await page.WaitForFunctionAsync("document.querySelector('#session-state').dataset.state === 'live'", null, new() { Timeout = Ms(Patience) });
        var session = app.Sessions.Find(await page.EvaluateAsync<string>("window.__sessionId()"))!;
        await page.WaitForFunctionAsync("document.querySelector('#avatar-video').videoWidth > 0 && !document.querySelector('#avatar-video').paused", null, new() { Timeout = Ms(Patience) });
        // The first decoded frames may still be blank: wait for the avatar's own (its text on its idle colour).
        await page.WaitForFunctionAsync("(() => { const f = window.__frame(); return f.distinct > 8 && f.blue > f.green; })()", null, new() { Timeout = Ms(Patience) });
        browser.ConsoleErrors.Should().BeEmpty("the page loads and starts a session without an error in its console");
        var idle = await FrameAsync(page);
        idle.Width.Should().Be(320);
        idle.Distinct.Should().BeGreaterThan(8, "the avatar's frame is not one flat colour");

        // A typed question: the assistant's turn appears on the page, and the frame shows the avatar talking (the fake
        // avatar's frame is green while it talks, dark blue while idle).
        await page.FillAsync("#message", "Where is the museum shop?");
        await page.ClickAsync("#send");
        await page.WaitForSelectorAsync("#avatar-state[data-state='talking']", new() { Timeout = Ms(Patience) });
        await page.WaitForFunctionAsync("(() => { const f = window.__frame(); return f.green > f.blue; })()", null, new() { Timeout = Ms(Patience) });
        var answer = await page.WaitForSelectorAsync("#turns li[data-role='assistant']", new() { Timeout = Ms(Patience) });
        (await answer!.TextContentAsync()).Should().Contain("museum shop");
        Directory.CreateDirectory(ResultsFolder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ResultsFolder, "avatar-web.png") });

        // Speaking over the avatar: a long answer, then the microphone opens (the fake one plays a loud tone); the user's
        // turn starts, the avatar is interrupted, and the voice turn is answered.
        app.Fake.EnqueueTranscript("Sorry, where is the shop again?", session.SessionId);
        await page.FillAsync("#message", "Tell me a story");
        await page.ClickAsync("#send");
        await page.WaitForFunctionAsync("[...document.querySelectorAll('#turns li[data-role=user]')].length === 2 && document.querySelector('#avatar-state').dataset.state === 'talking'", null, new() { Timeout = Ms(Patience) });
        await page.CheckAsync("#open-mic");
        await page.WaitForSelectorAsync("#turns li[data-role='assistant'][data-interrupted='true']", new() { Timeout = Ms(Patience) });
        var voiceTurn = await page.WaitForSelectorAsync("#turns li[data-role='user'][data-source='voice']", new() { Timeout = Ms(Patience) });
        (await voiceTurn!.TextContentAsync()).Should().Be("Sorry, where is the shop again?");
        await page.WaitForSelectorAsync("#turns li[data-role='user'][data-source='voice'] + li[data-role='assistant']", new() { Timeout = Ms(Patience) });
        await page.ScreenshotAsync(new() { Path = Path.Combine(ResultsFolder, "avatar-web-conversation.png") });
        (await page.EvaluateAsync<string[]>("window.__sse")).Should().Contain(data => data.Contains("\"type\":\"voice\"", StringComparison.Ordinal) && data.Contains("\"state\":\"speaking\"", StringComparison.Ordinal), "the page showed the user speaking");
        app.Fake.Journal.RoomActivity.Should().Contain(r => r.SessionId == session.SessionId && r.Identity == "client" && r.Kind == RoomActivityKind.TrackPublished && r.TrackKind == "audio");
        app.Fake.Journal.RoomActivity.Should().Contain(r => r.SessionId == session.SessionId && r.Kind == RoomActivityKind.AudioReceived && r.AudioLevel > 0.05, "the microphone's sound reached the room");
        var history = session.History.Where(m => m.Role == Microsoft.Extensions.AI.ChatRole.Assistant).Select(m => m.Text).ToList();
        history.Should().Contain(t => t.StartsWith("Once upon a time", StringComparison.Ordinal) && !t.Contains("The end.", StringComparison.Ordinal), "the history keeps only what was said of the interrupted story");
        session.History.Select(m => m.Text).Should().Contain("Sorry, where is the shop again?");

        // Stop ends the session on the fake within a bounded wait.
        await page.ClickAsync("#stop");
        await session.Ended.WaitAsync(Patience);
        session.EndReason.Should().Be("stopped");
        await app.WaitForAsync(() => Stops(app.Fake, session.SessionId) == 1, "stop on the fake");
        await page.WaitForSelectorAsync("#session-state[data-state='ended']", new() { Timeout = Ms(Patience) });
        (await page.TextContentAsync("#session-state")).Should().Be("ended: stopped", "the room closing under the stop is the stop");

        // Nothing the page sent or received carries the API key or a session token; it got the user's room token only.
        browser.AssertNoSecrets(app.Fake, SessionEndpointsTestsSecrets(app.Fake));
    }

    [SkippableFact]
    public async Task Closing_the_page_ends_its_session_on_the_fake()
    {
        RoomNamespace.RequireAddressAndBrowser();
        await using var app = new AvatarWebApp(Settings(pageGone: "00:00:05"), realTime: true);
        await using var browser = await BrowserSession.LaunchAsync(app, _scratch.FullName);
        var page = browser.Page;
        await page.ClickAsync("#start");
        await page.WaitForFunctionAsync("document.querySelector('#session-state').dataset.state === 'live'", null, new() { Timeout = Ms(Patience) });
        var session = app.Sessions.Find(await page.EvaluateAsync<string>("window.__sessionId()"))!;

        await page.CloseAsync(new() { RunBeforeUnload = true });

        await session.Ended.WaitAsync(Patience);
        session.EndReason.Should().Be("page_closed");
        await app.WaitForAsync(() => Stops(app.Fake, session.SessionId) == 1, "stop on the fake");
        await app.WaitForAsync(
            () => app.Fake.Journal.RoomActivity.Any(r => r.SessionId == session.SessionId && r.Identity == "client" && r.Kind == RoomActivityKind.ParticipantLeft),
            "the browser to leave the room");
    }

    [SkippableFact]
    public async Task When_the_server_goes_away_the_page_says_so_and_ends_its_session()
    {
        RoomNamespace.RequireAddressAndBrowser();
        await using var app = new AvatarWebApp(Settings(pageGone: "00:00:30"), realTime: true);
        await using var browser = await BrowserSession.LaunchAsync(app, _scratch.FullName);
        var page = browser.Page;
        await page.ClickAsync("#start");
        await page.WaitForFunctionAsync("document.querySelector('#session-state').dataset.state === 'live'", null, new() { Timeout = Ms(Patience) });

        // The server's sockets go at once, as in a crash or a cut network: the event stream is cut and every new
        // connection refused, while the room and the service go on.
        await app.Services.GetRequiredService<IServer>().StopAsync(new CancellationToken(canceled: true));

        await page.WaitForSelectorAsync("#session-state[data-state='reconnecting']", new() { Timeout = Ms(Patience) });
        await page.WaitForSelectorAsync("#session-state[data-state='ended']", new() { Timeout = Ms(Patience) });
        (await page.TextContentAsync("#session-state")).Should().Be("ended: the server is unreachable");
        (await page.IsDisabledAsync("#send")).Should().BeTrue("nothing can be sent to a server that is gone");
        (await page.IsEnabledAsync("#start")).Should().BeTrue();
    }

    public void Dispose() => _scratch.Delete(recursive: true);

    private static Dictionary<string, string?> Settings(string pageGone) => new()
    {
        ["KonPro:JoinRoom"] = "true",
        ["KonPro:OfflineRoom"] = "true",
        ["AvatarWeb:PageGone"] = pageGone,
    };

    private static IEnumerable<string> SessionEndpointsTestsSecrets(KonProFakeServer fake) =>
        Api.SessionEndpointsTests.SessionTokens(fake).Append(fake.ApiKey);

    private static int Stops(KonProFakeServer fake, string sessionId) =>
        fake.Journal.RestCalls.Count(c => c.OperationId == KonProOperationIds.StopSession && c.SessionId == sessionId);

    private static float Ms(TimeSpan span) => (float)span.TotalMilliseconds;

    /// <summary>The video's current frame, read back through a canvas: its size, mean colour and how many distinct colours it has.</summary>
    private static async Task<Frame> FrameAsync(IPage page)
    {
        var json = await page.EvaluateAsync<JsonElement>("window.__frame()");
        return new Frame(json.GetProperty("width").GetInt32(), json.GetProperty("red").GetDouble(), json.GetProperty("green").GetDouble(), json.GetProperty("blue").GetDouble(), json.GetProperty("distinct").GetInt32());
    }

    private sealed record Frame(int Width, double Red, double Green, double Blue, int Distinct);
}

/// <summary>Chromium with fake media, one page on the app, and everything the page sent and received.</summary>
internal sealed class BrowserSession : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly ConcurrentQueue<string> _sent = new();
    private readonly ConcurrentQueue<string> _received = new();
    private readonly ConcurrentQueue<string> _consoleErrors = new();

    private BrowserSession(IPlaywright playwright, IBrowser browser, IPage page)
    {
        _playwright = playwright;
        _browser = browser;
        Page = page;
    }

    public IPage Page { get; }

    /// <summary>The errors the page's console showed (failed loads included).</summary>
    public IReadOnlyCollection<string> ConsoleErrors => _consoleErrors;

    public static async Task<BrowserSession> LaunchAsync(AvatarWebApp app, string scratch)
    {
        var microphone = FakeMicrophone.Write(scratch, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(30));
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = RoomNamespace.Chromium,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
                "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                $"--use-file-for-fake-audio-capture={microphone}%noloop",
                "--autoplay-policy=no-user-gesture-required",
            ],
        });
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 960, Height = 560 }, BaseURL = app.ServerAddress.ToString() });
        await context.GrantPermissionsAsync(["microphone", "camera"]);
        var page = await context.NewPageAsync();
        var session = new BrowserSession(playwright, browser, page);
        page.Console += (_, message) =>
        {
            Console.Error.WriteLine($"[page {message.Type}] {message.Text}");
            if (message.Type == "error")
            {
                session._consoleErrors.Enqueue(message.Text);
            }
        };
        page.Request += (_, request) =>
            session._sent.Enqueue($"{request.Method} {request.Url} {string.Join(' ', request.Headers.Select(h => h.Key + ": " + h.Value))} {request.PostData}");
        page.WebSocket += (_, socket) => session._sent.Enqueue("WS " + socket.Url);
        page.Response += async (_, response) =>
        {
            if (response.Url.Contains("/api/", StringComparison.Ordinal) && !response.Url.EndsWith("/events", StringComparison.Ordinal))
            {
                try
                {
                    session._received.Enqueue(await response.TextAsync());
                }
                catch (PlaywrightException)
                {
                    // No body (204), or the page is gone.
                }
            }
        };
        // Every Server-Sent Event the page receives (not the stream's open and error, which carry no data), kept for the
        // secrets check; and the video's current frame read back through a canvas (size, mean colour, how many colours).
        await page.AddInitScriptAsync("""
            window.__frame = () => {
              const v = document.querySelector('#avatar-video');
              const c = document.createElement('canvas');
              c.width = v.videoWidth; c.height = v.videoHeight;
              const g = c.getContext('2d');
              g.drawImage(v, 0, 0);
              const d = g.getImageData(0, 0, c.width, c.height).data;
              let r = 0, gr = 0, b = 0; const colours = new Set();
              for (let i = 0; i < d.length; i += 4) { r += d[i]; gr += d[i + 1]; b += d[i + 2]; colours.add(d[i] << 16 | d[i + 1] << 8 | d[i + 2]); }
              const n = Math.max(1, d.length / 4);
              return { width: c.width, red: r / n, green: gr / n, blue: b / n, distinct: colours.size };
            };
            window.__sse = [];
            const add = EventSource.prototype.addEventListener;
            EventSource.prototype.addEventListener = function (type, listener, options) {
              return add.call(this, type, (e) => { if (e.data !== undefined) window.__sse.push(e.data); listener(e); }, options);
            };
            """);
        await page.GotoAsync("/");
        return session;
    }

    /// <summary>No request the page made, and nothing it received, carries the API key or a session token.</summary>
    public void AssertNoSecrets(KonProFakeServer fake, IEnumerable<string> secrets)
    {
        var received = _received.Concat(Page.IsClosed ? [] : Page.EvaluateAsync<string[]>("window.__sse").GetAwaiter().GetResult()).ToList();
        _sent.Should().NotBeEmpty();
        received.Should().NotBeEmpty();
        foreach (var secret in secrets)
        {
            _sent.Should().NotContain(s => s.Contains(secret, StringComparison.Ordinal), "no request of the page carries the API key or a session token");
            received.Should().NotContain(s => s.Contains(secret, StringComparison.Ordinal), "the page never receives the API key or a session token");
        }

        fake.ApiKey.Should().NotBeNullOrEmpty();
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.CloseAsync();
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
