using System.Collections.Concurrent;

namespace KonPro.Streaming.Testing.Recording;

/// <summary>One replayed session: the fresh id it was handed out under and the recorded session it replays.</summary>
internal sealed record ReplaySession(string FreshId, string RecordedId, SessionTimeline Timeline);

/// <summary>
/// Replay's sessions and its id rewriting: requests go to the recording with the recorded ids, answers and chat frames
/// come back with the fresh ones, and every redacted secret in an answer becomes a fresh value.
/// </summary>
internal sealed class ReplaySessions(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, ReplaySession> _sessions = new(StringComparer.Ordinal);

    // Every fresh value handed out in place of a redacted secret: the session tokens a replayed client may present.
    private readonly ConcurrentDictionary<string, byte> _issued = new(StringComparer.Ordinal);

    /// <summary>A fresh session replaying <paramref name="recordedId"/>.</summary>
    public ReplaySession Register(string recordedId)
    {
        var session = new ReplaySession(Guid.NewGuid().ToString(), recordedId, new SessionTimeline(time));
        _sessions[session.FreshId] = session;
        return session;
    }

    /// <summary>The session handed out under <paramref name="freshId"/>, or null.</summary>
    public ReplaySession? Find(string? freshId) =>
        freshId is not null && _sessions.TryGetValue(freshId, out var session) ? session : null;

    /// <summary>A request (body, query) of <paramref name="session"/> as it was recorded.</summary>
    public static string ToRecorded(string text, ReplaySession session) =>
        text.Replace(session.FreshId, session.RecordedId, StringComparison.Ordinal);

    /// <summary>Whether <paramref name="token"/> was handed out by this replay (in place of a recorded token).</summary>
    public bool Issued(string? token) => token is not null && _issued.ContainsKey(token);

    /// <summary>A recorded answer or chat frame for <paramref name="session"/> (if any): its ids fresh, its redacted secrets fresh values.</summary>
    public string ToFresh(string text, ReplaySession? session)
    {
        if (session is not null)
        {
            text = text.Replace(session.RecordedId, session.FreshId, StringComparison.Ordinal);
        }

        var parts = text.Split(RecordingRedactor.Placeholder);
        return parts.Length == 1 ? text : string.Join(string.Empty, parts.Select((part, i) => i == 0 ? part : Issue() + part));
    }

    private string Issue()
    {
        var value = "replay_" + Guid.NewGuid().ToString("N");
        _issued[value] = 0;
        return value;
    }
}
