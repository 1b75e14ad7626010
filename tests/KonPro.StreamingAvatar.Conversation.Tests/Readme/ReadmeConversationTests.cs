using System.Reactive.Linq;
using System.Text.RegularExpressions;
using KonPro.Streaming;
using KonPro.Streaming.Conversation;
using KonPro.Streaming.Conversation.Tests.Support;
using KonPro.Streaming.Testing;
using KonPro.Streaming.TestSupport;
using Microsoft.Extensions.AI;
using OpenAI;

// A namespace outside KonPro.*, as in a user's project, so that the snippet reads exactly as users write it.
namespace ReadmeSamples;

/// <summary>The README's conversation section is this code: it compiles, it runs against the fake, and the README shows it verbatim.</summary>
public sealed partial class ReadmeConversationTests
{
    [Fact]
    public async Task The_conversation_snippet_runs_against_the_fake_server()
    {
        // The snippet's session keeps the fake's default idle timeout (120 s of model time). At a time scale of 0.02 that
        // was 2.4 s of real time, and the session's 600 s limit 12 s: a run that took 49 s on a saturated machine lost
        // its session before the answer was spoken. At 0.1 the idle timeout is 12 s, and the limit is lifted.
        await using var server = await KonProFakeServer.StartAsync(new KonProFakeServerOptions { TimeScale = 0.1, SessionDurationLimit = TimeSpan.FromHours(10) });
        var token = await server.CreateSessionTokenAsync();
        using var model = new ScriptedChatClient(TimeProvider.System);
        model.Enqueue(ScriptedChatClient.Step.Say("The shop is by the entrance. "), ScriptedChatClient.Step.Say("It opens at ten."));
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        try
        {
            await ConversationAsync(model, token, server.Url);
        }
        finally
        {
            Console.SetOut(original);
        }

        output.ToString().Should().Contain("Avatar: The shop is by the entrance. It opens at ten.");
        model.Requests.Single().Messages.Select(m => m.Role).Should().Equal(ChatRole.System, ChatRole.User);
        model.Requests.Single().Options!.Temperature.Should().Be(0.7f);
    }

    [Fact]
    public void The_README_shows_the_conversation_snippets_verbatim()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        var source = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "tests", "KonPro.StreamingAvatar.Conversation.Tests", "Readme", "ReadmeConversationTests.cs"));
        var section = ReadmeCSharp().Match(readme).Groups["code"].Value;
        var readmeCode = string.Join('\n', section.Split('\n').Where(l => l.Trim().Length > 0).Select(l => l.TrimEnd()));

        var regions = Region().Matches(source);
        regions.Should().HaveCount(2);
        foreach (Match region in regions)
        {
            var lines = region.Groups["code"].Value.Split('\n').Where(l => l.Trim().Length > 0).Select(l => l.TrimEnd()).ToList();
            var indent = lines.Min(l => l.Length - l.TrimStart().Length);
            readmeCode.Should().Contain(string.Join('\n', lines.Select(l => l[indent..])));
        }

        string.Join('\n', regions.Select(r => r.Groups["code"].Value)).Split('\n').Count(l => l.Trim().Length > 0 && !l.Trim().StartsWith("//", StringComparison.Ordinal))
            .Should().BeLessThanOrEqualTo(16, "the section is the short version a user copies");
    }

    /// <summary>Compiled, never called: no test contacts a model's endpoint.</summary>
    private static IChatClient OpenAiModel(string openAiKey)
    {
        // README:conversation
        IChatClient model = new OpenAIClient(openAiKey).GetChatClient("gpt-4o-mini").AsIChatClient();   // or any IChatClient
        // README:end
        return model;
    }

    private static async Task ConversationAsync(IChatClient model, string token, string baseUrl)
    {
        // README:conversation
        await using var avatar = new StreamingAvatar(new StreamingAvatarApiConfig { Token = token, BasePath = baseUrl });
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest { Language = "en" });

        await using var conversation = new AvatarConversation(avatar, model, new AvatarConversationOptions
        {
            SystemPrompt = "You are a friendly museum guide. Keep answers short.",
            ChatOptions = new ChatOptions { Temperature = 0.7f },   // tools too, with UseFunctionInvocation()
        });
        using var log = conversation.Turns.OfType<AssistantTurn>()
            .Subscribe(turn => Console.WriteLine($"Avatar: {turn.Text}{(turn.Interrupted ? " (interrupted)" : "")}"));

        // Voice transcripts become user turns by themselves; typed messages go through SendAsync.
        var answer = await conversation.SendAsync("Where is the museum shop?");
        Console.WriteLine($"First sentence spoken after {answer.FirstSpeechLatency?.TotalMilliseconds:0} ms");
        // README:end
        await avatar.StopAvatarAsync();
    }

    [GeneratedRegex(@"// README:conversation\r?\n(?<code>.*?)\r?\n\s*// README:end", RegexOptions.Singleline)]
    private static partial Regex Region();

    [GeneratedRegex(@"## Bring your own LLM.*?```csharp\r?\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex ReadmeCSharp();
}
