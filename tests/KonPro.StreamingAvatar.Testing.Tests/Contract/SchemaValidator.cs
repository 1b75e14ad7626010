using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.OpenApi.Any;
using Microsoft.OpenApi.Models;

namespace KonPro.Streaming.Testing.Tests.Contract;

/// <summary>
/// A small JSON Schema validator over the OpenAPI 3.0 schemas of the spec: type, required, enum, minimum/maximum,
/// minLength/maxLength, pattern, nullable, arrays and $ref'd objects (the reader resolves references in place).
/// </summary>
internal static class SchemaValidator
{
    public static IReadOnlyList<string> Validate(OpenApiSchema schema, JsonElement value)
    {
        var errors = new List<string>();
        Check(schema, value, "$", errors);
        return errors;
    }

    /// <summary>
    /// Every property the schema documents (required or not) that the value leaves out, at any depth: a faithful answer
    /// carries each documented field, null where it has no value.
    /// </summary>
    public static IReadOnlyList<string> MissingDocumented(OpenApiSchema schema, JsonElement value)
    {
        var missing = new List<string>();
        FindMissing(schema, value, "$", missing);
        return missing;
    }

    private static void FindMissing(OpenApiSchema schema, JsonElement value, string path, List<string> missing)
    {
        if (schema.Type == "object" && value.ValueKind == JsonValueKind.Object)
        {
            foreach (var (name, propertySchema) in schema.Properties)
            {
                if (value.TryGetProperty(name, out var property))
                {
                    FindMissing(propertySchema, property, $"{path}.{name}", missing);
                }
                else
                {
                    missing.Add($"{path}.{name}");
                }
            }
        }
        else if (schema.Type == "array" && value.ValueKind == JsonValueKind.Array && schema.Items is not null)
        {
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                FindMissing(schema.Items, item, $"{path}[{index++}]", missing);
            }
        }
    }

    private static void Check(OpenApiSchema schema, JsonElement value, string path, List<string> errors)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            if (!schema.Nullable)
            {
                errors.Add($"{path}: null is not allowed");
            }

            return;
        }

        switch (schema.Type)
        {
            case "object":
                if (value.ValueKind != JsonValueKind.Object)
                {
                    errors.Add($"{path}: expected an object, found {value.ValueKind}");
                    return;
                }

                foreach (var required in schema.Required)
                {
                    if (!value.TryGetProperty(required, out _))
                    {
                        errors.Add($"{path}.{required}: required property is missing");
                    }
                }

                foreach (var (name, propertySchema) in schema.Properties)
                {
                    if (value.TryGetProperty(name, out var property))
                    {
                        Check(propertySchema, property, $"{path}.{name}", errors);
                    }
                }

                break;
            case "array":
                if (value.ValueKind != JsonValueKind.Array)
                {
                    errors.Add($"{path}: expected an array, found {value.ValueKind}");
                    return;
                }

                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (schema.Items is not null)
                    {
                        Check(schema.Items, item, $"{path}[{index}]", errors);
                    }

                    index++;
                }

                break;
            case "string":
                if (value.ValueKind != JsonValueKind.String)
                {
                    errors.Add($"{path}: expected a string, found {value.ValueKind}");
                    return;
                }

                var text = value.GetString()!;
                var allowed = schema.Enum.OfType<OpenApiString>().Select(e => e.Value).ToList();
                if (allowed.Count > 0 && !allowed.Contains(text))
                {
                    errors.Add($"{path}: '{text}' is not one of {string.Join(", ", allowed)}");
                }

                if (schema.MinLength is { } min && text.Length < min)
                {
                    errors.Add($"{path}: shorter than {min}");
                }

                if (schema.MaxLength is { } max && text.Length > max)
                {
                    errors.Add($"{path}: longer than {max}");
                }

                if (schema.Pattern is { } pattern && !Regex.IsMatch(text, pattern, RegexOptions.None, TimeSpan.FromSeconds(1)))
                {
                    errors.Add($"{path}: does not match {pattern}");
                }

                break;
            case "integer":
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out _))
                {
                    errors.Add($"{path}: expected an integer, found {value}");
                    return;
                }

                CheckRange(schema, value.GetDecimal(), path, errors);
                break;
            case "number":
                if (value.ValueKind != JsonValueKind.Number)
                {
                    errors.Add($"{path}: expected a number, found {value.ValueKind}");
                    return;
                }

                CheckRange(schema, value.GetDecimal(), path, errors);
                break;
            case "boolean":
                if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    errors.Add($"{path}: expected a boolean, found {value.ValueKind}");
                }

                break;
        }
    }

    private static void CheckRange(OpenApiSchema schema, decimal number, string path, List<string> errors)
    {
        if (schema.Minimum is { } min && number < min)
        {
            errors.Add($"{path}: {number.ToString(CultureInfo.InvariantCulture)} is below the minimum {min}");
        }

        if (schema.Maximum is { } max && number > max)
        {
            errors.Add($"{path}: {number.ToString(CultureInfo.InvariantCulture)} is above the maximum {max}");
        }
    }
}
