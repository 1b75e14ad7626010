using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace KonPro.AvatarWeb.Llm;

/// <summary>
/// STAND-IN MODEL, NOT AN LLM: a tiny deterministic chat client so the sample runs offline. It answers from a few
/// canned rules and streams word by word, as a model streams tokens. Set <c>Llm:Endpoint</c> (any OpenAI-compatible
/// endpoint) to talk to a real model instead.
/// </summary>
public sealed class StandInChatClient(TimeSpan perWord) : IChatClient
{
    public const string Label = "stand-in model (deterministic, offline; not an LLM)";

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken).ConfigureAwait(false);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var history = messages.ToList();
        var question = history.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? string.Empty;
        var turn = history.Count(m => m.Role == ChatRole.User);
        foreach (var word in Answer(question, turn).Split(' '))
        {
            await Task.Delay(perWord, cancellationToken).ConfigureAwait(false);
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
            return "Once upon a time an avatar lived in a browser tab, while its brain lived on a server. "
                + "The server kept every secret key to itself and handed the page only a ticket to the room. "
                + "Every word the avatar spoke travelled to the page as an event, one sentence at a time. "
                + "And when somebody spoke over it, the avatar stopped at once, because that is good manners. "
                + "The end.";
        }

        if (q.Contains("SHOP", StringComparison.Ordinal))
        {
            return "The museum shop is next to the entrance. It sells postcards, books and small replicas.";
        }

        return $"You said: {question.Trim().TrimEnd('.', '!', '?')}. This is answer number {turn} from the stand-in model. Ask me for a story!";
    }
}
