namespace KonPro.StreamingAvatar.Testing;

/// <summary>
/// What the fake server saw, to assert on: every REST call and every message received on a chat socket.
/// Thread-safe; the lists returned are snapshots.
/// </summary>
public sealed partial class KonProJournal
{
    private readonly Lock _gate = new();
    private readonly List<RestCallRecord> _restCalls = [];
    private readonly List<ChatFrameRecord> _chatFrames = [];

    internal KonProJournal()
    {
    }

    /// <summary>Every REST call so far, in arrival order of their answers.</summary>
    public IReadOnlyList<RestCallRecord> RestCalls
    {
        get
        {
            lock (_gate)
            {
                return [.. _restCalls];
            }
        }
    }

    /// <summary>Every message received on a chat socket so far.</summary>
    public IReadOnlyList<ChatFrameRecord> ChatFrames
    {
        get
        {
            lock (_gate)
            {
                return [.. _chatFrames];
            }
        }
    }

    /// <summary>Forgets everything recorded so far.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _restCalls.Clear();
            _chatFrames.Clear();
        }

        ClearRoomActivity();
    }

    internal void Add(RestCallRecord record)
    {
        lock (_gate)
        {
            _restCalls.Add(record);
        }
    }

    internal void Add(ChatFrameRecord record)
    {
        lock (_gate)
        {
            _chatFrames.Add(record);
        }
    }
}
