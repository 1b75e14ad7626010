using System.Text;

namespace KonPro.Benchmarks.Micro;

/// <summary>A realistic mix of chat-socket event messages, as the UTF-8 bytes the socket delivers.</summary>
internal static class EventMessages
{
    /// <summary>The session id every message carries.</summary>
    public const string SessionId = "eba59f0d-71f5-11ef-b8af-d2e5560124bc";

    /// <summary>Messages per round (one avatar turn and one user turn).</summary>
    public const int PerRound = 12;

    /// <summary>
    /// <paramref name="rounds"/> rounds of one avatar turn and one user turn (mostly talking-message chunks, as a
    /// real session sends), each with task ids of its own, so that once-per-task events are
    /// not duplicates of an earlier round (as in a real session).
    /// </summary>
    public static byte[][][] Rounds(int rounds) => Enumerable.Range(0, rounds).Select(Build).ToArray();

    private static byte[][] Build(int round)
    {
        const string session = SessionId;
        var messages = new List<string>
        {
            $$"""{"event_type":"avatar_start_talking","task_id":"task-6f1c2d3e","session_id":"{{session}}"}""",
        };
        string[] chunks = ["Hello there,", "welcome to the", "KonPro demo.", "How can I", "help you today?"];
        messages.AddRange(chunks.Select(chunk =>
            $$"""{"event_type":"avatar_talking_message","task_id":"task-6f1c2d3e","message":"{{chunk}}","session_id":"{{session}}"}"""));
        messages.Add($$"""{"event_type":"avatar_end_message","task_id":"task-6f1c2d3e","session_id":"{{session}}"}""");
        messages.Add($$"""{"event_type":"avatar_stop_talking","task_id":"task-6f1c2d3e","duration_ms":3120,"session_id":"{{session}}"}""");
        messages.Add($$"""{"event_type":"user_start","session_id":"{{session}}"}""");
        messages.Add($$"""{"event_type":"user_stop","session_id":"{{session}}"}""");
        messages.Add($$"""{"event_type":"user_talking_message","task_id":"task-70a1b2c3","message":"What can you do?","session_id":"{{session}}"}""");
        messages.Add($$"""{"event_type":"user_end_message","task_id":"task-70a1b2c3","session_id":"{{session}}"}""");
        return messages
            .Select(m => m.Replace("task-6f1c2d3e", $"task-a{round:x6}", StringComparison.Ordinal)
                .Replace("task-70a1b2c3", $"task-u{round:x6}", StringComparison.Ordinal))
            .Select(Encoding.UTF8.GetBytes)
            .ToArray();
    }
}
