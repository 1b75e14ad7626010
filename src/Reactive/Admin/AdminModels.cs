namespace KonPro.Streaming.Admin;

/// <summary>An interactive avatar of the account.</summary>
/// <param name="AvatarId">The id to use as <see cref="StartAvatarRequest.AvatarName"/>.</param>
/// <param name="PoseName">The pose's display name.</param>
/// <param name="NormalPreview">A preview image URL.</param>
/// <param name="DefaultVoice">The default voice id.</param>
/// <param name="IsPublic">Whether the avatar is public.</param>
/// <param name="IsActive">Whether the avatar is active.</param>
/// <param name="CreatedAt">When it was created.</param>
public sealed record AvatarInfo(string AvatarId, string? PoseName, string? NormalPreview, string? DefaultVoice, bool IsPublic, bool IsActive, DateTimeOffset? CreatedAt);

/// <summary>An open session of the account.</summary>
/// <param name="SessionId">The session id.</param>
/// <param name="Status">The server's status: <c>new</c>, <c>connecting</c> or <c>connected</c>.</param>
/// <param name="CreatedAt">When it was created.</param>
public sealed record ActiveSessionInfo(string SessionId, string Status, DateTimeOffset CreatedAt);

/// <summary>A past or present session of the account.</summary>
/// <param name="SessionId">The session id.</param>
/// <param name="Status">The server's status, e.g. <c>closed</c>.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="Duration">How long it lasted, when known.</param>
/// <param name="AvatarId">The avatar.</param>
/// <param name="VoiceName">The voice.</param>
/// <param name="ApiKeyType">The kind of credential that created it.</param>
public sealed record SessionHistoryEntry(string SessionId, string Status, DateTimeOffset CreatedAt, TimeSpan? Duration, string? AvatarId, string? VoiceName, string? ApiKeyType);

/// <summary>Filters for <see cref="KonProAdminClient.ListSessionHistoryAsync"/>.</summary>
public sealed class SessionHistoryQuery
{
    /// <summary>Sessions per request, 1 to 100 (10 by default); the enumeration follows the cursor across pages.</summary>
    public int PageSize { get; set; } = 10;

    /// <summary>Only sessions created at or after this time.</summary>
    public DateTimeOffset? DateFrom { get; set; }

    /// <summary>Only sessions created at or before this time.</summary>
    public DateTimeOffset? DateTo { get; set; }
}

/// <summary>A knowledge base of the account.</summary>
/// <param name="Id">The id to use as <see cref="StartAvatarRequest.KnowledgeId"/>.</param>
/// <param name="Name">The name (unique per account).</param>
/// <param name="Description">The description.</param>
/// <param name="Opening">The avatar's opening line.</param>
/// <param name="Prompt">The system prompt.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="UpdatedAt">When it was last changed.</param>
/// <param name="DocumentCount">How many documents it holds.</param>
public sealed record KnowledgeBaseInfo(string Id, string Name, string? Description, string? Opening, string? Prompt, DateTimeOffset? CreatedAt, DateTimeOffset? UpdatedAt, int DocumentCount);

/// <summary>The content of a knowledge base to create or update.</summary>
public sealed class KnowledgeBaseDefinition
{
    /// <summary>The name: not empty, unique per account.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The avatar's opening line.</summary>
    public string? Opening { get; set; }

    /// <summary>The system prompt.</summary>
    public string? Prompt { get; set; }
}
