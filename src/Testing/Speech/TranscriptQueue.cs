using System.Collections.Concurrent;

namespace KonPro.Streaming.Testing.Speech;

/// <summary>What the next user utterances heard on chat sockets are transcribed as (a session's own queue first, then the server's).</summary>
internal sealed class TranscriptQueue
{
    private readonly ConcurrentQueue<string> _transcripts = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _sessionTranscripts = new(StringComparer.Ordinal);

    public void EnqueueTranscript(string transcript, string? sessionId)
    {
        var queue = sessionId is null ? _transcripts : _sessionTranscripts.GetOrAdd(sessionId, _ => new ConcurrentQueue<string>());
        queue.Enqueue(transcript);
    }

    /// <summary>The next scripted transcript: the session's own first, then the server-wide queue.</summary>
    public bool TryDequeueTranscript(string sessionId, out string transcript)
    {
        if (_sessionTranscripts.TryGetValue(sessionId, out var own) && own.TryDequeue(out transcript!))
        {
            return true;
        }

        return _transcripts.TryDequeue(out transcript!);
    }
}
