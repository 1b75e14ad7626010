using System.Reflection;
using Microsoft.OpenApi.Models;

namespace KonPro.Streaming.Api.Tests.Spec;

/// <summary>The REST constants of the Api package (operation ids, validation ranges) say what the OpenAPI spec says.</summary>
public sealed class SharedConstantsSpecTests
{
    [Fact]
    public void Operation_ids_are_the_specs()
    {
        var constants = typeof(KonProOperations).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!);

        constants.Should().BeEquivalentTo(SpecDocument.Operations.Select(o => o.Operation.OperationId));
    }

    [Theory]
    [InlineData("rate", KonProLimits.MinVoiceRate, KonProLimits.MaxVoiceRate)]
    [InlineData("activity_idle_timeout", KonProLimits.MinActivityIdleTimeout, KonProLimits.MaxActivityIdleTimeout)]
    [InlineData("page_size", 1, KonProLimits.MaxHistoryPageSize)]
    public void Ranges_are_the_specs_wherever_the_field_appears(string field, double minimum, double maximum)
    {
        var schemas = SchemasNamed(field).ToList();

        schemas.Should().NotBeEmpty($"the spec has a field {field}");
        schemas.Should().OnlyContain(s => s.Minimum == (decimal)minimum && s.Maximum == (decimal)maximum, $"{field} is {minimum} to {maximum} everywhere");
    }

    [Fact]
    public void The_task_text_length_is_the_specs()
    {
        var text = SpecDocument.Operations.Single(o => o.Operation.OperationId == KonProOperations.SendTask)
            .Operation.RequestBody.Content.Values.Single().Schema.Properties["text"];

        text.MaxLength.Should().Be(KonProLimits.MaxTaskTextLength);
    }

    /// <summary>Every schema of a property or query parameter with this name.</summary>
    private static IEnumerable<OpenApiSchema> SchemasNamed(string field) =>
        SpecDocument.Document.Components.Schemas.Values
            .SelectMany(schema => schema.Properties)
            .Where(property => property.Key == field)
            .Select(property => property.Value)
            .Concat(SpecDocument.Operations
                .SelectMany(o => o.Operation.Parameters)
                .Where(p => p.Name == field)
                .Select(p => p.Schema));
}
