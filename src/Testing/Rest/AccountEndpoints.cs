using System.Globalization;
using KonPro.Streaming.Api;
using KonPro.Streaming.Testing.Sessions;

namespace KonPro.Streaming.Testing.Rest;

/// <summary>The API-key operations: session lists, avatars, knowledge bases.</summary>
internal sealed class AccountEndpoints(FakeServerCore core)
{
    private const string CursorPrefix = "cursor-";

    public Task<object> ListSessionsAsync(RestCall call)
    {
        var list = new SessionList();
        foreach (var session in core.Store.All().Where(s => s.Settings.OwnerApiKey == call.OwnerApiKey && s.Phase != SessionPhase.Closed))
        {
            list.Sessions.Add(new ActiveSession { SessionId = session.Id, Status = session.Status, CreatedAt = session.CreatedAt.ToUnixTimeSeconds() });
        }

        return Task.FromResult<object>(new SessionListResponse { Code = 100, Message = "success", Data = list });
    }

    public Task<object> HistoryAsync(RestCall call)
    {
        var page = ParseInt(call.Query("page"), "page", 1, int.MaxValue) ?? 1;
        var pageSize = ParseInt(call.Query("page_size"), "page_size", 1, KonProLimits.MaxHistoryPageSize) ?? 10;
        var from = ParseDate(call.Query("date_from"), "date_from");
        var to = ParseDate(call.Query("date_to"), "date_to");
        SessionStatus? status = null;
        if (call.Query("status") is { } statusText)
        {
            status = WireNames.TryParse<SessionStatus>(statusText, out var parsed)
                ? parsed
                : throw RestError.Validation("status", $"must be one of {string.Join(", ", WireNames.All<SessionStatus>())}");
        }

        // page * page_size can pass int.MaxValue: compute in long, so the last page numbers are empty pages, not page 1.
        var offset = ((long)page - 1) * pageSize;
        if (call.Query("token") is { } cursor)
        {
            if (!cursor.StartsWith(CursorPrefix, StringComparison.Ordinal)
                || !int.TryParse(cursor.AsSpan(CursorPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var cursorOffset))
            {
                throw RestError.Validation("token", "is not a pagination token of this server");
            }

            offset = cursorOffset;
            page = (int)((offset / pageSize) + 1);
        }

        var matching = core.Store.All()
            .Where(s => s.Settings.OwnerApiKey == call.OwnerApiKey)
            .Where(s => from is null || s.CreatedAt >= from)
            .Where(s => to is null || s.CreatedAt < to)
            .Where(s => status is null || s.Status == status)
            .Reverse()
            .ToList();
        // As HeyGen documents its list-sessions v2: the page's sessions as data, the pagination beside it.
        var result = new SessionHistoryResponse
        {
            Code = 100,
            Message = "success",
            Total = matching.Count,
            Page = page,
            PageSize = pageSize,
            NextPaginationToken = offset + pageSize < matching.Count ? CursorPrefix + (offset + pageSize).ToString(CultureInfo.InvariantCulture) : null,
        };
        foreach (var session in matching.Skip((int)Math.Min(offset, int.MaxValue)).Take(pageSize))
        {
            result.Data.Add(new SessionHistoryItem
            {
                SessionId = session.Id,
                Status = session.Status,
                CreatedAt = session.CreatedAt.ToUnixTimeSeconds(),
                Duration = (long)Math.Max(0, session.Age.TotalSeconds),
                AvatarId = session.Settings.AvatarId,
                VoiceName = session.Settings.VoiceId,
                ApiKeyType = session.Settings.CreatedWith,
            });
        }

        return Task.FromResult<object>(result);
    }

    public Task<object> ListAvatarsAsync(RestCall call)
    {
        var response = new AvatarListResponse { Code = 100, Message = "success" };
        foreach (var avatar in core.Catalog.Avatars)
        {
            response.Data.Add(avatar);
        }

        return Task.FromResult<object>(response);
    }

    public Task<object> ListKnowledgeBasesAsync(RestCall call)
    {
        var list = new KnowledgeBaseList();
        foreach (var kb in core.Catalog.KnowledgeBases)
        {
            list.KnowledgeBases.Add(kb);
        }

        return Task.FromResult<object>(new KnowledgeBaseListResponse { Code = 100, Message = "success", Data = list });
    }

    public Task<object> CreateKnowledgeBaseAsync(RestCall call)
    {
        var (name, opening, prompt) = ReadKnowledgeBase(call);
        var kb = core.Catalog.CreateKnowledgeBase(name, opening, prompt) ?? throw RestError.Validation("name", "must be unique");
        return Task.FromResult<object>(new KnowledgeBaseCreateResponse
        {
            Code = 100,
            Message = "success",
            Data = new KnowledgeBaseCreated { KnowledgeBaseId = kb.Id, Name = kb.Name, Status = "created" },
        });
    }

    public Task<object> UpdateKnowledgeBaseAsync(RestCall call)
    {
        var id = PathId(call, fromEnd: 1);
        if (core.Catalog.FindKnowledgeBase(id) is null)
        {
            throw RestError.NotFound($"knowledge base not found: {id}");
        }

        var (name, opening, prompt) = ReadKnowledgeBase(call);
        var updated = core.Catalog.UpdateKnowledgeBase(id, name, opening, prompt);
        return updated switch
        {
            null => throw RestError.NotFound($"knowledge base not found: {id}"),
            false => throw RestError.Validation("name", "must be unique"),
            _ => Task.FromResult<object>(Change(id, "updated")),
        };
    }

    public Task<object> DeleteKnowledgeBaseAsync(RestCall call)
    {
        var id = PathId(call, fromEnd: 0);
        return core.Catalog.DeleteKnowledgeBase(id)
            ? Task.FromResult<object>(Change(id, "deleted"))
            : throw RestError.NotFound($"knowledge base not found: {id}");
    }

    private static KnowledgeBaseChangeResponse Change(string id, string status) =>
        new() { Code = 100, Message = "success", Data = new KnowledgeBaseChange { KnowledgeBaseId = id, Status = status } };

    private static (string Name, string? Opening, string? Prompt) ReadKnowledgeBase(RestCall call)
    {
        var body = call.Body;
        var name = JsonFields.RequiredString(body, "name", 200);
        return (name, JsonFields.String(body, "opening"), JsonFields.String(body, "prompt"));
    }

    private static string PathId(RestCall call, int fromEnd)
    {
        var segments = call.Request.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var id = Uri.UnescapeDataString(segments[^(fromEnd + 1)]);

        // A NUL (or any control character) in the id is refused like one in a JSON body. A raw %00 never gets here
        // (Kestrel refuses it while parsing the request line, README: Limits); an escaped one (%2500) does.
        if (id.Any(char.IsControl))
        {
            throw RestError.Validation("knowledge_base_id", "must not contain control characters (such as NUL)");
        }

        return id;
    }

    private static int? ParseInt(string? text, string field, int min, int max)
    {
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw RestError.Validation(field, max == int.MaxValue ? $"must be an integer of at least {min}" : $"must be an integer between {min} and {max}");
    }

    private static DateTimeOffset? ParseDate(string? text, string field)
    {
        if (text is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
            ? value
            : throw RestError.Validation(field, "must be an ISO-8601 date-time");
    }
}
