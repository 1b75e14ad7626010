using System.Collections.Concurrent;
using System.Security.Cryptography;
using KonPro.StreamingAvatar.Api;
using KonPro.StreamingAvatar.Testing.Time;

namespace KonPro.StreamingAvatar.Testing.Sessions;

/// <summary>The account state of the fake: tokens, sessions, avatars and knowledge bases.</summary>
internal sealed class SessionStore
{
    private readonly Lock _gate = new();
    private readonly ScaledClock _clock;
    private readonly KonProFakeServerOptions _options;
    private readonly Dictionary<string, TokenRecord> _tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeSession> _sessions = new(StringComparer.Ordinal);
    private readonly List<FakeSession> _history = [];
    private readonly List<KnowledgeBase> _knowledgeBases = [];
    private readonly List<Avatar> _avatars = [];
    private int _kbCounter;

    public SessionStore(ScaledClock clock, KonProFakeServerOptions options)
    {
        _clock = clock;
        _options = options;
        Seed();
    }

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

    public Func<AvatarReplyContext, string>? Responder { get; set; }

    public bool IsApiKey(string? key) => key is not null && _options.ApiKeys.Contains(key, StringComparer.Ordinal);

    public string IssueToken(string apiKey)
    {
        var token = "st_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var expires = _clock.Time.GetTimestamp() + (long)(_clock.ToReal(_options.SessionTokenLifetime).TotalSeconds * _clock.Time.TimestampFrequency);
        lock (_gate)
        {
            _tokens[token] = new TokenRecord(apiKey, expires);
        }

        return token;
    }

    /// <summary>Finds a live token; null when unknown or expired.</summary>
    public TokenRecord? FindToken(string token)
    {
        lock (_gate)
        {
            if (!_tokens.TryGetValue(token, out var record))
            {
                return null;
            }

            return _clock.Time.GetTimestamp() >= record.ExpiresAtTimestamp ? null : record;
        }
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

    public IReadOnlyList<Avatar> Avatars
    {
        get
        {
            lock (_gate)
            {
                return [.. _avatars];
            }
        }
    }

    public Avatar? FindAvatar(string id)
    {
        lock (_gate)
        {
            return _avatars.FirstOrDefault(a => a.Avatar_id == id);
        }
    }

    public IReadOnlyList<KnowledgeBase> KnowledgeBases
    {
        get
        {
            lock (_gate)
            {
                return [.. _knowledgeBases];
            }
        }
    }

    public KnowledgeBase? FindKnowledgeBase(string id)
    {
        lock (_gate)
        {
            return _knowledgeBases.FirstOrDefault(k => k.Id == id);
        }
    }

    /// <summary>Creates a knowledge base; null when the name is taken.</summary>
    public KnowledgeBase? CreateKnowledgeBase(string name, string? opening, string? prompt)
    {
        lock (_gate)
        {
            if (_knowledgeBases.Any(k => string.Equals(k.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                return null;
            }

            var now = _clock.UtcNow.ToUnixTimeSeconds();
            var kb = new KnowledgeBase
            {
                Id = $"kb-{++_kbCounter:x8}",
                Name = name,
                Opening = opening,
                Prompt = prompt,
                Created_at = now,
                Updated_at = now,
                Document_count = 0,
            };
            _knowledgeBases.Add(kb);
            return kb;
        }
    }

    /// <summary>Updates a knowledge base: null when unknown, false when the new name is another's.</summary>
    public bool? UpdateKnowledgeBase(string id, string name, string? opening, string? prompt)
    {
        lock (_gate)
        {
            var kb = _knowledgeBases.FirstOrDefault(k => k.Id == id);
            if (kb is null)
            {
                return null;
            }

            if (_knowledgeBases.Any(k => k.Id != id && string.Equals(k.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                return false;
            }

            kb.Name = name;
            kb.Opening = opening;
            kb.Prompt = prompt;
            kb.Updated_at = _clock.UtcNow.ToUnixTimeSeconds();
            return true;
        }
    }

    public bool DeleteKnowledgeBase(string id)
    {
        lock (_gate)
        {
            return _knowledgeBases.RemoveAll(k => k.Id == id) > 0;
        }
    }

    private void Seed()
    {
        const long seeded = 1700000000;
        _avatars.Add(new Avatar { Avatar_id = "default", Pose_name = "Default Avatar", Normal_preview = "https://files.konpro.ai/avatars/default.webp", Default_voice = "en-US-1", Is_public = true, Status = AvatarStatus.ACTIVE, Created_at = seeded });
        _avatars.Add(new Avatar { Avatar_id = "anna-office", Pose_name = "Anna in the office", Normal_preview = "https://files.konpro.ai/avatars/anna-office.webp", Default_voice = "en-US-2", Is_public = true, Status = AvatarStatus.ACTIVE, Created_at = seeded });
        _avatars.Add(new Avatar { Avatar_id = "retired-bob", Pose_name = "Bob (retired)", Default_voice = "en-US-3", Is_public = false, Status = AvatarStatus.INACTIVE, Created_at = seeded });
        _knowledgeBases.Add(new KnowledgeBase { Id = "kb-support", Name = "Support", Description = "Product support answers", Opening = "Hi! How can I help you today?", Prompt = "You are a friendly support agent.", Created_at = seeded, Updated_at = seeded, Document_count = 3 });
        _knowledgeBases.Add(new KnowledgeBase { Id = "kb-sales", Name = "Sales", Description = "Plans and prices", Opening = "Welcome! Looking for a plan?", Prompt = "You are a concise sales assistant.", Created_at = seeded, Updated_at = seeded, Document_count = 1 });
    }
}

/// <summary>A session token: its API key, expiry, and the session it created (once used).</summary>
internal sealed class TokenRecord(string apiKey, long expiresAtTimestamp)
{
    public string ApiKey { get; } = apiKey;

    public long ExpiresAtTimestamp { get; } = expiresAtTimestamp;

    public string? SessionId { get; set; }
}
