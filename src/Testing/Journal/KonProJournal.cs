namespace KonPro.Streaming.Testing;

/// <summary>
/// What the fake server saw, to assert on: every REST call and every message received on a chat socket.
/// Thread-safe; the lists returned are snapshots. Each list keeps the latest
/// <see cref="KonProFakeServerOptions.MaxJournalEntries"/> entries (oldest dropped first), each body at most
/// <see cref="KonProFakeServerOptions.MaxRecordedBodyBytes"/> long.
/// </summary>
public sealed partial class KonProJournal
{
    private readonly Lock _gate = new();
    private readonly Queue<RestCallRecord> _restCalls = new();
    private readonly Queue<ChatFrameRecord> _chatFrames = new();
    private readonly Queue<SpecViolation> _specViolations = new();
    private readonly int _capacity;

    internal KonProJournal(int capacity)
    {
        _capacity = capacity;
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

    /// <summary>Every way a request broke the spec so far (strict mode only; see <see cref="KonProFakeServerOptions.StrictMode"/>).</summary>
    public IReadOnlyList<SpecViolation> SpecViolations
    {
        get
        {
            lock (_gate)
            {
                return [.. _specViolations];
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
            _specViolations.Clear();
        }

        ClearRoomActivity();
    }

    internal void Add(RestCallRecord record)
    {
        lock (_gate)
        {
            _restCalls.Enqueue(record);
            if (_restCalls.Count > _capacity)
            {
                _restCalls.Dequeue();
            }
        }
    }

    internal void Add(ChatFrameRecord record)
    {
        lock (_gate)
        {
            _chatFrames.Enqueue(record);
            if (_chatFrames.Count > _capacity)
            {
                _chatFrames.Dequeue();
            }
        }
    }

    internal void Add(SpecViolation record)
    {
        lock (_gate)
        {
            _specViolations.Enqueue(record);
            if (_specViolations.Count > _capacity)
            {
                _specViolations.Dequeue();
            }
        }
    }
}
