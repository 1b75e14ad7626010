using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace KonPro.Streaming.Api;

/// <summary>
/// Reads and writes an object-valued property of an API body (the envelope's <c>data</c>) through the converter of its
/// type, on a serializer state of its own. The object then sits at the top of that state instead of one level down in its
/// parent's, and System.Text.Json keeps the top level inline: the envelope costs no array of nested read (or write)
/// frames, which were the largest allocation of a call. The type's own converter is called directly (its
/// <see cref="JsonConverter{T}.Read"/> starts a fresh state), not through <c>JsonSerializer</c>, whose reader entry point
/// first scans the value to its end and reads it again from a copy (about a third of the time of reading an envelope).
/// Errors, nulls and required fields behave as before (the property's type is read by the same metadata).
/// </summary>
/// <typeparam name="T">The property's type.</typeparam>
// CUSTOM: the generated DTOs nest objects (the envelope's data); this converter keeps their (de)serialization flat.
internal sealed class FreshStackConverter<T> : JsonConverter<T>
{
    private JsonConverter<T>? _converter;

    public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        ConverterOf(options).Read(ref reader, typeof(T), options);

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
        ConverterOf(options).Write(writer, value, options);

    private JsonConverter<T> ConverterOf(JsonSerializerOptions options) =>
        _converter ??= (JsonConverter<T>)options.GetTypeInfo(typeof(T)).Converter;
}

/// <summary>Gives each object-valued property of an API type a <see cref="FreshStackConverter{T}"/>.</summary>
internal static class FreshStackConverter
{
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
                property.CustomConverter = For(property.PropertyType);
            }
        }
    }

    // Every API object type is a class (IsApiObject), so FreshStackConverter<T> over it runs the code shared by all
    // reference-type instantiations, which Native AOT always compiles: no code is generated at run time. The
    // constructor is kept by the trimmer through the DynamicDependency.
    [UnconditionalSuppressMessage("AotAnalysis", "IL3050:RequiresDynamicCode", Justification = "T is always a reference type, whose generic code is shared and compiled ahead of time.")]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor, typeof(FreshStackConverter<>))]
    private static JsonConverter For(Type apiObjectType) =>
        (JsonConverter)Activator.CreateInstance(typeof(FreshStackConverter<>).MakeGenericType(apiObjectType))!;

    private static bool IsApiObject(Type type) =>
        type.IsClass && type != typeof(string) && type.Namespace == typeof(FreshStackConverter<>).Namespace && !typeof(IEnumerable).IsAssignableFrom(type);
}
