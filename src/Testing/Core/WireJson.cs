using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using KonPro.Streaming.Api;

namespace KonPro.Streaming.Testing.Core;

/// <summary>
/// The JSON settings of the fake's answers: the generated DTOs as they are (their <c>JsonPropertyName</c> and
/// enum converters give the spec's snake_case names and enum values). An unset property is left out, except the
/// properties the spec documents as nullable in an answer: those are always present, null when unset, as KonPro
/// answers (the contract test checks every documented field is present).
/// </summary>
internal static class WireJson
{
    // The spec's `nullable: true` properties of response schemas (openapi/konpro-streaming.yaml: `sdp`, `ice_servers*` present and null;
    // create_token's `"error": null`).
    private static readonly Dictionary<Type, HashSet<string>> AlwaysWritten = new()
    {
        [typeof(CreateTokenResponse)] = ["error"],
        [typeof(SessionInfo)] = ["realtime_endpoint", "sdp", "ice_servers", "ice_servers2", "livekit_agent_token"],
        [typeof(SessionHistoryResponse)] = ["next_pagination_token"],
        [typeof(SessionHistoryItem)] = ["avatar_id", "voice_name", "api_key_type"],
        [typeof(KnowledgeBase)] = ["description", "opening", "prompt"],
    };

    public static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { WriteDocumentedNulls } },
        };
        options.MakeReadOnly();
        return options;
    }

    private static void WriteDocumentedNulls(JsonTypeInfo type)
    {
        if (!AlwaysWritten.TryGetValue(type.Type, out var names))
        {
            return;
        }

        foreach (var property in type.Properties)
        {
            if (names.Contains(property.Name))
            {
                property.ShouldSerialize = static (_, _) => true;
            }
        }
    }
}
