namespace KonPro.Streaming.Events;

/// <summary>Who said a <see cref="TranscriptEntry"/>.</summary>
public enum Speaker
{
    /// <summary>The user (transcribed speech or a typed message).</summary>
    User,

    /// <summary>The avatar.</summary>
    Avatar,
}

/// <summary>One turn of the conversation.</summary>
/// <param name="Speaker">Who spoke.</param>
/// <param name="Text">What was said: the message chunks joined verbatim (they carry their own spacing, as the service sends them).</param>
/// <param name="TaskId">The task, when the events named one.</param>
/// <param name="StartedAt">When the first chunk (or the avatar's start) arrived.</param>
/// <param name="EndedAt">When the turn's end arrived.</param>
public sealed record TranscriptEntry(Speaker Speaker, string Text, string? TaskId, DateTimeOffset StartedAt, DateTimeOffset EndedAt)
{
    /// <summary>
    /// Whether the turn spanned a reconnect of the chat socket (<see cref="StreamReconnected"/>): words sent while it
    /// was down may be missing from <see cref="Text"/>, and an avatar turn whose end was lost ends at the next one.
    /// </summary>
    public bool MayBeIncomplete { get; init; }
}
