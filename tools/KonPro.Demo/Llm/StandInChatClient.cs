using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace KonPro.Demo.Llm;

/// <summary>
/// STAND-IN MODEL, NOT AN LLM: a tiny deterministic chat client that ships with the demo so the --llm mode runs
/// offline. It answers from a few canned rules and streams its answer word by word, as a real model streams tokens.
/// Give --llm-url to talk to a real OpenAI-compatible model instead.
/// </summary>
internal sealed class StandInChatClient(TimeSpan perWord) : IChatClient
{
    public const string Label = "stand-in model (deterministic, offline; not an LLM)";

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var history = messages.ToList();
        var question = history.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? string.Empty;
        var turns = history.Count(m => m.Role == ChatRole.User);
        foreach (var word in Answer(question, turns).Split(' '))
        {
            await Task.Delay(perWord, cancellationToken);
            yield return new ChatResponseUpdate(ChatRole.Assistant, word + " ");
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }

    private static string Answer(string question, int turn)
    {
        var q = question.ToUpperInvariant();
        if (q.Contains("STORY", StringComparison.Ordinal))
        {
            return "Once upon a time a small avatar lived in a loopback server. Every morning it woke up on port zero and looked for a free port. "
                + "It spoke every sentence as soon as the model wrote it, so nobody ever waited long. "
                + "One day a user interrupted it, and it stopped at once, because that is good manners. "
                + "The end.";
        }

        if (q.Contains("WEATHER", StringComparison.Ordinal))
        {
            return "I cannot see outside, I am a stand-in model. But the fake server says it is always sunny on 127.0.0.1.";
        }

        return $"You said: {question.Trim().TrimEnd('.', '!', '?')}. This is answer number {turn} from the stand-in model. Ask me for a story!";
    }
}
