using Microsoft.OpenApi.Extensions;
using Microsoft.OpenApi.Models;
using Microsoft.OpenApi.Validations;

namespace KonPro.Streaming.Api.Tests.Spec;

public class OpenApiSpecTests
{
    private static readonly string[] ApiKeyOnly =
    [
        "createToken", "listSessions", "listSessionHistory", "listAvatars",
        "listKnowledgeBases", "createKnowledgeBase", "updateKnowledgeBase", "deleteKnowledgeBase",
    ];

    private static readonly string[] SessionOperations =
    [
        "newSession", "startSession", "sendTask", "interruptTask",
        "startListening", "stopListening", "keepAlive", "stopSession",
    ];

    [Fact]
    public void Spec_reads_without_errors_and_is_OpenAPI_3_0()
    {
        SpecDocument.Diagnostic.Errors.Should().BeEmpty();
        SpecDocument.Diagnostic.SpecificationVersion.Should().Be(Microsoft.OpenApi.OpenApiSpecVersion.OpenApi3_0);
    }

    [Fact]
    public void Spec_passes_the_reference_validator()
    {
        // The 1.x reader types every integer example as int32, so its example rule reports a false
        // "Data and type mismatch" on int64 fields; those, and only those, are left out here.
        var int64Fields = SpecDocument.Document.Components.Schemas.Values
            .SelectMany(schema => schema.Properties)
            .Where(property => property.Value.Format == "int64")
            .Select(property => "/" + property.Key)
            .ToHashSet();
        var errors = SpecDocument.Document.Validate(ValidationRuleSet.GetDefaultRuleSet())
            .Where(e => !(e.Message == "Data and type mismatch found." && int64Fields.Any(e.Pointer.EndsWith)))
            .ToList();

        errors.Should().BeEmpty(string.Join(Environment.NewLine, errors.Select(e => $"{e.Pointer}: {e.Message}")));
    }

    [Fact]
    public void Spec_has_the_16_operations_of_the_design_on_KonPro_routes()
    {
        var operations = SpecDocument.Operations.Select(o => $"{o.Method.ToString().ToUpperInvariant()} {o.Path}");

        operations.Should().BeEquivalentTo(
            "POST /v1/streaming/create_token",
            "POST /v1/streaming/new",
            "POST /v1/streaming/start",
            "POST /v1/streaming/task",
            "POST /v1/streaming/interrupt",
            "POST /v1/streaming/start_listening",
            "POST /v1/streaming/stop_listening",
            "POST /v1/streaming/keep_alive",
            "POST /v1/streaming/stop",
            "GET /v1/streaming/sessions",
            "GET /v1/streaming/sessions/history",
            "GET /v1/streaming/avatars",
            "GET /v1/streaming/knowledge_base/list",
            "POST /v1/streaming/knowledge_base/create",
            "POST /v1/streaming/knowledge_base/{id}/update",
            "DELETE /v1/streaming/knowledge_base/{id}");
    }

    [Fact]
    public void Older_dotted_routes_are_not_in_the_spec()
    {
        SpecDocument.Document.Paths.Keys.Should().NotContain(path => path.Contains("streaming.", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_operation_has_a_unique_operation_id_a_summary_and_a_description()
    {
        var operations = SpecDocument.Operations.ToList();

        operations.Select(o => o.Operation.OperationId).Should().OnlyHaveUniqueItems().And.NotContainNulls();
        operations.Should().AllSatisfy(o =>
        {
            o.Operation.Summary.Should().NotBeNullOrWhiteSpace(o.Operation.OperationId);
            o.Operation.Description.Should().NotBeNullOrWhiteSpace(o.Operation.OperationId);
        });
    }

    [Fact]
    public void Both_security_schemes_are_declared()
    {
        var schemes = SpecDocument.Document.Components.SecuritySchemes;

        schemes["ApiKey"].Type.Should().Be(SecuritySchemeType.ApiKey);
        schemes["ApiKey"].In.Should().Be(ParameterLocation.Header);
        schemes["ApiKey"].Name.Should().Be("x-api-key");
        schemes["SessionToken"].Type.Should().Be(SecuritySchemeType.Http);
        schemes["SessionToken"].Scheme.Should().Be("bearer");
    }

    [Fact]
    public void API_key_only_operations_accept_the_API_key_alone()
    {
        foreach (var (_, _, operation) in SpecDocument.Operations.Where(o => ApiKeyOnly.Contains(o.Operation.OperationId)))
        {
            SchemeNames(operation).Should().BeEquivalentTo(["ApiKey"], operation.OperationId);
        }
    }

    [Fact]
    public void Session_operations_accept_a_session_token_or_the_API_key()
    {
        foreach (var (_, _, operation) in SpecDocument.Operations.Where(o => SessionOperations.Contains(o.Operation.OperationId)))
        {
            SchemeNames(operation).Should().BeEquivalentTo(["SessionToken", "ApiKey"], operation.OperationId);
        }
    }

    [Fact]
    public void Every_operation_answers_errors_with_the_error_envelope()
    {
        foreach (var (_, _, operation) in SpecDocument.Operations)
        {
            var errors = operation.Responses.Where(r => !r.Key.StartsWith('2')).ToList();
            errors.Should().NotBeEmpty(operation.OperationId);
            errors.Select(r => r.Key).Should().Contain(["401", "500"], operation.OperationId);
            foreach (var (status, response) in errors)
            {
                response.Content["application/json"].Schema.Reference.Id.Should()
                    .Be("ErrorResponse", $"{operation.OperationId} {status}");
            }
        }
    }

    [Fact]
    public void Every_success_answer_is_an_envelope_with_data()
    {
        foreach (var (_, _, operation) in SpecDocument.Operations)
        {
            var schema = operation.Responses["200"].Content["application/json"].Schema;
            schema.Properties.Should().ContainKey("data", operation.OperationId);
            if (operation.OperationId == "createToken")
            {
                schema.Properties.Should().ContainKey("error");
            }
            else
            {
                schema.Properties.Should().ContainKeys(["code", "message"], operation.OperationId);
            }
        }
    }

    [Theory]
    [InlineData("AvatarQuality", new[] { "low", "medium", "high" })]
    [InlineData("VoiceEmotion", new[] { "excited", "serious", "friendly", "soothing", "broadcaster" })]
    [InlineData("TaskType", new[] { "repeat", "talk", "chat" })]
    [InlineData("TaskMode", new[] { "sync", "async" })]
    [InlineData("SttProvider", new[] { "deepgram", "gladia", "assembly_ai" })]
    [InlineData("ElevenLabsModel", new[] { "eleven_flash_v2_5", "eleven_multilingual_v2" })]
    [InlineData("VideoEncoding", new[] { "H264", "VP8" })]
    [InlineData("SessionStatus", new[] { "new", "connecting", "connected", "closed" })]
    [InlineData("AvatarStatus", new[] { "ACTIVE", "INACTIVE" })]
    public void Enums_have_the_values_of_the_design(string schemaName, string[] values)
    {
        var schema = SpecDocument.Document.Components.Schemas[schemaName];

        schema.Enum.Select(e => ((Microsoft.OpenApi.Any.OpenApiString)e).Value).Should().BeEquivalentTo(values);
    }

    [Theory]
    [InlineData("VoiceSetting", "rate", 0.5, 1.5)]
    [InlineData("NewSessionRequest", "activity_idle_timeout", 30.0, 3600.0)]
    [InlineData("SttSettings", "confidence", 0.0, 1.0)]
    [InlineData("TaskRequest", "text", null, null)]
    public void Ranges_of_the_design_are_in_the_schemas(string schemaName, string property, double? minimum, double? maximum)
    {
        var schema = SpecDocument.Document.Components.Schemas[schemaName].Properties[property];

        if (property == "text")
        {
            schema.MinLength.Should().Be(1);
            schema.MaxLength.Should().Be(1000);
            return;
        }

        ((double?)schema.Minimum).Should().Be(minimum);
        ((double?)schema.Maximum).Should().Be(maximum);
    }

    [Fact]
    public void Every_schema_property_has_a_type_or_a_reference_and_every_operation_has_examples()
    {
        foreach (var (name, schema) in SpecDocument.Document.Components.Schemas)
        {
            foreach (var (propertyName, property) in schema.Properties)
            {
                (property.Type is not null || property.Reference is not null)
                    .Should().BeTrue($"{name}.{propertyName} needs a type");
            }
        }

        foreach (var (_, _, operation) in SpecDocument.Operations)
        {
            operation.Responses["200"].Content["application/json"].Example.Should().NotBeNull(operation.OperationId);
        }
    }

    private static IEnumerable<string> SchemeNames(OpenApiOperation operation) =>
        operation.Security.SelectMany(requirement => requirement.Keys.Select(scheme => scheme.Reference.Id));
}
