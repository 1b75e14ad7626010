using KonPro.Streaming.Conversation;

namespace KonPro.AvatarWeb.Sessions;

/// <summary>
/// One thing the page shows, sent as a Server-Sent Event named <see cref="Type"/> with this record as JSON data (null
/// fields left out) and <see cref="Seq"/> as its id, so a reconnecting <c>EventSource</c> resumes where it was.
/// Never a key or a token.
/// </summary>
/// <param name="Seq">The event's number in its session, from 1.</param>
/// <param name="Type"><c>connected</c> (first on every stream, without an id), <c>turn</c>, <c>state</c>, <c>caption</c>, <c>voice</c>, <c>quality</c> or <c>ended</c>.</param>
public sealed record PageEvent(long Seq, string Type)
{
    /// <summary>For a turn: <c>user</c> or <c>assistant</c>.</summary>
    public string? Role { get; init; }

    /// <summary>A turn's words, or a caption's chunk of the words being spoken.</summary>
    public string? Text { get; init; }

    /// <summary>For a user turn: <c>voice</c> or <c>typed</c>.</summary>
    public string? Source { get; init; }

    /// <summary>For an assistant turn: whether it was cut short (barge-in, a newer turn, the session ending).</summary>
    public bool? Interrupted { get; init; }

    /// <summary>For an assistant turn: from the end of the user's turn to the model's first token.</summary>
    public double? FirstTokenMs { get; init; }

    /// <summary>For an assistant turn: from the end of the user's turn to the avatar starting to speak.</summary>
    public double? FirstSpeechMs { get; init; }

    /// <summary>For state: <c>talking</c> or <c>idle</c>; for voice: <c>speaking</c> or <c>silent</c>; for quality: <c>Good</c>, <c>Bad</c> or <c>Unknown</c>.</summary>
    public string? State { get; init; }

    /// <summary>For ended: why (<c>stopped</c>, <c>page_closed</c>, <c>idle_timeout</c>, <c>server_shutdown</c>, <c>service_ended</c>).</summary>
    public string? Reason { get; init; }

    /// <summary>A conversation turn as the page shows it (without its number yet).</summary>
    public static PageEvent FromTurn(ConversationTurn turn) => turn switch
    {
        UserTurn user => new PageEvent(0, "turn") { Role = "user", Text = user.Text, Source = user.Source == UserTurnSource.Voice ? "voice" : "typed" },
        AssistantTurn assistant => new PageEvent(0, "turn")
        {
            Role = "assistant",
            Text = assistant.Text,
            Interrupted = assistant.Interrupted,
            FirstTokenMs = assistant.FirstTokenLatency?.TotalMilliseconds,
            FirstSpeechMs = assistant.FirstSpeechLatency?.TotalMilliseconds,
        },
        _ => new PageEvent(0, "turn") { Text = turn.ToString() },
    };
}
