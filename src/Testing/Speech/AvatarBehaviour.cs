using System.Globalization;
using KonPro.Streaming.Api;
using KonPro.Streaming.Testing.Sessions;

namespace KonPro.Streaming.Testing.Speech;

/// <summary>
/// The avatar's behaviour in one place, called by REST (<c>task</c>, <c>interrupt</c>), by the chat socket and by the
/// room (typed text, transcripts, voice activity) alike: task ids, what a task speaks, how the avatar answers the user,
/// what an utterance is transcribed as. Every event it causes is written, typed, to the session's outbox
/// (<see cref="FakeSession.Publish"/>); the chat sockets and the room render it.
/// </summary>
internal sealed class AvatarBehaviour(FakeServerCore core)
{
    private int _taskCounter;

    /// <summary>The avatar's responder of talk tasks; null for the default (<see cref="DefaultResponder"/>).</summary>
    public Func<AvatarReplyContext, string>? Responder { get; set; }

    /// <summary>The scripted transcripts of user speech.</summary>
    public TranscriptQueue Transcripts { get; } = new();

    /// <summary>The next task id (<c>task-0000002a</c>): one sequence for the server's tasks and user turns.</summary>
    public string NextTaskId() => $"task-{Interlocked.Increment(ref _taskCounter):x8}";

    /// <summary>Queues speech for a task; a talk task speaks the responder's reply to its text.</summary>
    public SpeechJob Speak(FakeSession session, TaskType type, string text)
    {
        var taskId = NextTaskId();
        var talk = type != TaskType.Repeat;
        var spoken = talk ? (Responder ?? DefaultResponder.Reply)(ReplyContext(session, text)) : text;
        return SpeakerOf(session).Enqueue(taskId, talk ? TaskType.Talk : TaskType.Repeat, text, spoken, session.Settings.VoiceRate);
    }

    /// <summary>Stops the current speech and drops the queue.</summary>
    public void Interrupt(FakeSession session) => session.Find<AvatarSpeaker>()?.Interrupt();

    /// <summary>The user began speaking (voice activity).</summary>
    public void UserStarted(FakeSession session)
    {
        session.Touch();
        session.Publish(new SessionEvent(SessionEventKind.UserStart));
    }

    /// <summary>The user stopped speaking (voice activity).</summary>
    public void UserStopped(FakeSession session)
    {
        session.Touch();
        session.Publish(new SessionEvent(SessionEventKind.UserStop));
    }

    /// <summary>
    /// The user said (or typed) something: it is echoed as a user turn, then answered as a talk task when the session
    /// is started and either the input always gets an answer (typed text) or the avatar is listening.
    /// </summary>
    public void UserSaid(FakeSession session, string text, bool alwaysAnswer)
    {
        session.Touch();
        var taskId = NextTaskId();
        session.Publish(new SessionEvent(SessionEventKind.UserTalkingMessage, taskId, text));
        session.Publish(new SessionEvent(SessionEventKind.UserEndMessage, taskId));
        if (session.Phase == SessionPhase.Started && (alwaysAnswer || session.IsListening))
        {
            Speak(session, TaskType.Talk, text);
        }
    }

    /// <summary>
    /// What an utterance of <paramref name="spoken"/> length is transcribed as: the next scripted transcript (the
    /// session's own first), else <c>[speech 1.2 s]</c>.
    /// </summary>
    public string Transcript(FakeSession session, TimeSpan spoken) =>
        Transcripts.TryDequeueTranscript(session.Id, out var queued)
            ? queued
            : string.Create(CultureInfo.InvariantCulture, $"[speech {spoken.TotalSeconds:0.0} s]");

    private AvatarSpeaker SpeakerOf(FakeSession session) =>
        session.GetOrSubscribe(s => new AvatarSpeaker(s, core.Clock, core.Options), first: true);

    private AvatarReplyContext ReplyContext(FakeSession session, string text)
    {
        var kb = session.Settings.KnowledgeBaseId is { } id ? core.Catalog.FindKnowledgeBase(id) : null;
        return new AvatarReplyContext(session.Id, text, kb?.Prompt ?? session.Settings.KnowledgeBasePrompt, kb?.Opening, session.Settings.KnowledgeBaseId);
    }
}
