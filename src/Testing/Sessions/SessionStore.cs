using KonPro.Streaming.Testing.Time;

namespace KonPro.Streaming.Testing.Sessions;

/// <summary>The fake's sessions: the open ones by id and every one so far, under the per-key concurrency limit.</summary>
internal sealed class SessionStore
{
    private readonly Lock _gate = new();
    private readonly ScaledClock _clock;
    private readonly KonProFakeServerOptions _options;
    private readonly Dictionary<string, FakeSession> _sessions = new(StringComparer.Ordinal);
    private readonly List<FakeSession> _history = [];

    public SessionStore(ScaledClock clock, KonProFakeServerOptions options)
    {
        _clock = clock;
        _options = options;
    }

    public FakeSession? Find(string sessionId)
    {
        lock (_gate)
        {
            return _sessions.GetValueOrDefault(sessionId);
        }
    }

    public IReadOnlyList<FakeSession> All()
    {
        lock (_gate)
        {
            return [.. _history];
        }
    }

    /// <summary>Creates a session under the concurrency limit; null when the key has too many open sessions.</summary>
    public FakeSession? TryCreate(string ownerApiKey, Func<string, FakeSessionSettings> settings, TokenRecord? token, Action<FakeSession, int, string> closeRequested)
    {
        lock (_gate)
        {
            var open = _history.Count(s => s.Phase != SessionPhase.Closed && s.Settings.OwnerApiKey == ownerApiKey);
            if (open >= _options.MaxConcurrentSessions)
            {
                return null;
            }

            var id = Guid.NewGuid().ToString();
            var session = new FakeSession(settings(id), _clock, _options, closeRequested);
            _sessions[id] = session;
            _history.Add(session);
            if (token is not null)
            {
                token.SessionId = id;
            }

            return session;
        }
    }
}

/// <summary>A session token: its API key, expiry, and the session it created (once used).</summary>
internal sealed class TokenRecord(string apiKey, long expiresAtTimestamp)
{
    public string ApiKey { get; } = apiKey;

    public long ExpiresAtTimestamp { get; } = expiresAtTimestamp;

    public string? SessionId { get; set; }
}
