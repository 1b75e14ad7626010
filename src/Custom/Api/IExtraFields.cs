namespace KonPro.Streaming.Api;

/// <summary>
/// A generated body's extra fields (its <c>AdditionalProperties</c>) as they are: null when none was ever set, where the
/// public property creates an empty dictionary on first read. The serializer reads them through this, so writing a body
/// that has none creates nothing (see <see cref="FreshStackConverter.Modify"/>).
/// </summary>
// CUSTOM: implemented by every generated DTO through src/Generated/Templates/Class.Inheritance.liquid and Class.Body.liquid.
internal interface IExtraFields
{
    /// <summary>The extra fields, or null when the body never had any.</summary>
    IDictionary<string, object>? ExtraFieldsOrNull { get; }
}
