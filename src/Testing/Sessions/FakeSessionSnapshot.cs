using KonPro.Streaming.Api;

namespace KonPro.Streaming.Testing;

/// <summary>What the fake server knows about one session at a moment.</summary>
/// <param name="SessionId">The session's id.</param>
/// <param name="Status">The status the session lists report.</param>
/// <param name="AvatarId">The avatar.</param>
/// <param name="KnowledgeBaseId">The knowledge base, when one was chosen.</param>
/// <param name="IsListening">Whether <c>start_listening</c> is in force.</param>
/// <param name="OpenSockets">How many chat sockets are bound to the session now.</param>
/// <param name="Tasks">The speaking tasks so far, in order.</param>
/// <param name="CloseStatus">The chat close status the session ended with (1000, 4001, 4002), when closed.</param>
/// <param name="CloseReason">The close reason (<c>session_stopped</c>, <c>idle_timeout</c>, <c>duration_limit</c>), when closed.</param>
public sealed record FakeSessionSnapshot(
    string SessionId,
    SessionStatus Status,
    string AvatarId,
    string? KnowledgeBaseId,
    bool IsListening,
    int OpenSockets,
    IReadOnlyList<SpokenTask> Tasks,
    int? CloseStatus,
    string? CloseReason);

/// <summary>One speaking task of a session.</summary>
/// <param name="TaskId">The task id its events carry.</param>
/// <param name="TaskType">repeat, or talk for talk/chat tasks and answers to user input.</param>
/// <param name="RequestText">The text that caused it (the task's text, or the user's words).</param>
/// <param name="SpokenText">What the avatar speaks (the text, or the responder's reply).</param>
/// <param name="DurationMs">The time spoken, once finished or interrupted (model time, milliseconds).</param>
/// <param name="State">Where the task is.</param>
public sealed record SpokenTask(
    string TaskId,
    TaskType TaskType,
    string RequestText,
    string SpokenText,
    long DurationMs,
    SpokenTaskState State);

/// <summary>Where a speaking task is.</summary>
public enum SpokenTaskState
{
    /// <summary>Waiting in the queue.</summary>
    Queued,

    /// <summary>Being spoken now.</summary>
    Speaking,

    /// <summary>Spoken to the end.</summary>
    Completed,

    /// <summary>Stopped by an interrupt (or the session's end) while speaking or queued.</summary>
    Interrupted,
}
