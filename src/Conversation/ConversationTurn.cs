namespace KonPro.Streaming.Conversation;

/// <summary>One turn of a conversation: a <see cref="UserTurn"/> or an <see cref="AssistantTurn"/>.</summary>
/// <param name="At">When the turn ended (the user finished speaking or typing; the avatar finished or was cut short).</param>
public abstract record ConversationTurn(DateTimeOffset At);

/// <summary>Where a user turn came from.</summary>
public enum UserTurnSource
{
    /// <summary>A completed voice utterance (the session's transcript).</summary>
    Voice,

    /// <summary>A typed message (<see cref="AvatarConversation.SendAsync"/>).</summary>
    Typed,
}

/// <summary>What the user said or typed.</summary>
/// <param name="Text">The words.</param>
/// <param name="Source">Voice or typed.</param>
/// <param name="At">When the utterance was complete.</param>
public sealed record UserTurn(string Text, UserTurnSource Source, DateTimeOffset At) : ConversationTurn(At);

/// <summary>The avatar's answer to one user turn.</summary>
/// <param name="SpokenPieces">The sentences the avatar began to say, in order (what the history keeps when the answer was cut short).</param>
/// <param name="Interrupted">Whether the answer was cut short (barge-in, a newer user turn, or the session closing).</param>
/// <param name="Error">Why the model (or the avatar) failed, or null. The conversation goes on after an error.</param>
/// <param name="FirstTokenLatency">From the end of the user's utterance to the model's first token, when one came.</param>
/// <param name="FirstSpeechLatency">From the end of the user's utterance to the avatar starting to speak the answer, when it did.</param>
/// <param name="At">When the answer ended.</param>
public sealed record AssistantTurn(
    IReadOnlyList<string> SpokenPieces,
    bool Interrupted,
    Exception? Error,
    TimeSpan? FirstTokenLatency,
    TimeSpan? FirstSpeechLatency,
    DateTimeOffset At) : ConversationTurn(At)
{
    /// <summary>The spoken sentences joined by single spaces.</summary>
    public string Text => string.Join(' ', SpokenPieces);

    /// <summary>Prints the turn's members, the spoken sentences as a list of their texts (not the list's type name).</summary>
    /// <param name="builder">Where the members are written.</param>
    /// <returns>Always true: there are members.</returns>
    protected override bool PrintMembers(System.Text.StringBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Append("At = ").Append(At.ToString("O", System.Globalization.CultureInfo.InvariantCulture))
            .Append(", SpokenPieces = [").AppendJoin(", ", SpokenPieces.Select(text => $"\"{text}\""))
            .Append("], Interrupted = ").Append(Interrupted)
            .Append(", Error = ").Append(Error?.Message)
            .Append(", FirstTokenLatency = ").Append(FirstTokenLatency)
            .Append(", FirstSpeechLatency = ").Append(FirstSpeechLatency);
        return true;
    }
}
