using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using KonPro.StreamingAvatar.Api;
using KonPro.StreamingAvatar.Testing.Sessions;

namespace KonPro.StreamingAvatar.Testing.Rest;

/// <summary>The JSON settings of the fake's answers: the generated DTOs, no null properties, enums as the spec spells them.</summary>
internal static class WireJson
{
    public static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { UseSpecEnumNames } },
        };
        options.MakeReadOnly();
        return options;
    }

    // The generated DTOs carry JsonStringEnumConverter<T>, which writes the C# member name ("Connected");
    // the spec's value is the EnumMember value ("connected"), so the enum properties get a converter that writes it.
    private static void UseSpecEnumNames(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        foreach (var property in info.Properties)
        {
            var type = property.PropertyType;
            if (type.IsEnum && type.Assembly == typeof(SessionStatus).Assembly)
            {
                property.CustomConverter = (System.Text.Json.Serialization.JsonConverter?)Activator.CreateInstance(typeof(SpecEnumConverter<>).MakeGenericType(type));
            }
        }
    }

    private sealed class SpecEnumConverter<T> : System.Text.Json.Serialization.JsonConverter<T>
        where T : struct, Enum
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            WireNames.TryParse<T>(reader.GetString() ?? string.Empty, out var value)
                ? value
                : throw new JsonException($"Unknown {typeof(T).Name} value.");

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WriteStringValue(WireNames.Of(value));
    }
}
