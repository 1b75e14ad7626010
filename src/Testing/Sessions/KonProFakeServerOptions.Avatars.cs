using KonPro.Streaming.Api;

namespace KonPro.Streaming.Testing;

/// <content>The avatar catalog: the avatars <c>GET /v1/streaming/avatars</c> lists and <c>new</c> accepts.</content>
public sealed partial class KonProFakeServerOptions
{
    /// <summary>
    /// Avatars served beside the defaults (<c>default</c>, <c>anna-office</c> and the inactive <c>retired-bob</c>), or
    /// instead of them with <see cref="ReplaceDefaultAvatars"/>. An avatar whose id is already in the catalog replaces
    /// that entry. Fields left unset get what the service always sends: <c>pose_name</c> (the id),
    /// <c>normal_preview</c> (a preview URL), <c>default_voice</c> (<c>en-US-1</c>), <c>is_public</c> (true),
    /// <c>created_at</c>. A <c>new</c> naming an avatar not in the catalog answers 404 <c>RESOURCE_NOT_FOUND</c>.
    /// </summary>
    public IList<Avatar> Avatars { get; } = [];

    /// <summary>
    /// A JSON file of avatars in the wire shape, added after <see cref="Avatars"/> with the same rules: an array of
    /// avatar objects (<c>avatar_id</c> required; <c>status</c> defaults to <c>ACTIVE</c>), or a whole
    /// <c>GET /v1/streaming/avatars</c> answer (its <c>data</c>). CLI <c>--avatars FILE</c>.
    /// </summary>
    public string? AvatarsFile { get; set; }

    /// <summary>
    /// Whether the catalog is <see cref="Avatars"/> and <see cref="AvatarsFile"/> alone, without the defaults (default
    /// false: they extend the defaults). CLI <c>--avatars-replace</c>.
    /// </summary>
    public bool ReplaceDefaultAvatars { get; set; }

    internal void ValidateAvatars()
    {
        if (Avatars.Any(a => a is null || string.IsNullOrWhiteSpace(a.AvatarId)))
        {
            throw new ArgumentException("Every avatar needs an avatar_id.", nameof(Avatars));
        }

        if (AvatarsFile is not null && !File.Exists(AvatarsFile))
        {
            throw new ArgumentException($"The avatars file '{AvatarsFile}' does not exist.", nameof(AvatarsFile));
        }
    }
}
