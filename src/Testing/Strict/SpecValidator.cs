using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.OpenApi.Any;
using Microsoft.OpenApi.Models;
using Microsoft.OpenApi.Readers;

namespace KonPro.Streaming.Testing.Strict;

/// <summary>
/// Strict mode: checks a request body against its operation's schema in the spec this assembly embeds (types, ranges,
/// enums, lengths, patterns, required and unknown fields) and lists every violation with its JSON path and rule.
/// </summary>
internal sealed class SpecValidator
{
    private readonly Dictionary<string, OpenApiSchema> _bodies;

    private SpecValidator(Dictionary<string, OpenApiSchema> bodies) => _bodies = bodies;

    public static SpecValidator Load()
    {
        using var stream = typeof(SpecValidator).Assembly.GetManifestResourceStream("openapi/konpro-streaming.yaml")
            ?? throw new InvalidOperationException("The spec is not embedded in the Testing assembly.");
        var document = new OpenApiStreamReader().Read(stream, out _);
        var bodies = document.Paths.Values
            .SelectMany(p => p.Operations.Values)
            .Where(o => o.OperationId is not null && o.RequestBody?.Content.TryGetValue("application/json", out _) == true)
            .ToDictionary(o => o.OperationId, o => o.RequestBody.Content["application/json"].Schema, StringComparer.Ordinal);
        return new SpecValidator(bodies);
    }

    /// <summary>The violations of one request body (empty when the operation has no JSON body in the spec).</summary>
    public IReadOnlyList<(string Path, string Rule, string Message)> Validate(string operationId, JsonElement body)
    {
        var found = new List<(string, string, string)>();
        if (_bodies.TryGetValue(operationId, out var schema))
        {
            Check(schema, body, "$", found);
        }

        return found;
    }

    private static void Check(OpenApiSchema schema, JsonElement value, string path, List<(string, string, string)> found)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            if (!schema.Nullable)
            {
                found.Add((path, "nullable", "must not be null"));
            }

            return;
        }

        switch (schema.Type)
        {
            case "object" when value.ValueKind != JsonValueKind.Object:
            case "array" when value.ValueKind != JsonValueKind.Array:
            case "string" when value.ValueKind != JsonValueKind.String:
            case "number" when value.ValueKind != JsonValueKind.Number:
            case "boolean" when value.ValueKind is not (JsonValueKind.True or JsonValueKind.False):
                found.Add((path, "type", $"must be {Article(schema.Type)} {schema.Type}, not {value.ValueKind.ToString().ToLowerInvariant()}"));
                return;
            case "integer" when value.ValueKind != JsonValueKind.Number || !IsIntegral(value):
                found.Add((path, "type", "must be an integer"));
                return;
            case "object":
                foreach (var required in schema.Required.Where(r => !value.TryGetProperty(r, out _)))
                {
                    found.Add(($"{path}.{required}", "required", "is required"));
                }

                foreach (var property in value.EnumerateObject())
                {
                    if (schema.Properties.TryGetValue(property.Name, out var inner))
                    {
                        Check(inner, property.Value, $"{path}.{property.Name}", found);
                    }
                    else
                    {
                        found.Add(($"{path}.{property.Name}", "unknown-field", "is not a field of the spec (servers ignore it)"));
                    }
                }

                return;
            case "array":
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (schema.Items is not null)
                    {
                        Check(schema.Items, item, $"{path}[{index}]", found);
                    }

                    index++;
                }

                return;
            case "string":
                CheckString(schema, value.GetString()!, path, found);
                return;
            case "number" or "integer":
                var number = value.GetDouble();
                if (schema.Minimum is { } min && (number < (double)min || (schema.ExclusiveMinimum == true && number == (double)min)))
                {
                    found.Add((path, "minimum", $"must be at least {Format(min)}"));
                }

                if (schema.Maximum is { } max && (number > (double)max || (schema.ExclusiveMaximum == true && number == (double)max)))
                {
                    found.Add((path, "maximum", $"must be at most {Format(max)}"));
                }

                return;
        }
    }

    private static void CheckString(OpenApiSchema schema, string text, string path, List<(string, string, string)> found)
    {
        var allowed = schema.Enum.OfType<OpenApiString>().Select(e => e.Value).ToList();
        if (allowed.Count > 0 && !allowed.Contains(text, StringComparer.Ordinal))
        {
            found.Add((path, "enum", $"must be one of {string.Join(", ", allowed)}"));
        }

        if (schema.MinLength is { } minLength && text.Length < minLength)
        {
            found.Add((path, "minLength", $"must be at least {minLength} characters"));
        }

        if (schema.MaxLength is { } maxLength && text.Length > maxLength)
        {
            found.Add((path, "maxLength", $"must be at most {maxLength} characters"));
        }

        if (schema.Pattern is { } pattern && !Regex.IsMatch(text, pattern, RegexOptions.None, TimeSpan.FromSeconds(1)))
        {
            found.Add((path, "pattern", $"must match {pattern}"));
        }
    }

    private static bool IsIntegral(JsonElement value) =>
        value.TryGetDouble(out var number) && double.IsFinite(number) && Math.Floor(number) == number;

    private static string Article(string type) => type is "object" or "array" or "integer" ? "an" : "a";

    private static string Format(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
