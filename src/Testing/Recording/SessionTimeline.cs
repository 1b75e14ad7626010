namespace KonPro.Streaming.Testing.Recording;

/// <summary>
/// What a client did in one session, in order: its REST calls by operation, its chat sockets opened and closed, and its
/// chat messages by kind. Recording labels each server frame with the last of these it followed (its anchor); replay
/// sends the frame when the replayed client has done the same thing, after the recorded delay.
/// </summary>
internal sealed class SessionTimeline(TimeProvider time)
{
    /// <summary>A chat socket was accepted.</summary>
    public const string Open = "open";

    /// <summary>The client closed a chat socket.</summary>
    public const string Close = "close";

    /// <summary>A typed user message (a protobuf TextFrame or TranscriptionFrame).</summary>
    public const string Text = "text";

    /// <summary>A chunk of audio (a protobuf AudioRawFrame).</summary>
    public const string Audio = "audio";

    /// <summary>Any other client message.</summary>
    public const string Other = "frame";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<long>> _seen = new(StringComparer.Ordinal);
    private readonly List<(string Kind, int Ordinal, TaskCompletionSource<long> Done)> _waiters = [];
    private (string Kind, int Ordinal, long At) _last = (Open, 0, time.GetTimestamp());
    private int _sockets;

    /// <summary>The anchor of a REST call of <paramref name="operation"/> (the last segment of its path), e.g. <c>rest:task</c>.</summary>
    public static string Rest(string operation) => "rest:" + operation;

    /// <summary>
    /// Whether a REST call anchors later server frames: every session call but <c>keep_alive</c>, which a client sends on
    /// its own timer and which causes no event.
    /// </summary>
    public static bool Anchors(string operation) => operation is not ("keep_alive" or "new" or "create_token");

    /// <summary>The operation a path names: its last segment after <c>/</c> or <c>.</c> (<c>/v1/streaming.task</c> is <c>task</c>).</summary>
    public static string OperationOf(string path)
    {
        var name = path.TrimEnd('/');
        name = name[(name.LastIndexOf('/') + 1)..];
        return name[(name.LastIndexOf('.') + 1)..];
    }

    /// <summary>Numbers the session's chat sockets from 1.</summary>
    public int NextSocket() => Interlocked.Increment(ref _sockets);

    /// <summary>The last thing the client did (an <see cref="Open"/> with ordinal 0 before anything).</summary>
    public (string Kind, int Ordinal, long At) Last
    {
        get
        {
            lock (_gate)
            {
                return _last;
            }
        }
    }

    /// <summary>Notes one more client action of <paramref name="kind"/>; returns its ordinal (from 1).</summary>
    public int Note(string kind)
    {
        var now = time.GetTimestamp();
        List<TaskCompletionSource<long>> done = [];
        int ordinal;
        lock (_gate)
        {
            if (!_seen.TryGetValue(kind, out var list))
            {
                _seen[kind] = list = [];
            }

            list.Add(now);
            ordinal = list.Count;
            _last = (kind, ordinal, now);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Kind == kind && _waiters[i].Ordinal <= ordinal)
                {
                    done.Add(_waiters[i].Done);
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (var waiter in done)
        {
            waiter.TrySetResult(now);
        }

        return ordinal;
    }

    /// <summary>Completes with the timestamp of the <paramref name="ordinal"/>-th action of <paramref name="kind"/>, once it happened.</summary>
    public Task<long> WhenAsync(string kind, int ordinal, CancellationToken cancellationToken)
    {
        if (ordinal <= 0)
        {
            return Task.FromResult(0L);
        }

        TaskCompletionSource<long> waiter;
        lock (_gate)
        {
            if (_seen.TryGetValue(kind, out var list) && list.Count >= ordinal)
            {
                return Task.FromResult(list[ordinal - 1]);
            }

            waiter = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((kind, ordinal, waiter));
        }

        return waiter.Task.WaitAsync(cancellationToken);
    }

    /// <summary>The time elapsed since a timestamp of this timeline's clock.</summary>
    public TimeSpan Since(long timestamp) => time.GetElapsedTime(timestamp);
}
