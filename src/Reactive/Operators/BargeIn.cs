namespace KonPro.Streaming.Events;

/// <summary>The user spoke over the avatar, and the SDK interrupted it.</summary>
/// <param name="TaskId">The task the avatar was speaking, when known.</param>
/// <param name="At">When the user's speech began (the <c>user_start</c> event's <see cref="StreamingEvent.ReceivedAt"/>).</param>
/// <param name="Error">Why the interrupt call failed, or <see langword="null"/> when it succeeded.</param>
public sealed record BargeIn(string? TaskId, DateTimeOffset At, Exception? Error);
