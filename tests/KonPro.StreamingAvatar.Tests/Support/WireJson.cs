using System.Reflection;
using System.Text.Json;
using Wire = KonPro.Streaming.Api;

namespace KonPro.Streaming.Tests.Support;

/// <summary>Serializes a wire DTO as the generated client sends it.</summary>
internal static class WireJson
{
    /// <summary>
    /// The generated client's own settings (nulls omitted, enum wire names), through its serializer hook.
    /// </summary>
    public static JsonElement Of<T>(T value)
    {
        var options = new JsonSerializerOptions();
        typeof(Wire.KonProApiClient).GetMethod("UpdateJsonSerializerSettings", BindingFlags.NonPublic | BindingFlags.Static)!
            .Invoke(null, [options]);
        return JsonDocument.Parse(JsonSerializer.Serialize(value, options)).RootElement;
    }
}
