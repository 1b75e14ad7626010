using System.Reflection;
using System.Xml.Linq;

namespace KonPro.Streaming.Api.Tests.PublicApi;

/// <summary>
/// Every public type and member of the generated client is documented, from the spec's descriptions (the package's
/// XML documentation file is what an IDE shows): CS1591 is an error in the Api project as everywhere under src/.
/// </summary>
public sealed class XmlDocumentationTests
{
    private static readonly Assembly Api = typeof(IKonProApiClient).Assembly;

    // The chat socket's frames are protoc's C# output (openapi/pipecat.proto): each message and field is documented
    // from the .proto comments and checked here; the members protoc writes for every message (Parser, Descriptor,
    // Clone, Equals, MergeFrom, WriteTo, CalculateSize, the copy constructor, the oneof case enum) are Google.Protobuf's
    // plumbing, which protoc leaves undocumented in a file it generates with CS1591 off.
    private static bool IsProtobufPlumbing(string id) =>
        id.Contains(":KonPro.Streaming.Api.Frames.", StringComparison.Ordinal)
        && (id.StartsWith("M:", StringComparison.Ordinal) || id.StartsWith("F:", StringComparison.Ordinal)
            || id.EndsWith(".Parser", StringComparison.Ordinal) || id.EndsWith(".Descriptor", StringComparison.Ordinal)
            || id.EndsWith(".FrameCase", StringComparison.Ordinal));

    [Fact]
    public void Every_public_type_and_member_of_the_client_has_a_summary()
    {
        var file = Path.ChangeExtension(Api.Location, ".xml");
        File.Exists(file).Should().BeTrue("the Api project writes its XML documentation beside the assembly");
        var documented = XDocument.Load(file).Descendants("member")
            .Where(m => !string.IsNullOrWhiteSpace(m.Element("summary")?.Value))
            .Select(m => m.Attribute("name")!.Value)
            .ToHashSet(StringComparer.Ordinal);

        var missing = new List<string>();
        foreach (var type in Api.GetExportedTypes())
        {
            var typeId = type.FullName!.Replace('+', '.');
            Check("T:" + typeId);
            const BindingFlags Declared = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var property in type.GetProperties(Declared))
            {
                Check($"P:{typeId}.{property.Name}");
            }

            foreach (var field in type.GetFields(Declared).Where(f => !f.IsSpecialName))
            {
                Check($"F:{typeId}.{field.Name}");
            }

            foreach (var method in type.GetMethods(Declared).Where(m => !m.IsSpecialName))
            {
                CheckPrefix($"M:{typeId}.{method.Name}", method.Name);
            }

            foreach (var constructor in type.GetConstructors(BindingFlags.Public | BindingFlags.Instance).Where(c => c.GetParameters().Length > 0))
            {
                CheckPrefix($"M:{typeId}.#ctor", ".ctor");
            }
        }

        missing.Should().BeEmpty("every public type and member has a summary in the XML documentation: " + string.Join(", ", missing));
        documented.Should().Contain("T:KonPro.Streaming.Api.KonProApiClient").And.Contain("T:KonPro.Streaming.Api.IKonProApiClient");

        void Check(string id)
        {
            if (!documented.Contains(id) && !IsProtobufPlumbing(id))
            {
                missing.Add(id);
            }
        }

        void CheckPrefix(string prefix, string name)
        {
            if (!IsProtobufPlumbing(prefix) && !documented.Any(d => d == prefix || d.StartsWith(prefix + "(", StringComparison.Ordinal) || d.StartsWith(prefix + "``", StringComparison.Ordinal)))
            {
                missing.Add(prefix + " (" + name + ")");
            }
        }
    }
}
