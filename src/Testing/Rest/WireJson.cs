using System.Text.Json;
using System.Text.Json.Serialization;

namespace KonPro.StreamingAvatar.Testing.Rest;

/// <summary>
/// The JSON settings of the fake's answers: the generated DTOs as they are (their <c>JsonPropertyName</c> and
/// enum converters give the spec's snake_case names and enum values), without null properties.
/// </summary>
internal static class WireJson
{
    public static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
