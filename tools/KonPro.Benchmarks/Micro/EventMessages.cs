using System.Text;

namespace KonPro.Benchmarks.Micro;

/// <summary>A realistic mix of chat-socket event messages, as the UTF-8 bytes the socket delivers.</summary>
internal static class EventMessages
{
    /// <summary>One avatar turn and one user turn: mostly talking-message chunks, as a real session sends.</summary>
    public static byte[][] Mix { get; } = Build();

    private static byte[][] Build()
    {
        const string session = "eba59f0d-71f5-11ef-b8af-d2e5560124bc";
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
        return messages.Select(Encoding.UTF8.GetBytes).ToArray();
    }
}
