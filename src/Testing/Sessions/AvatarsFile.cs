using System.Text.Json;
using System.Text.Json.Nodes;
using KonPro.Streaming.Api;

namespace KonPro.Streaming.Testing.Sessions;

/// <summary>
/// Reads <see cref="KonProFakeServerOptions.AvatarsFile"/>: avatars in the wire shape, as an array or as a whole
/// <c>GET /v1/streaming/avatars</c> answer, <c>status</c> defaulting to <c>ACTIVE</c>. A file that is not that fails
/// the server's start with a message naming the file, the entry and the problem.
/// </summary>
internal static class AvatarsFile
{
    public static IReadOnlyList<Avatar> Read(string path, JsonSerializerOptions json)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException ex)
        {
            throw Invalid(path, $"is not JSON ({ex.Message})", ex);
        }

        var list = root switch
        {
            JsonArray array => array,
            JsonObject envelope when envelope["data"] is JsonArray data => data,
            _ => throw Invalid(path, "must hold a JSON array of avatars (or an avatar list answer with the array as data)"),
        };

        var avatars = new List<Avatar>();
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is not JsonObject entry || entry["avatar_id"] is not JsonValue id || id.GetValueKind() != JsonValueKind.String
                || string.IsNullOrWhiteSpace(id.GetValue<string>()))
            {
                throw Invalid(path, $"entry {i} must be an object with a non-empty string avatar_id");
            }

            var copy = entry.DeepClone().AsObject();
            copy["status"] ??= "ACTIVE"; // the wire value of AvatarStatus.Active
            try
            {
                avatars.Add(copy.Deserialize<Avatar>(json)!);
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or NotSupportedException)
            {
                throw Invalid(path, $"entry {i} ({id.GetValue<string>()}) is not an avatar in the wire shape: {ex.Message}", ex);
            }
        }

        return avatars;
    }

    private static ArgumentException Invalid(string path, string problem, Exception? inner = null) =>
        new($"The avatars file '{path}' {problem}.", nameof(KonProFakeServerOptions.AvatarsFile), inner);
}
