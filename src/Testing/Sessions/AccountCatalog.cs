using KonPro.Streaming.Api;
using KonPro.Streaming.Testing.Time;

namespace KonPro.Streaming.Testing.Sessions;

/// <summary>
/// The account's catalog: its avatars (the defaults, extended or replaced by the options' avatars) and knowledge bases
/// (seeded, and created, updated, deleted by the API).
/// </summary>
internal sealed class AccountCatalog
{
    /// <summary>When the seeded entries were created (unix seconds), and the default of an added avatar's <c>created_at</c>.</summary>
    private const long Seeded = 1700000000;

    private readonly Lock _gate = new();
    private readonly ScaledClock _clock;
    private readonly List<KnowledgeBase> _knowledgeBases = [];
    private readonly List<Avatar> _avatars = [];
    private int _kbCounter;

    public AccountCatalog(ScaledClock clock, KonProFakeServerOptions options, System.Text.Json.JsonSerializerOptions json)
    {
        _clock = clock;
        Seed(options.ReplaceDefaultAvatars);
        var added = options.AvatarsFile is { } file ? [.. options.Avatars, .. AvatarsFile.Read(file, json)] : options.Avatars;
        foreach (var avatar in added)
        {
            AddOrReplace(Complete(avatar));
        }
    }

    /// <summary>The defaults the service always sends for an avatar's optional fields, so no field is null.</summary>
    private static Avatar Complete(Avatar given) => new()
    {
        AvatarId = given.AvatarId,
        PoseName = given.PoseName ?? given.AvatarId,
        NormalPreview = given.NormalPreview ?? $"https://files.konpro.ai/avatars/{Uri.EscapeDataString(given.AvatarId)}.webp",
        DefaultVoice = given.DefaultVoice ?? "en-US-1",
        IsPublic = given.IsPublic ?? true,
        Status = given.Status,
        CreatedAt = given.CreatedAt ?? Seeded,
        AdditionalProperties = given.AdditionalProperties,
    };

    private void AddOrReplace(Avatar avatar)
    {
        var index = _avatars.FindIndex(a => a.AvatarId == avatar.AvatarId);
        if (index >= 0)
        {
            _avatars[index] = avatar;
        }
        else
        {
            _avatars.Add(avatar);
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
            return _avatars.FirstOrDefault(a => a.AvatarId == id);
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
                CreatedAt = now,
                UpdatedAt = now,
                DocumentCount = 0,
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
            kb.UpdatedAt = _clock.UtcNow.ToUnixTimeSeconds();
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

    private void Seed(bool withoutDefaultAvatars)
    {
        const long seeded = Seeded;
        if (!withoutDefaultAvatars)
        {
            _avatars.Add(new Avatar { AvatarId = "default", PoseName = "Default Avatar", NormalPreview = "https://files.konpro.ai/avatars/default.webp", DefaultVoice = "en-US-1", IsPublic = true, Status = AvatarStatus.Active, CreatedAt = seeded });
            _avatars.Add(new Avatar { AvatarId = "anna-office", PoseName = "Anna in the office", NormalPreview = "https://files.konpro.ai/avatars/anna-office.webp", DefaultVoice = "en-US-2", IsPublic = true, Status = AvatarStatus.Active, CreatedAt = seeded });
            _avatars.Add(new Avatar { AvatarId = "retired-bob", PoseName = "Bob (retired)", NormalPreview = "https://files.konpro.ai/avatars/retired-bob.webp", DefaultVoice = "en-US-3", IsPublic = false, Status = AvatarStatus.Inactive, CreatedAt = seeded });
        }

        _knowledgeBases.Add(new KnowledgeBase { Id = "kb-support", Name = "Support", Description = "Product support answers", Opening = "Hi! How can I help you today?", Prompt = "You are a friendly support agent.", CreatedAt = seeded, UpdatedAt = seeded, DocumentCount = 3 });
        _knowledgeBases.Add(new KnowledgeBase { Id = "kb-sales", Name = "Sales", Description = "Plans and prices", Opening = "Welcome! Looking for a plan?", Prompt = "You are a concise sales assistant.", CreatedAt = seeded, UpdatedAt = seeded, DocumentCount = 1 });
    }
}
