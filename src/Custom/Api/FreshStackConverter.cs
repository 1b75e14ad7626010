using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace KonPro.Streaming.Api;

/// <summary>
/// Reads and writes an object-valued property of an API body (the envelope's <c>data</c>) through the serializer's
/// metadata of its type, on a serializer call of its own. The object then sits at the top of that call's state instead of
/// one level down in its parent's, and System.Text.Json keeps the top level inline: the envelope costs no array of
/// nested read (or write) frames, which were the largest allocation of a call. Errors, nulls and required fields behave
/// as before (the property's type is read by the same metadata).
/// </summary>
// CUSTOM: the generated DTOs nest objects (the envelope's data); this converter keeps their (de)serialization flat.
internal sealed class FreshStackConverter(Type type) : JsonConverter<object>
{
    private JsonTypeInfo? _typeInfo;

    public override bool CanConvert(Type typeToConvert) => typeToConvert == type;

    public override object? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize(ref reader, _typeInfo ??= options.GetTypeInfo(type));

    public override void Write(Utf8JsonWriter writer, object value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, _typeInfo ??= options.GetTypeInfo(type));

    /// <summary>
    /// The contract modifier: each object-valued property of an API type gets its own converter, and the extra fields
    /// (<c>AdditionalProperties</c>) are read without creating an empty dictionary and not written when there are none
    /// (an empty set would cost a nested write frame and write nothing).
    /// </summary>
    public static void Modify(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        foreach (var property in typeInfo.Properties)
        {
            if (property.IsExtensionData)
            {
                if (typeof(IExtraFields).IsAssignableFrom(typeInfo.Type))
                {
                    property.Get = static body => ((IExtraFields)body).ExtraFieldsOrNull;
                }

                property.ShouldSerialize = static (_, value) => value is ICollection { Count: > 0 };
            }
            else if (property.CustomConverter is null && IsApiObject(property.PropertyType))
            {
                property.CustomConverter = new FreshStackConverter(property.PropertyType);
            }
        }
    }

    private static bool IsApiObject(Type type) =>
        type.IsClass && type != typeof(string) && type.Namespace == typeof(FreshStackConverter).Namespace && !typeof(IEnumerable).IsAssignableFrom(type);
}
