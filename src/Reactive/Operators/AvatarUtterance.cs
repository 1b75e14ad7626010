namespace KonPro.Streaming.Events;

/// <summary>One thing the avatar said: a task from <c>avatar_start_talking</c> to <c>avatar_stop_talking</c>.</summary>
/// <param name="TaskId">The task, when the events named one.</param>
/// <param name="Text">The words spoken: the <c>avatar_talking_message</c> chunks joined verbatim (they carry their own spacing, as the service sends them).</param>
/// <param name="StartedAt">When the avatar started (the start event's <see cref="StreamingEvent.ReceivedAt"/>).</param>
/// <param name="EndedAt">When it stopped (the stop event's <see cref="StreamingEvent.ReceivedAt"/>).</param>
/// <param name="DurationMs">How long it spoke, as the server reported it.</param>
/// <param name="WasInterrupted">
/// Whether it was cut short: it stopped without <c>avatar_end_message</c>, spoke less than planned, or the
/// stream ended before it stopped.
/// </param>
public sealed record AvatarUtterance(
    string? TaskId,
    string Text,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    long DurationMs,
    bool WasInterrupted)
{
    /// <summary>
    /// Whether the utterance spanned a reconnect of the chat socket (<see cref="StreamReconnected"/>): chunks sent while
    /// it was down may be missing from <see cref="Text"/>. One whose <c>avatar_stop_talking</c> was lost ends when the
    /// avatar starts another task, with <see cref="EndedAt"/> the end of the last gap it spanned (it stopped by then).
    /// </summary>
    public bool MayBeIncomplete { get; init; }
}
