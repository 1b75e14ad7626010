using System.Reflection;
using System.Text.Json.Serialization;
using KonPro.Streaming.Api.Tests.Spec;
using Microsoft.OpenApi.Any;

namespace KonPro.Streaming.Api.Tests.PublicApi;

/// <summary>
/// The generated names are .NET names and the wire names are the spec's (docs/adr/0001): src/Generated/Templates write
/// every generated property, enum member and parameter in .NET casing, while [JsonPropertyName] and
/// [JsonStringEnumMemberName] keep the spec's snake_case.
/// </summary>
public sealed class ApiNamingTests
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Assembly Api = typeof(IKonProApiClient).Assembly;

    [Fact]
    public void Every_public_name_of_the_package_is_in_dotnet_casing()
    {
        var wrong = new List<string>();
        foreach (var type in Api.GetExportedTypes())
        {
            CheckPascal(type.Name.Split('`')[0], type.FullName!);
            foreach (var member in type.GetMembers(Declared).Where(IsVisible))
            {
                var id = $"{type.FullName}.{member.Name}";
                if (member is MethodBase method)
                {
                    if (method is MethodInfo { IsSpecialName: false })
                    {
                        CheckPascal(method.Name, id);
                    }

                    foreach (var parameter in method.GetParameters())
                    {
                        CheckCamel(parameter.Name!, $"{id}({parameter.Name})");
                    }
                }
                else if (member is PropertyInfo or FieldInfo { IsSpecialName: false } or EventInfo or Type)
                {
                    CheckPascal(member.Name, id);
                }
            }
        }

        wrong.Should().BeEmpty("generated names are written in .NET casing by src/Generated/Templates: " + string.Join(", ", wrong));

        void CheckPascal(string name, string id)
        {
            // A name in capitals is an acronym only up to two letters (IO) or with digits (H264, VP8); ACTIVE is a word.
            var shouted = name.Length > 2 && name.All(char.IsUpper);
            if (name.Contains('_', StringComparison.Ordinal) || !char.IsUpper(name[0]) || shouted)
            {
                wrong.Add(id);
            }
        }

        void CheckCamel(string name, string id)
        {
            if (name.Contains('_', StringComparison.Ordinal) || !char.IsLower(name[0]))
            {
                wrong.Add(id);
            }
        }
    }

    [Fact]
    public void Every_object_schema_of_the_spec_is_a_type_whose_JSON_names_are_the_specs()
    {
        var objects = SpecDocument.Document.Components.Schemas.Where(schema => schema.Value.Properties.Count > 0).ToList();
        objects.Should().NotBeEmpty();

        foreach (var (name, schema) in objects)
        {
            var type = Api.GetType($"KonPro.Streaming.Api.{name}");
            type.Should().NotBeNull($"the spec's schema {name} is a generated type");
            var jsonNames = type!.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Select(property => property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name)
                .OfType<string>();

            jsonNames.Should().BeEquivalentTo(schema.Properties.Keys, $"{name}'s properties travel under the spec's names");
        }
    }

    [Fact]
    public void Every_enum_schema_of_the_spec_is_an_enum_whose_wire_values_are_the_specs()
    {
        var enums = SpecDocument.Document.Components.Schemas.Where(schema => schema.Value.Enum.Count > 0).ToList();
        enums.Should().NotBeEmpty();

        foreach (var (name, schema) in enums)
        {
            var type = Api.GetType($"KonPro.Streaming.Api.{name}");
            type.Should().NotBeNull($"the spec's enum {name} is a generated enum");
            var wireValues = type!.GetFields(BindingFlags.Public | BindingFlags.Static)
                .Select(member => member.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name);

            wireValues.Should().BeEquivalentTo(schema.Enum.Select(value => ((OpenApiString)value).Value), $"{name}'s members travel as the spec's values");
        }
    }

    private static bool IsVisible(MemberInfo member) => member switch
    {
        MethodBase method => method.IsPublic || method.IsFamily || method.IsFamilyOrAssembly,
        FieldInfo field => field.IsPublic || field.IsFamily || field.IsFamilyOrAssembly,
        PropertyInfo property => property.GetAccessors(nonPublic: true).Any(IsVisible),
        EventInfo @event => @event.AddMethod is { } add && IsVisible(add),
        Type nested => nested.IsNestedPublic || nested.IsNestedFamily || nested.IsNestedFamORAssem,
        _ => false,
    };
}
