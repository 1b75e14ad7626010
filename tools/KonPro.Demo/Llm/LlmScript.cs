using System.ClientModel;
using System.Diagnostics;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using KonPro.Streaming;
using KonPro.Streaming.Admin;
using KonPro.Streaming.Conversation;
using KonPro.Streaming.Testing;
using KonPro.Streaming.Voice;
using Microsoft.Extensions.AI;
using OpenAI;
using Spectre.Console;
using Avatar = KonPro.Streaming.StreamingAvatar;

namespace KonPro.Demo.Llm;

/// <summary>
/// The --llm mode: a conversation pipeline (AvatarConversation) between the avatar and a chat model, either the
/// demo's stand-in model (offline) or an OpenAI-compatible endpoint (--llm-url, --llm-key, --llm-model).
/// </summary>
internal sealed class LlmScript(DemoSettings settings)
{
    public async Task<int> RunAsync()
    {
        using var deadline = new CancellationTokenSource(settings.Timeout);
        var ct = deadline.Token;
        KonProFakeServer? fake = null;
        try
        {
            AnsiConsole.MarkupLine("[bold]KonPro streaming avatar demo: bring your own LLM[/]");
            using var model = CreateModel(out var modelName);
            AnsiConsole.MarkupLine($"  model: [blue]{Markup.Escape(modelName)}[/]");

            string baseUrl;
            string? apiKey = settings.ApiKey;
            if (settings.UseEmbeddedFake)
            {
                fake = await KonProFakeServer.StartAsync(new KonProFakeServerOptions { TimeScale = settings.TimeScale }, ct);
                baseUrl = fake.Url;
                apiKey = fake.ApiKey;
                AnsiConsole.MarkupLine($"  fake server at [blue]{Markup.Escape(baseUrl)}[/], time scale {settings.TimeScale}");
            }
            else
            {
                baseUrl = settings.BaseUrl!;
            }

            using var http = new HttpClient();
            var token = settings.Token;
            if (token is null)
            {
                using var admin = new KonProAdminClient(new StreamingAvatarApiConfig { ApiKey = apiKey, BasePath = baseUrl }, http);
                token = await admin.CreateTokenAsync(ct);
            }

            await using var avatar = new Avatar(new StreamingAvatarApiConfig { Token = token, BasePath = baseUrl }, http, new StreamingAvatarOptions { AutoKeepAlive = true });
            await avatar.CreateStartAvatarAsync(new StartAvatarRequest { Language = "en", ActivityIdleTimeout = 300 }, ct);
            AnsiConsole.MarkupLine("[green]ok[/]  avatar started");

            await using var conversation = new AvatarConversation(avatar, model, new AvatarConversationOptions
            {
                SystemPrompt = "You are a friendly museum guide. Answer in two or three short sentences.",
            });
            using var printing = conversation.Turns.Subscribe(Print);

            var first = await conversation.SendAsync("Hello, who are you?", ct);
            Expect(first.Error is null && first.SpokenPieces.Count > 0, "the first answer should be spoken");

            if (fake is not null)
            {
                // A voice turn: the fake transcribes the generated clip as this sentence.
                fake.EnqueueTranscript("What is the weather like?");
                await using var microphone = new PushAudioSource();
                await avatar.StartVoiceChatAsync(new StartVoiceChatRequest { AudioSource = microphone }, ct);
                await avatar.StopListeningAsync(ct); // the model answers, not the service's own
                var voiceAnswer = conversation.Turns.OfType<AssistantTurn>().Take(1).ToTask(ct);
                microphone.Push(AudioClips.SpeechLike(TimeSpan.FromMilliseconds(600)));
                microphone.Push(AudioClips.Silence(TimeSpan.FromMilliseconds(1500)));
                await voiceAnswer;

                // Barge-in: the user speaks while the avatar tells a long story.
                fake.EnqueueTranscript("Thanks, that is enough.");
                var afterStory = conversation.Turns.OfType<AssistantTurn>().Skip(1).Take(1).ToTask(ct);
                var story = conversation.SendAsync("Tell me a story.", ct);
                await avatar.AvatarStartTalking.Take(1).ToTask(ct);
                await Task.Delay(TimeSpan.FromSeconds(2 * settings.TimeScale), ct);
                microphone.Push(AudioClips.SpeechLike(TimeSpan.FromMilliseconds(600)));
                microphone.Push(AudioClips.Silence(TimeSpan.FromMilliseconds(1500)));
                var cut = await story;
                Expect(cut.Interrupted, "the story should be cut short by the user's barge-in");
                await afterStory;
                await avatar.CloseVoiceChatAsync(ct);
            }

            AnsiConsole.MarkupLine("[bold]History kept for the next request[/] (what was actually said):");
            foreach (var message in conversation.History)
            {
                AnsiConsole.MarkupLine($"  [grey]{Markup.Escape(message.Role.Value)}[/] {Markup.Escape(message.Text)}");
            }

            await avatar.StopAvatarAsync(ct);
            AnsiConsole.MarkupLine("[bold green]LLM demo finished: every step succeeded.[/]");
            return 0;
        }
        catch (Exception ex)
        {
            AnsiConsole.MarkupLine($"[red]FAILED[/]: {Markup.Escape(ex.GetType().Name)}: {Markup.Escape(ex.Message)}");
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

    private IChatClient CreateModel(out string name)
    {
        if (settings.LlmUrl is null)
        {
            name = StandInChatClient.Label;
            return new StandInChatClient(TimeSpan.FromMilliseconds(Math.Max(5, 120 * settings.TimeScale)));
        }

        // Any OpenAI-compatible endpoint (OpenAI, Azure OpenAI's v1 route, a local Ollama at http://localhost:11434/v1, ...).
        var model = settings.LlmModel ?? "gpt-4o-mini";
        name = $"{model} at {settings.LlmUrl}";
        var client = new OpenAIClient(new ApiKeyCredential(settings.LlmKey ?? "no-key"), new OpenAIClientOptions { Endpoint = new Uri(settings.LlmUrl) });
        return client.GetChatClient(model).AsIChatClient();
    }

    private static void Print(ConversationTurn turn)
    {
        switch (turn)
        {
            case UserTurn user:
                AnsiConsole.MarkupLine($"  [yellow]user ({user.Source.ToString().ToLowerInvariant()})[/] {Markup.Escape(user.Text)}");
                break;
            case AssistantTurn answer:
                var how = answer.Error is not null ? $"[red]failed: {Markup.Escape(answer.Error.Message)}[/]"
                    : answer.Interrupted ? "[red]interrupted[/]" : "[grey]spoken[/]";
                var latency = answer.FirstSpeechLatency is { } l ? $" [grey](first sentence after {l.TotalMilliseconds:0} ms)[/]" : string.Empty;
                AnsiConsole.MarkupLine($"  [green]avatar[/] {Markup.Escape(answer.Text)} {how}{latency}");
                break;
        }
    }

    private static void Expect(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException("Unexpected: " + what + ".");
        }
    }
}
