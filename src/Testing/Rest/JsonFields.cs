using System.Text.Json;
using KonPro.Streaming.Testing.Sessions;

namespace KonPro.Streaming.Testing.Rest;

/// <summary>Reads and validates request fields; every failure is a <c>VALIDATION_ERROR</c> naming the field. Unknown fields are ignored.</summary>
internal static class JsonFields
{
    /// <summary>
    /// Parses a request body (UTF-8 bytes as sent) as a JSON object. Invalid UTF-8, a NUL byte, trailing bytes, a lone
    /// surrogate escape in any string or property name: each is a <c>VALIDATION_ERROR</c> naming the problem, never a
    /// silent default. An empty body takes every default.
    /// </summary>
    public static JsonElement ParseObject(ReadOnlyMemory<byte> body)
    {
        if (IsBlank(body.Span))
        {
            body = "{}"u8.ToArray(); // an absent body takes every default
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw RestError.Validation("body", $"must be valid UTF-8 JSON ({Describe(ex)})");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw RestError.Validation("body", "must be a JSON object");
        }

        RequireWellFormedStrings(root, "body");
        return root;
    }

    public static string? TryGetSessionId(JsonElement? body) =>
        body is { } obj && obj.TryGetProperty("session_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;

    private const string NotUnicode = "is not valid Unicode (invalid UTF-8, or a lone surrogate escape such as \\ud800)";

    // JsonDocument accepts an escaped lone surrogate (\ud800) or invalid UTF-8 inside a string, and only GetString
    // refuses them; find them up front, by path.
    private static void RequireWellFormedStrings(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var name = ReadOrNull(() => property.Name)
                        ?? throw RestError.Validation(path, $"has a property name that {NotUnicode}");
                    RequireWellFormedStrings(property.Value, path == "body" ? name : $"{path}.{name}");
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    RequireWellFormedStrings(item, $"{path}[{index++}]");
                }

                break;
            case JsonValueKind.String:
                if (ReadOrNull(element.GetString) is null)
                {
                    throw RestError.Validation(path, $"is a string that {NotUnicode}");
                }

                break;
        }
    }

    private static string? ReadOrNull(Func<string?> read)
    {
        try
        {
            return read();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static bool IsBlank(ReadOnlySpan<byte> body)
    {
        foreach (var b in body)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return false;
            }
        }

        return true;
    }

    // The reader's message names the byte and its position; keep it, without the exception's type name.
    private static string Describe(JsonException ex)
    {
        var message = ex.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd('.', ' ');
    }

    public static JsonElement? Get(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public static string? String(JsonElement obj, string name, string? prefix = null, int? maxLength = null)
    {
        var value = Get(obj, name);
        if (value is null)
        {
            return null;
        }

        var field = Path(prefix, name);
        if (value.Value.ValueKind != JsonValueKind.String)
        {
            throw RestError.Validation(field, "must be a string");
        }

        var text = value.Value.GetString()!;
        // Lengths count Unicode code points, as the SDK does: 1,000 emoji are 1,000 characters, not 2,000 UTF-16 units.
        if (maxLength is not null && text.Length > maxLength && text.EnumerateRunes().Count() > maxLength)
        {
            throw RestError.Validation(field, $"must be at most {maxLength} characters (Unicode code points)");
        }

        return text;
    }

    public static string RequiredString(JsonElement obj, string name, int? maxLength = null)
    {
        var text = String(obj, name, null, maxLength) ?? throw RestError.Validation(name, "is required");
        return text.Trim().Length == 0 ? throw RestError.Validation(name, "must not be empty") : text;
    }

    public static double? Number(JsonElement obj, string name, string? prefix, double min, double max)
    {
        var value = Get(obj, name);
        if (value is null)
        {
            return null;
        }

        var field = Path(prefix, name);
        if (value.Value.ValueKind != JsonValueKind.Number)
        {
            throw RestError.Validation(field, "must be a number");
        }

        var number = value.Value.GetDouble();
        return number < min || number > max ? throw RestError.Validation(field, $"must be between {Format(min)} and {Format(max)}") : number;
    }

    public static int? Integer(JsonElement obj, string name, string? prefix, int min, int max)
    {
        var value = Get(obj, name);
        if (value is null)
        {
            return null;
        }

        var field = Path(prefix, name);
        // JSON has one number type: 120, 120.0 and 1.2e2 are the same integral value.
        if (value.Value.ValueKind != JsonValueKind.Number || !value.Value.TryGetDouble(out var number)
            || !double.IsFinite(number) || Math.Floor(number) != number)
        {
            throw RestError.Validation(field, "must be an integer");
        }

        return number < min || number > max ? throw RestError.Validation(field, $"must be between {min} and {max}") : (int)number;
    }

    public static bool? Bool(JsonElement obj, string name, string? prefix = null)
    {
        var value = Get(obj, name);
        if (value is null)
        {
            return null;
        }

        return value.Value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw RestError.Validation(Path(prefix, name), "must be a boolean"),
        };
    }

    public static T? Enum<T>(JsonElement obj, string name, string? prefix = null)
        where T : struct, System.Enum
    {
        var text = String(obj, name, prefix);
        if (text is null)
        {
            return null;
        }

        return WireNames.TryParse<T>(text, out var value)
            ? value
            : throw RestError.Validation(Path(prefix, name), $"must be one of {string.Join(", ", WireNames.All<T>())}");
    }

    public static JsonElement? Object(JsonElement obj, string name, string? prefix = null)
    {
        var value = Get(obj, name);
        if (value is null)
        {
            return null;
        }

        return value.Value.ValueKind == JsonValueKind.Object ? value : throw RestError.Validation(Path(prefix, name), "must be an object");
    }

    private static string Path(string? prefix, string name) => prefix is null ? name : $"{prefix}.{name}";

    private static string Format(double value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
