namespace KonPro.Streaming;

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
    bool WasInterrupted);
