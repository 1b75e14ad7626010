using System.Text.Json.Nodes;
using Json.Schema;
using KonPro.Streaming.TestSupport;

namespace KonPro.Streaming.Api.Tests.AsyncApi;

/// <summary>
/// The official AsyncAPI 3.0.0 JSON Schema (npm <c>@asyncapi/specs</c>, installed by this project's build and copied
/// beside the tests: no network at test time), and a validator for documents on it.
/// </summary>
internal static class AsyncApiSchema
{
    public static readonly string SchemaPath = Path.Combine(AppContext.BaseDirectory, "asyncapi", "3.0.0.json");

    private static readonly Lazy<JsonSchema> Schema = new(() => SchemaErrors.Build(File.ReadAllText(SchemaPath)));

    /// <summary>Validates a document; returns the failures as "instance location: keyword: message" lines.</summary>
    public static IReadOnlyList<string> Validate(JsonNode document) => SchemaErrors.Of(Schema.Value, document);
}
