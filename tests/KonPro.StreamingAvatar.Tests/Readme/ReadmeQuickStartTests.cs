using KonPro.Streaming;
using KonPro.Streaming.Testing;

// A namespace outside KonPro.*, as in a user's project, so that the snippet reads exactly as users write it.
namespace ReadmeSamples;

/// <summary>The README's quick start is this code: it compiles, it runs against the fake, and the README shows it verbatim.</summary>
public sealed class ReadmeQuickStartTests
{
    [Fact]
    public async Task The_quick_start_runs_against_the_fake_server()
    {
        await using var server = await KonProFakeServer.StartAsync(new KonProFakeServerOptions { TimeScale = 0.02, DefaultActivityIdleTimeout = TimeSpan.FromHours(1) });
        var (apiKey, baseUrl) = (server.ApiKey, server.Url);
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        try
        {
            await QuickStartAsync(apiKey, baseUrl);
        }
        finally
        {
            Console.SetOut(original);
        }

        output.ToString().Should().Contain("Avatar: Hello there!");
        server.Journal.RestCalls.Select(c => c.OperationId).Should().ContainInOrder("createToken", "newSession", "startSession", "sendTask", "stopSession");
    }

    [Fact]
    public void The_README_shows_the_quick_start_verbatim() =>
        ReadmeSnippets.ShouldAppearUnder("quick-start", "ReadmeQuickStartTests.cs", "Quick start");

    private static async Task QuickStartAsync(string apiKey, string baseUrl)
    {
        // README:quick-start
        // Server side: exchange the API key for a single-use session token (never ship the key to a device).
        using var admin = new KonProAdminClient(apiKey, baseUrl);
        var token = await admin.CreateTokenAsync();

        // Anywhere: drive one session with the token.
        await using var avatar = new StreamingAvatar(new StreamingAvatarApiConfig { Token = token, BasePath = baseUrl });
        using var transcript = avatar.Events.Transcript()
            .Subscribe(turn => Console.WriteLine($"{turn.Speaker}: {turn.Text}"));

        await avatar.CreateStartAvatarAsync(new StartAvatarRequest
        {
            AvatarName = "default",
            Quality = AvatarQuality.High,
            Voice = new VoiceSetting { Rate = 1.1, Emotion = VoiceEmotion.Friendly },
            Language = "en",
        });

        var speech = await avatar.SpeakAsync(new SpeakRequest
        {
            Text = "Hello there!",
            TaskType = TaskType.Repeat,
            TaskMode = TaskMode.Async,
        });
        var result = await speech.Completed;   // the avatar has finished (or was interrupted)

        await avatar.StopAvatarAsync();
        // README:end
        result.Outcome.Should().Be(SpeakOutcome.Completed);
    }
}
