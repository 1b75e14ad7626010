using System.Diagnostics;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using KonPro.Streaming;
using KonPro.Streaming.Admin;
using KonPro.Streaming.Events;
using KonPro.Streaming.Speaking;
using KonPro.Streaming.Testing;
using KonPro.Streaming.Voice;
using Spectre.Console;
using Avatar = KonPro.Streaming.StreamingAvatar;

namespace KonPro.Demo;

/// <summary>The scripted conversation, step by step, each step timed.</summary>
internal sealed class ConversationScript(DemoSettings settings)
{
    private readonly List<(string Step, TimeSpan Elapsed, bool Ok)> _steps = [];
    private readonly Dictionary<string, int> _eventCounts = new(StringComparer.Ordinal);
    private readonly bool _interactive = AnsiConsole.Profile.Capabilities.Interactive;

    public async Task<int> RunAsync()
    {
        using var deadline = new CancellationTokenSource(settings.Timeout);
        var ct = deadline.Token;
        KonProFakeServer? fake = null;
        try
        {
            AnsiConsole.MarkupLine("[bold]KonPro streaming avatar demo[/]");
            string baseUrl;
            string? apiKey = settings.ApiKey;
            if (settings.UseEmbeddedFake)
            {
                var fakeOptions = new KonProFakeServerOptions { TimeScale = settings.TimeScale };
                fakeOptions.Room.Enabled = settings.Room && KonPro.Streaming.LiveKit.LiveKitPlatform.IsSupported;
                fake = await StepAsync("Start the embedded fake server", () => KonProFakeServer.StartAsync(fakeOptions, ct));
                fake.Responder = context => $"You said \"{context.UserText}\". Happy to help!";
                baseUrl = fake.Url;
                apiKey = fake.ApiKey;
                AnsiConsole.MarkupLine($"  fake server at [blue]{Markup.Escape(baseUrl)}[/], time scale {settings.TimeScale}");
            }
            else
            {
                baseUrl = settings.BaseUrl!;
                AnsiConsole.MarkupLine($"  endpoint [blue]{Markup.Escape(baseUrl)}[/]");
            }

            using var http = new HttpClient();
            var token = settings.Token;
            if (token is null)
            {
                using var admin = new KonProAdminClient(new StreamingAvatarApiConfig { ApiKey = apiKey, BasePath = baseUrl }, http);
                token = await StepAsync("Create a session token (admin client)", () => admin.CreateTokenAsync(ct));
            }

            using var room = RoomView.TryCreate(settings, out var roomConnector);
            await using var avatar = new Avatar(
                new StreamingAvatarApiConfig { Token = token, BasePath = baseUrl },
                http,
                new StreamingAvatarOptions { AutoKeepAlive = true, RoomConnector = roomConnector });
            using var counting = avatar.Events.Subscribe(e =>
            {
                lock (_eventCounts)
                {
                    _eventCounts[e.Name] = _eventCounts.GetValueOrDefault(e.Name) + 1;
                }
            });

            // The live transcript: an Rx pipeline over the typed events.
            var transcriptDone = avatar.Events
                .Transcript()
                .Do(entry => AnsiConsole.MarkupLine(entry.Speaker == Speaker.Avatar
                    ? $"  [green]avatar[/] {Markup.Escape(entry.Text.Trim())}"
                    : $"  [yellow]user[/]   {Markup.Escape(entry.Text.Trim())}"))
                .Count()
                .ToTask(CancellationToken.None);
            using var states = avatar.State.Subscribe(s => AnsiConsole.MarkupLine($"  [grey]state {s}[/]"));

            var session = await StepAsync("Start the avatar (new + start + chat socket)", () =>
                avatar.CreateStartAvatarAsync(new StartAvatarRequest { Quality = AvatarQuality.Medium, Language = "en", ActivityIdleTimeout = 300 }, ct));
            AnsiConsole.MarkupLine($"  session [blue]{Markup.Escape(session.SessionId)}[/]");
            room?.Attach(avatar);

            var repeat = await StepAsync("Speak (REPEAT)", () => avatar.SpeakAsync(
                new SpeakRequest { Text = "Welcome to the KonPro streaming avatar demo.", TaskType = TaskType.Repeat, TaskMode = TaskMode.Async }, ct));
            await StepAsync("  ... until the avatar finished", () => repeat.WaitForCompletionAsync(settings.Timeout, ct));

            var talk = await StepAsync("Speak (TALK, sync)", () => avatar.SpeakAsync(
                new SpeakRequest { Text = "What can you do?", TaskType = TaskType.Talk, TaskMode = TaskMode.Sync }, ct));
            await StepAsync("  ... until the answer ended", () => talk.WaitForCompletionAsync(settings.Timeout, ct));

            var longOne = await StepAsync("Speak a long utterance", () => avatar.SpeakAsync(new SpeakRequest
            {
                Text = string.Join(' ', Enumerable.Repeat("This is a long story that nobody wants to hear to the end.", 6)),
                TaskType = TaskType.Repeat,
                TaskMode = TaskMode.Async,
            }, ct));
            await StepAsync("  ... until it started", () => longOne.Started.WaitAsync(ct));
            await StepAsync("Interrupt it", () => avatar.InterruptAsync(ct));
            var cut = await StepAsync("  ... until it ended", () => longOne.WaitForCompletionAsync(settings.Timeout, ct));
            Expect(cut.Outcome == SpeakOutcome.Interrupted, $"the long utterance should end interrupted, not {cut.Outcome}");

            var typedReply = avatar.Events.OfType<UserEndMessage>().Take(1)
                .SelectMany(_ => avatar.AvatarStopTalking.Take(1))
                .ToTask(ct);
            await StepAsync("Send a typed message", () => avatar.SendMessageAsync("Tell me something nice.", ct));
            await StepAsync("  ... until the avatar answered", () => typedReply);

            fake?.EnqueueTranscript("How is the weather today?");
            var voiceReply = avatar.UserStop.Take(1)
                .SelectMany(_ => avatar.AvatarStopTalking.Take(1))
                .ToTask(ct);
            var clip = new MemoryStream([
                .. AudioClips.Silence(TimeSpan.FromMilliseconds(300)),
                .. AudioClips.SpeechLike(TimeSpan.FromSeconds(1)),
                .. AudioClips.Silence(TimeSpan.FromSeconds(1.5)),
            ]);
            await using (var source = new PcmStreamAudioSource(clip))
            {
                await StepAsync("Start voice chat with a generated audio clip", () => avatar.StartVoiceChatAsync(new StartVoiceChatRequest { AudioSource = source }, ct));
                await StepAsync("  ... until the avatar answered the voice", () => voiceReply);
                await StepAsync("Close voice chat", () => avatar.CloseVoiceChatAsync(ct));
            }

            if (room is not null)
            {
                await StepAsync("Room: frame counts and the snapshot", () => room.FinishAsync(ct));
            }

            await StepAsync("Keep alive", () => avatar.KeepAliveAsync(ct));
            await StepAsync("Stop the avatar", () => avatar.StopAvatarAsync(ct));
            var lines = await transcriptDone.WaitAsync(TimeSpan.FromSeconds(10), ct);
            Expect(lines > 0, "the transcript should not be empty");
            Summary(success: true);
            return 0;
        }
        catch (Exception ex)
        {
            AnsiConsole.MarkupLine($"[red]FAILED[/]: {Markup.Escape(ex.GetType().Name)}: {Markup.Escape(ex.Message)}");
            Summary(success: false);
            return 1;
        }
        finally
        {
            if (fake is not null)
            {
                await fake.DisposeAsync();
            }
        }
    }

    private static void Expect(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException("Unexpected: " + what + ".");
        }
    }

    private async Task StepAsync(string step, Func<Task> action) =>
        await StepAsync(step, async () =>
        {
            await action();
            return true;
        });

    private async Task<T> StepAsync<T>(string step, Func<Task<T>> action)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            T result;
            if (_interactive)
            {
                result = await AnsiConsole.Status().Spinner(Spinner.Known.Dots).StartAsync(step, _ => action());
            }
            else
            {
                AnsiConsole.MarkupLine($"[grey]...[/] {Markup.Escape(step)}");
                result = await action();
            }

            _steps.Add((step, watch.Elapsed, true));
            AnsiConsole.MarkupLine($"[green]ok[/]  {Markup.Escape(step)} [grey]({watch.Elapsed.TotalMilliseconds:0} ms)[/]");
            return result;
        }
        catch
        {
            _steps.Add((step, watch.Elapsed, false));
            throw;
        }
    }

    private void Summary(bool success)
    {
        var calls = new Table().Title("Steps").AddColumn("step").AddColumn(new TableColumn("ms").RightAligned()).AddColumn("result");
        foreach (var (step, elapsed, ok) in _steps)
        {
            calls.AddRow(Markup.Escape(step), elapsed.TotalMilliseconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture), ok ? "[green]ok[/]" : "[red]failed[/]");
        }

        var events = new Table().Title("Events").AddColumn("event").AddColumn(new TableColumn("count").RightAligned());
        lock (_eventCounts)
        {
            foreach (var (name, count) in _eventCounts.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                events.AddRow(Markup.Escape(name), count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        AnsiConsole.Write(calls);
        AnsiConsole.Write(events);
        AnsiConsole.MarkupLine(success ? "[bold green]Demo finished: every step succeeded.[/]" : "[bold red]Demo failed.[/]");
    }
}
