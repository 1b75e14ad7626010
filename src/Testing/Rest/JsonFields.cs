using System.Text.Json;
using KonPro.StreamingAvatar.Testing.Sessions;

namespace KonPro.StreamingAvatar.Testing.Rest;

/// <summary>Reads and validates request fields; every failure is a <c>VALIDATION_ERROR</c> naming the field. Unknown fields are ignored.</summary>
internal static class JsonFields
{
    public static JsonElement ParseObject(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            body = "{}"; // an absent body takes every default
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw RestError.Validation("body", "must be a JSON object");
            }

            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw RestError.Validation("body", "must be valid JSON");
        }
    }

    public static string? TryGetSessionId(string? body)
    {
        try
        {
            var obj = ParseObject(body);
            return obj.TryGetProperty("session_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        }
        catch (RestError)
        {
            return null;
        }
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
        if (maxLength is not null && text.Length > maxLength)
        {
            throw RestError.Validation(field, $"must be at most {maxLength} characters");
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
        if (value.Value.ValueKind != JsonValueKind.Number || !value.Value.TryGetInt64(out var number))
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
