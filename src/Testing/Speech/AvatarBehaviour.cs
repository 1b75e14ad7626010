using KonPro.Streaming.Api;
using KonPro.Streaming.Testing.Chat;
using KonPro.Streaming.Testing.Sessions;

namespace KonPro.Streaming.Testing.Speech;

/// <summary>
/// The avatar's behaviour in one place, called by REST (<c>task</c>, <c>interrupt</c>) and by the chat socket (typed
/// text, transcripts, voice activity) alike: task ids, what a task speaks, how the avatar answers the user. Every
/// event it causes goes out through the session's one event sink, <see cref="FakeSession.Broadcast"/> (chat sockets
/// and, when enabled, the room).
/// </summary>
internal sealed class AvatarBehaviour(FakeServerCore core)
{
    private int _taskCounter;

    /// <summary>The next task id (<c>task-0000002a</c>): one sequence for the server's tasks and user turns.</summary>
    public string NextTaskId() => $"task-{Interlocked.Increment(ref _taskCounter):x8}";

    /// <summary>Queues speech for a task; a talk task speaks the responder's reply to its text.</summary>
    public SpeechJob Speak(FakeSession session, TaskType type, string text)
    {
        var taskId = NextTaskId();
        var talk = type != TaskType.Repeat;
        var spoken = talk ? core.Reply(ReplyContext(session, text)) : text;
        return session.Speaker.Enqueue(taskId, talk ? TaskType.Talk : TaskType.Repeat, text, spoken, session.Settings.VoiceRate);
    }

    /// <summary>Stops the current speech and drops the queue.</summary>
    public void Interrupt(FakeSession session) => session.Speaker.Interrupt();

    /// <summary>The user began speaking (voice activity).</summary>
    public void UserStarted(FakeSession session)
    {
        session.Touch();
        session.Broadcast(ChatEvents.UserStart(session.Id));
    }

    /// <summary>The user stopped speaking (voice activity).</summary>
    public void UserStopped(FakeSession session)
    {
        session.Touch();
        session.Broadcast(ChatEvents.UserStop(session.Id));
    }

    /// <summary>
    /// The user said (or typed) something: it is echoed as a user turn, then answered as a talk task when the session
    /// is started and either the input always gets an answer (typed text) or the avatar is listening.
    /// </summary>
    public void UserSaid(FakeSession session, string text, bool alwaysAnswer)
    {
        session.Touch();
        var taskId = NextTaskId();
        session.Broadcast(ChatEvents.UserTalkingMessage(session.Id, taskId, text));
        session.Broadcast(ChatEvents.UserEndMessage(session.Id, taskId));
        if (session.Phase == SessionPhase.Started && (alwaysAnswer || session.IsListening))
        {
            Speak(session, TaskType.Talk, text);
        }
    }

    private AvatarReplyContext ReplyContext(FakeSession session, string text)
    {
        var kb = session.Settings.KnowledgeBaseId is { } id ? core.Catalog.FindKnowledgeBase(id) : null;
        return new AvatarReplyContext(session.Id, text, kb?.Prompt ?? session.Settings.KnowledgeBasePrompt, kb?.Opening, session.Settings.KnowledgeBaseId);
    }
}
